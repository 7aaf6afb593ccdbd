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
    /// ML.NET's multiclass trainers write it, with the classes as slot names) and PredictedLabel (a key of the label's type,
    /// carrying the label's key values, text or numbers, so MapKeyToValue turns it back).
    /// </summary>
    internal sealed class MulticlassClassificationTask : NeuralTask
    {
        // The label's key values (an array of their raw type: ReadOnlyMemory<char>, float, int, ...) and their type; null when
        // the label had none.
        private readonly Array _classValues;
        private readonly DataViewType _valueType;

        private MulticlassClassificationTask(int classes, DataViewType valueType, Array classValues)
        {
            Outputs = classes;
            _valueType = valueType;
            _classValues = classValues;
        }

        /// <summary>The task for <paramref name="labelColumn"/>, a key column.</summary>
        public static MulticlassClassificationTask For(DataViewSchema.Column labelColumn)
        {
            int classes = labelColumn.Type.GetKeyCountAsInt32();
            if (labelColumn.Annotations.Schema.GetColumnOrNull(AnnotationUtils.Kinds.KeyValues)?.Type is not VectorDataViewType { ItemType: var itemType })
                return new MulticlassClassificationTask(classes, null, null);
            var read = typeof(MulticlassClassificationTask).GetMethod(nameof(ReadValues), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)
                .MakeGenericMethod(itemType.RawType);
            return new MulticlassClassificationTask(classes, itemType, (Array)read.Invoke(null, new object[] { labelColumn.Annotations }));
        }

        private static T[] ReadValues<T>(DataViewSchema.Annotations annotations)
        {
            VBuffer<T> values = default;
            annotations.GetValue(AnnotationUtils.Kinds.KeyValues, ref values);
            return values.DenseValues().ToArray();
        }

        /// <summary>
        /// A stand-in for output schemas before the label's classes are known (a schema shape holds no vector or key sizes, only
        /// the type of the label's key values, if any, which the outputs carry on).
        /// </summary>
        public static MulticlassClassificationTask ForShape(DataViewType keyValueType)
            => new MulticlassClassificationTask(2, keyValueType, keyValueType == null ? null : Array.CreateInstance(keyValueType.RawType, 2));

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

        public override bool HasClasses => true;

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
            if (_classValues != null)
            {
                var names = new VBuffer<ReadOnlyMemory<char>>(Outputs, _classValues.Cast<object>()
                    .Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture).AsMemory()).ToArray());
                score.Add(AnnotationUtils.Kinds.SlotNames, new VectorDataViewType(TextDataViewType.Instance, Outputs),
                    (ValueGetter<VBuffer<ReadOnlyMemory<char>>>)((ref VBuffer<ReadOnlyMemory<char>> value) => names.CopyTo(ref value)));
                var values = typeof(MulticlassClassificationTask).GetMethod(nameof(ValuesGetter), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)
                    .MakeGenericMethod(_valueType.RawType);
                predicted.Add(AnnotationUtils.Kinds.KeyValues, new VectorDataViewType((PrimitiveDataViewType)_valueType, Outputs), (Delegate)values.Invoke(null, new object[] { _classValues }));
            }
            return new[]
            {
                new DataViewSchema.DetachedColumn(DefaultColumnNames.Score, new VectorDataViewType(NumberDataViewType.Single, Outputs), score.ToAnnotations()),
                new DataViewSchema.DetachedColumn(DefaultColumnNames.PredictedLabel, new KeyDataViewType(typeof(uint), Outputs), predicted.ToAnnotations()),
            };
        }

        private static Delegate ValuesGetter<T>(Array values)
        {
            var buffer = new VBuffer<T>(values.Length, (T[])values);
            return (ValueGetter<VBuffer<T>>)((ref VBuffer<T> value) => buffer.CopyTo(ref value));
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
            // int: classes; int: the key values' kind (0: none, else InternalDataKind); then each value: a string for text,
            // a double for a number or Boolean (exact for every 32-bit type)
            ctx.Writer.Write(Outputs);
            ctx.Writer.Write(_valueType == null ? 0 : (int)_valueType.GetRawKind());
            foreach (object value in _classValues ?? Array.Empty<object>())
            {
                if (value is ReadOnlyMemory<char> text)
                    ctx.Writer.Write(text.ToString());
                else
                    ctx.Writer.Write(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        internal static MulticlassClassificationTask LoadCore(ModelLoadContext ctx)
        {
            int classes = ctx.Reader.ReadInt32();
            int kind = ctx.Reader.ReadInt32();
            if (kind == 0)
                return new MulticlassClassificationTask(classes, null, null);
            DataViewType type = ColumnTypeExtensions.PrimitiveTypeFromKind((InternalDataKind)kind);
            Array values = Array.CreateInstance(type.RawType, classes);
            for (int k = 0; k < classes; k++)
            {
                values.SetValue(type is TextDataViewType ? ctx.Reader.ReadString().AsMemory()
                    : Convert.ChangeType(ctx.Reader.ReadDouble(), type.RawType, System.Globalization.CultureInfo.InvariantCulture), k);
            }
            return new MulticlassClassificationTask(classes, type, values);
        }
    }
}
