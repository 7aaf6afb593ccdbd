using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLExt.Devices;
using MLExt.Neural.Training;
using static TorchSharp.torch;

namespace MLExt.Neural.Tasks
{
    /// <summary>A Boolean label, one logit a row, log loss, early stopping on AUC; Score (the logit), Probability, PredictedLabel.</summary>
    internal sealed class BinaryClassificationTask : NeuralTask
    {
        public override int Outputs => 1;

        public override string MetricName => "AUC";

        public override bool HigherIsBetter => true;

        public override string LabelDescription => "Boolean (convert a 0/1 or text label first)";

        public override bool Accepts(DataViewType labelType) => labelType == BooleanDataViewType.Instance;

        public override Func<float> BindLabel(DataViewRow row, DataViewSchema.Column column, IExceptionContext ectx)
        {
            ValueGetter<bool> getter = row.GetGetter<bool>(column);
            bool value = false;
            return () =>
            {
                getter(ref value);
                return value ? 1 : 0;
            };
        }

        public override void CheckLabels(float[] labels, string labelColumn, IExceptionContext ectx)
        {
            if (labels.Distinct().Count() < 2)
                throw ectx.Except($"Label column '{labelColumn}' has a single class in the training rows; a click model needs both.");
        }

        public override Tensor Loss(Tensor outputs, Tensor labels, Tensor weights)
            => nn.functional.binary_cross_entropy_with_logits(outputs.squeeze(-1), labels, weight: weights);

        public override bool HasClasses => true;

        public override Tensor Probabilities(Tensor outputs)
        {
            Tensor p = sigmoid(outputs);
            return cat(new[] { p.SubtractedFrom(1), p }, 1);
        }

        public override double Metric(float[] outputs, float[] labels) => Auc.Of(outputs, labels);

        /// <remarks>
        /// The base rate's log-odds, log(p / (1 − p)): a network that starts at 0.5 for rare clicks spends its first epochs learning
        /// the intercept, and early stopping on AUC (blind to calibration) can stop before it has.
        /// </remarks>
        public override float[] StartingBias(float[] labels, float[] weights)
        {
            double p = Math.Clamp(WeightedMean(labels, weights), 1e-6, 1 - 1e-6);
            return new[] { (float)Math.Log(p / (1 - p)) };
        }

        public override DataViewSchema.DetachedColumn[] OutputColumns() => new[]
        {
            Column(DefaultColumnNames.Score, NumberDataViewType.Single, AnnotationUtils.Const.ScoreValueKind.Score),
            Column(DefaultColumnNames.Probability, NumberDataViewType.Single, AnnotationUtils.Const.ScoreValueKind.Probability),
            Column(DefaultColumnNames.PredictedLabel, BooleanDataViewType.Instance, AnnotationUtils.Const.ScoreValueKind.PredictedLabel),
        };

        private static DataViewSchema.DetachedColumn Column(string name, DataViewType type, string valueKind)
            => new DataViewSchema.DetachedColumn(name, type, ScoreAnnotations(AnnotationUtils.Const.ScoreColumnKind.BinaryClassification, valueKind).ToAnnotations());

        public override bool ExportsToOnnx => true;

        public override void ExportOnnx(Onnx.OnnxGraph graph, string outputs)
        {
            var columns = OutputColumns();
            graph.SetColumn(columns[0].Name, columns[0].Type, outputs);
            graph.SetColumn(columns[1].Name, columns[1].Type, graph.Sigmoid(outputs));
            graph.SetColumn(columns[2].Name, columns[2].Type, graph.Op("Greater", new[] { outputs, graph.Constant(0f) }));
        }

        public override Delegate OutputGetter(int column, RowOutputs outputs) => column switch
        {
            0 => (ValueGetter<float>)((ref float value) => value = outputs()[0]),
            1 => (ValueGetter<float>)((ref float value) => value = 1 / (1 + MathF.Exp(-outputs()[0]))),
            _ => (ValueGetter<bool>)((ref bool value) => value = outputs()[0] > 0),
        };
    }
}
