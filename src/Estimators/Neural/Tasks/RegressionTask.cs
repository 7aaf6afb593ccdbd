using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLExt.Devices;
using static TorchSharp.torch;

namespace MLExt.Neural.Tasks
{
    /// <summary>
    /// A Single label, one output a row, squared error, early stopping on RMSE; Score. The network learns the label standardized
    /// with the training mean and deviation (a price in the thousands would otherwise need thousands of optimizer steps to reach
    /// its scale); Score is in the label's own units.
    /// </summary>
    internal sealed class RegressionTask : NeuralTask
    {
        public RegressionTask(float mean = 0, float scale = 1)
        {
            Mean = mean;
            Scale = scale;
        }

        /// <summary>The training labels' mean.</summary>
        public float Mean { get; }

        /// <summary>The training labels' standard deviation (1 when they are all equal).</summary>
        public float Scale { get; }

        /// <inheritdoc/>
        /// <remarks>Learns the labels' mean and deviation.</remarks>
        public override NeuralTask Adapt(float[] labels, float[] weights)
        {
            double mean = WeightedMean(labels, weights);
            double variance = WeightedMean(labels.Select(y => (float)((y - mean) * (y - mean))).ToArray(), weights);
            return new RegressionTask((float)mean, variance > 0 ? (float)Math.Sqrt(variance) : 1);
        }
        public override int Outputs => 1;

        public override string MetricName => "RMSE";

        public override bool HigherIsBetter => false;

        public override string LabelDescription => "Single";

        public override bool Accepts(DataViewType labelType) => labelType == NumberDataViewType.Single;

        public override Func<float> BindLabel(DataViewRow row, DataViewSchema.Column column, IExceptionContext ectx)
        {
            ValueGetter<float> getter = row.GetGetter<float>(column);
            float value = 0;
            return () =>
            {
                getter(ref value);
                if (!float.IsFinite(value))
                    throw ectx.Except($"Label column '{column.Name}' holds {value} in row {row.Position}; a regression label must be a finite number (filter or replace missing labels first).");
                return value;
            };
        }

        public override void CheckLabels(float[] labels, string labelColumn, IExceptionContext ectx)
        {
        }

        public override Tensor Loss(Tensor outputs, Tensor labels, Tensor weights)
        {
            Tensor squared = (outputs.squeeze(-1) - labels.Minus(Mean).DividedBy(Scale)).Squared();
            return weights is null ? squared.mean() : (squared * weights).mean();
        }

        public override double Metric(float[] outputs, float[] labels)
            => Math.Sqrt(outputs.Zip(labels, (o, y) => (double)(o * Scale + Mean - y) * (o * Scale + Mean - y)).Average());

        /// <remarks>The standardized labels' mean: 0.</remarks>
        public override float[] StartingBias(float[] labels, float[] weights) => new[] { 0f };

        public override DataViewSchema.DetachedColumn[] OutputColumns() => new[]
        {
            new DataViewSchema.DetachedColumn(DefaultColumnNames.Score, NumberDataViewType.Single,
                ScoreAnnotations(AnnotationUtils.Const.ScoreColumnKind.Regression, AnnotationUtils.Const.ScoreValueKind.Score).ToAnnotations()),
        };

        public override bool ExportsToOnnx => true;

        public override void ExportOnnx(Onnx.OnnxGraph graph, string outputs)
        {
            var score = OutputColumns()[0];
            graph.SetColumn(score.Name, score.Type, graph.Add(graph.Mul(outputs, graph.Constant(Scale)), graph.Constant(Mean)));
        }

        public override Delegate OutputGetter(int column, RowOutputs outputs) => (ValueGetter<float>)((ref float value) => value = outputs()[0] * Scale + Mean);

        protected override void SaveCore(ModelSaveContext ctx)
        {
            // float: label mean; float: label deviation
            ctx.Writer.Write(Mean);
            ctx.Writer.Write(Scale);
        }

        internal static RegressionTask LoadCore(ModelLoadContext ctx) => new RegressionTask(ctx.Reader.ReadSingle(), ctx.Reader.ReadSingle());
    }
}
