using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using MLExt.Neural.Featurization;
using MLExt.Neural.Networks;
using MLExt.Neural.Tasks;
using MLExt.Trainers;

namespace MLExt.Neural.Onnx
{
    /// <summary>
    /// Writes a trained neural model as ONNX operators: each vocabulary as an ai.onnx.ml LabelEncoder from the raw values to ids,
    /// numeric standardizing and bucketing as arithmetic, the network (see <see cref="NeuralNetwork.ExportOnnx"/>) and the task's
    /// output columns. Everything that cannot be expressed is found first and refused with the field and the reason.
    /// </summary>
    internal static class NeuralOnnxExport
    {
        // What a missing numeric value buckets to: below every bucket a vocabulary can hold, so it reads the out-of-vocabulary id.
        private const long MissingBucket = -(1L << 62);

        public static void Export(OnnxContext context, NeuralFeaturizer featurizer, NeuralNetwork network, NeuralTask task, DataViewSchema input)
        {
            Check(featurizer, network, task, input);
            var graph = new OnnxGraph(context);
            string ids = featurizer.FieldCount == 0 ? null
                : graph.Concat(1, featurizer.Fields.Select((field, f) => FieldIds(graph, field, featurizer.Offsets[f], featurizer.PadId, input)).ToArray());
            string numeric = featurizer.NumericCount == 0 ? null
                : graph.Concat(1, featurizer.Numeric.Select(field => Standardized(graph, field, input)).ToArray());
            task.ExportOnnx(graph, network.ExportOnnx(graph, ids, numeric));
        }

        private static void Check(NeuralFeaturizer featurizer, NeuralNetwork network, NeuralTask task, DataViewSchema input)
        {
            if (!task.ExportsToOnnx)
                throw Refuse($"its task ({task.GetType().Name}) has no ONNX export yet; binary classification and regression do");
            for (int f = 0; f < featurizer.FieldCount; f++)
            {
                CategoricalField field = featurizer.Fields[f];
                string name = featurizer.FieldNames[f];
                CtrEmbeddingCompression method = network.Spec.Tables?[f].Method ?? CtrEmbeddingCompression.None;
                if (network.Spec.Tables is not null)
                    throw Refuse($"field '{name}' has an embedding table of its own ({method}); only models with full, uncompressed tables export");
                if (field.Hashed)
                    throw Refuse($"field '{name}' hashes its values into buckets (HashBuckets), and the hash has no ONNX operator; raise HashBuckets or set it to 0 to keep a vocabulary");
                if (field.VocabularyValues is null || field.VocabularyValues.Any(v => v is null))
                    throw Refuse($"field '{name}' has no record of the values its vocabulary was learned from (the model was saved before MLExt recorded them); retrain it to export");
                DataViewType type = input[field.Column].Type;
                if (field.Kind == CategoricalField.KeyKind.Value && type.GetItemType() == NumberDataViewType.Double)
                    throw Refuse($"field '{name}' is a categorical Double column, whose values a LabelEncoder cannot match exactly; convert it to Single or text");
                if (field.Kind == CategoricalField.KeyKind.Value && type is VectorDataViewType vector && vector.Size != field.Width)
                    throw Refuse($"multi-valued field '{name}' keeps the first {field.Width} present values of a row of {(vector.IsKnownSize ? vector.Size.ToString() : "any number of")} " +
                        "values, which ONNX cannot pick out; give the column a known size of at most MaximumValuesPerField");
            }
        }

        private static NotSupportedException Refuse(string reason) => new NotSupportedException($"The neural model cannot be exported to ONNX: {reason}.");

        // The field's ids [batch, width] (int64): its raw values through the vocabulary, or its numbers through the buckets.
        private static string FieldIds(OnnxGraph graph, CategoricalField field, int offset, int padId, DataViewSchema input)
        {
            object[] values = field.VocabularyValues;
            long[] ids = Enumerable.Range(0, values.Length).Select(n => (long)offset + 1 + n).ToArray();
            DataViewType item = input[field.Column].Type.GetItemType();
            if (field.Kind != CategoricalField.KeyKind.Value)
            {
                string bucket = field.Kind == CategoricalField.KeyKind.LogBucket
                    ? LogBucket(graph, Number(graph, field.Column, field.Slot, input, typeof(double)))
                    : QuantileBin(graph, Number(graph, field.Column, field.Slot, input, typeof(float)), field.Edges);
                return graph.LabelEncoder(bucket, node => node.AddAttribute("keys_int64s", values.Cast<long>()), ids, offset);
            }
            string raw = graph.Column(field.Column);
            // A multi-valued field's missing values fill unused places (the pad id), a single value's read out-of-vocabulary.
            bool multiValued = input[field.Column].Type is VectorDataViewType;
            if (item is TextDataViewType)
            {
                var keys = values.Cast<string>();
                return graph.LabelEncoder(raw, node => node.AddAttribute("keys_strings", multiValued ? keys.Append("") : keys),
                    multiValued ? ids.Append(padId).ToArray() : ids, offset);
            }
            if (item == NumberDataViewType.Single)
            {
                string encoded = graph.LabelEncoder(raw, node => node.AddAttribute("keys_floats", values.Select(v => (float)(double)v)), ids, offset);
                return multiValued ? graph.Where(graph.IsNaN(raw), graph.Constant(new long[] { padId }, 1), encoded) : encoded;
            }
            // Keys, Booleans (1 and 0) and whole numbers match as 64-bit integers; key 0 is missing.
            var wholeKeys = values.Cast<long>();
            bool missingKey = multiValued && item is KeyDataViewType;
            return graph.LabelEncoder(graph.Cast(raw, typeof(long)), node => node.AddAttribute("keys_int64s", missingKey ? wholeKeys.Append(0L) : wholeKeys),
                missingKey ? ids.Append(padId).ToArray() : ids, offset);
        }

        // A numeric column's value [batch, 1] (a vector column's slot), cast to the type the featurizer computes in.
        private static string Number(OnnxGraph graph, string column, int slot, DataViewSchema input, Type computedIn)
        {
            string value = graph.Column(column);
            if (slot >= 0)
                value = graph.Gather(value, graph.Constant(new long[] { slot }, 1), axis: 1);
            return input[column].Type.GetItemType().RawType == computedIn ? value : graph.Cast(value, computedIn);
        }

        // CategoricalField.Bucket's log bucket in doubles: floor(ln² v) above the base when v > 2, floor(v) otherwise.
        private static string LogBucket(OnnxGraph graph, string value)
        {
            string log = graph.Op("Log", value);
            string large = graph.Add(graph.Op("Floor", graph.Mul(log, log)), graph.Cast(graph.Constant((float)CategoricalField.LogBucketBase), typeof(double)));
            string small = graph.Op("Floor", value);
            string two = graph.Cast(graph.Constant(2f), typeof(double));
            string bucket = graph.Where(graph.Op("Greater", new[] { value, two }), large, small);
            return graph.Where(graph.IsNaN(value), graph.Constant(new[] { MissingBucket }, 1), graph.Cast(bucket, typeof(long)));
        }

        // CategoricalField.Bucket's quantile bin: the number of edges below the value.
        private static string QuantileBin(OnnxGraph graph, string value, float[] edges)
        {
            string below = graph.Cast(graph.Op("Less", new[] { graph.Constant(edges, edges.Length), value }), typeof(long));
            string bin = graph.ReduceSum(below, new long[] { 1 }, true);
            return graph.Where(graph.IsNaN(value), graph.Constant(new[] { MissingBucket }, 1), bin);
        }

        // NeuralFeaturizer's standardizing: (v − mean) / deviation clipped to ±10, 0 when missing.
        private static string Standardized(OnnxGraph graph, NumericField field, DataViewSchema input)
        {
            string value = Number(graph, field.Column, field.Slot, input, typeof(float));
            string scaled = graph.Mul(graph.Sub(value, graph.Constant(field.Mean)), graph.Constant(field.InverseDeviation));
            string clipped = graph.Op("Clip", new[] { scaled, graph.Constant(-(float)NeuralFeaturizer.StandardizedLimit), graph.Constant((float)NeuralFeaturizer.StandardizedLimit) });
            return graph.Where(graph.IsNaN(value), graph.Constant(0f), clipped);
        }
    }
}
