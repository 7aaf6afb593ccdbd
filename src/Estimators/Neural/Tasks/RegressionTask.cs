using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using static TorchSharp.torch;

namespace MLExt.Neural.Tasks
{
    /// <summary>A Single label, one output a row, squared error, early stopping on RMSE; Score.</summary>
    internal sealed class RegressionTask : NeuralTask
    {
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
            Tensor squared = (outputs.squeeze(-1) - labels).square();
            return weights is null ? squared.mean() : (squared * weights).mean();
        }

        public override double Metric(float[] outputs, float[] labels)
            => Math.Sqrt(outputs.Zip(labels, (o, y) => (double)(o - y) * (o - y)).Average());

        public override float[] StartingBias(float[] labels, float[] weights) => new[] { (float)WeightedMean(labels, weights) };

        public override DataViewSchema.DetachedColumn[] OutputColumns() => new[]
        {
            new DataViewSchema.DetachedColumn(DefaultColumnNames.Score, NumberDataViewType.Single,
                ScoreAnnotations(AnnotationUtils.Const.ScoreColumnKind.Regression, AnnotationUtils.Const.ScoreValueKind.Score).ToAnnotations()),
        };

        public override Delegate OutputGetter(int column, RowOutputs outputs) => (ValueGetter<float>)((ref float value) => value = outputs()[0]);
    }
}
