using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using static TorchSharp.torch;

namespace MLExt.Neural.Tasks
{
    /// <summary>
    /// A key label of K classes, K logits a row, cross-entropy, early stopping on log loss; Score (the K class probabilities, as
    /// ML.NET's multiclass trainers write it) and PredictedLabel (a key of the label's type, with its text values when it had them).
    /// </summary>
    internal sealed class MulticlassClassificationTask : NeuralTask
    {
        // The label's key values when they were text (MapValueToKey's usual output); null otherwise.
        private readonly string[] _classNames;

        private MulticlassClassificationTask(int classes, string[] classNames)
        {
            Outputs = classes;
            _classNames = classNames;
        }

        /// <summary>The task for <paramref name="labelColumn"/>, a key column.</summary>
        public static MulticlassClassificationTask For(DataViewSchema.Column labelColumn)
        {
            int classes = labelColumn.Type.GetKeyCountAsInt32();
            string[] names = null;
            if (labelColumn.Annotations.Schema.GetColumnOrNull(AnnotationUtils.Kinds.KeyValues)?.Type is VectorDataViewType { ItemType: TextDataViewType })
            {
                VBuffer<ReadOnlyMemory<char>> values = default;
                labelColumn.Annotations.GetValue(AnnotationUtils.Kinds.KeyValues, ref values);
                names = values.DenseValues().Select(v => v.ToString()).ToArray();
            }
            return new MulticlassClassificationTask(classes, names);
        }

        /// <summary>
        /// A stand-in for output schemas before the label's classes are known (a schema shape holds no vector or key sizes, only
        /// whether the label has text key values, which the outputs carry on).
        /// </summary>
        public static MulticlassClassificationTask ForShape(bool labelHasTextValues)
            => new MulticlassClassificationTask(2, labelHasTextValues ? new[] { "", "" } : null);

        public override int Outputs { get; }

        public override string MetricName => "log loss";

        public override bool HigherIsBetter => false;

        public override string LabelDescription => "a key (map the label with MapValueToKey first)";

        public override bool AcceptsKey => true;

        public override Func<float> BindLabel(DataViewRow row, DataViewSchema.Column column, IExceptionContext ectx)
        {
            ValueGetter<uint> getter = row.GetGetter<uint>(column);
            uint value = 0;
            return () =>
            {
                getter(ref value);
                if (value == 0)
                    throw ectx.Except($"Label column '{column.Name}' is missing (key 0) in row {row.Position}; filter such rows out first.");
                return value - 1;
            };
        }

        public override void CheckLabels(float[] labels, string labelColumn, IExceptionContext ectx)
        {
            if (labels.Distinct().Count() < 2)
                throw ectx.Except($"Label column '{labelColumn}' has a single class in the training rows; a classifier needs two or more.");
        }

        public override Tensor Loss(Tensor outputs, Tensor labels, Tensor weights)
        {
            Tensor perRow = nn.functional.cross_entropy(outputs, labels.to_type(ScalarType.Int64), reduction: nn.Reduction.None);
            return weights is null ? perRow.mean() : (perRow * weights).mean();
        }

        public override Tensor Probabilities(Tensor outputs) => nn.functional.softmax(outputs, 1);

        public override double Metric(float[] outputs, float[] labels)
        {
            double sum = 0;
            int k = Outputs;
            for (int row = 0; row < labels.Length; row++)
            {
                ReadOnlySpan<float> logits = outputs.AsSpan(row * k, k);
                double max = double.NegativeInfinity, total = 0;
                foreach (float z in logits)
                    max = Math.Max(max, z);
                foreach (float z in logits)
                    total += Math.Exp(z - max);
                sum += max + Math.Log(total) - logits[(int)labels[row]];
            }
            return sum / Math.Max(1, labels.Length);
        }

        /// <remarks>The log of each class's share (a softmax of these gives the shares back); an absent class starts very unlikely.</remarks>
        public override float[] StartingBias(float[] labels, float[] weights)
        {
            var shares = new double[Outputs];
            for (int i = 0; i < labels.Length; i++)
                shares[(int)labels[i]] += weights?[i] ?? 1;
            double total = Math.Max(shares.Sum(), double.Epsilon);
            return shares.Select(s => (float)Math.Log(Math.Max(s / total, 1e-6))).ToArray();
        }

        public override DataViewSchema.DetachedColumn[] OutputColumns()
        {
            var score = ScoreAnnotations(AnnotationUtils.Const.ScoreColumnKind.MulticlassClassification, AnnotationUtils.Const.ScoreValueKind.Score);
            var predicted = new DataViewSchema.Annotations.Builder();
            if (_classNames != null)
            {
                var names = new VBuffer<ReadOnlyMemory<char>>(Outputs, _classNames.Select(n => n.AsMemory()).ToArray());
                var namesType = new VectorDataViewType(TextDataViewType.Instance, Outputs);
                ValueGetter<VBuffer<ReadOnlyMemory<char>>> getNames = (ref VBuffer<ReadOnlyMemory<char>> value) => names.CopyTo(ref value);
                score.Add(AnnotationUtils.Kinds.SlotNames, namesType, getNames);
                predicted.Add(AnnotationUtils.Kinds.KeyValues, namesType, getNames);
            }
            return new[]
            {
                new DataViewSchema.DetachedColumn(DefaultColumnNames.Score, new VectorDataViewType(NumberDataViewType.Single, Outputs), score.ToAnnotations()),
                new DataViewSchema.DetachedColumn(DefaultColumnNames.PredictedLabel, new KeyDataViewType(typeof(uint), Outputs), predicted.ToAnnotations()),
            };
        }

        public override Delegate OutputGetter(int column, RowOutputs outputs)
        {
            if (column == 0)
            {
                return (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
                {
                    ReadOnlySpan<float> logits = outputs();
                    var editor = VBufferEditor.Create(ref value, Outputs);
                    float max = float.NegativeInfinity, total = 0;
                    foreach (float z in logits)
                        max = Math.Max(max, z);
                    for (int k = 0; k < Outputs; k++)
                        total += editor.Values[k] = MathF.Exp(logits[k] - max);
                    for (int k = 0; k < Outputs; k++)
                        editor.Values[k] /= total;
                    value = editor.Commit();
                });
            }
            return (ValueGetter<uint>)((ref uint value) =>
            {
                ReadOnlySpan<float> logits = outputs();
                int best = 0;
                for (int k = 1; k < logits.Length; k++)
                    if (logits[k] > logits[best])
                        best = k;
                value = (uint)best + 1;
            });
        }

        protected override void SaveCore(ModelSaveContext ctx)
        {
            // int: classes; bool: has class names; then each name
            ctx.Writer.Write(Outputs);
            ctx.Writer.Write(_classNames != null);
            foreach (string name in _classNames ?? Array.Empty<string>())
                ctx.Writer.Write(name);
        }

        internal static MulticlassClassificationTask LoadCore(ModelLoadContext ctx)
        {
            int classes = ctx.Reader.ReadInt32();
            string[] names = ctx.Reader.ReadBoolean() ? Enumerable.Range(0, classes).Select(_ => ctx.Reader.ReadString()).ToArray() : null;
            return new MulticlassClassificationTask(classes, names);
        }
    }
}
