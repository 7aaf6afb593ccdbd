using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLExt.Trainers;

namespace MLExt.Neural.Networks
{
    /// <summary>
    /// Everything needed to build a network again (saved with the model; the weights are saved apart). FieldSizes gives the ids in
    /// each id field's block (the embedding table has one more row, for the pad id); FieldWidths the places each id field takes in a
    /// row's ids (1, or the most values of a multi-valued field); Outputs the outputs per row (1, or the classes); Tables each id
    /// field's own tables (compressed or quantized), or null when all fields share the fused full tables (saved apart, see
    /// <see cref="Compression.FieldTableSpec"/>).
    /// </summary>
    internal sealed record NetworkSpec(CtrModel Model, int Outputs, int[] FieldSizes, int[] FieldWidths, int NumericCount, int EmbeddingDimension,
        int[] HiddenLayers, float Dropout, bool BatchNorm, int CrossLayers, int AttentionLayers, int AttentionHeads, Compression.FieldTableSpec[] Tables = null)
    {
        /// <summary>Ids of all id fields' blocks together; the pad id is this.</summary>
        public int IdCount => FieldSizes.Sum();

        /// <summary>Id fields.</summary>
        public int FieldCount => FieldWidths.Length;

        /// <summary>Ids per row.</summary>
        public int IdWidth => FieldWidths.Sum();

        /// <summary>Fields the interaction parts see: id fields, then numeric fields.</summary>
        public int Fields => FieldCount + NumericCount;

        /// <summary>
        /// The spec of a <paramref name="model"/> network over the featurizer's fields, sized by the shared options, its embedding tables
        /// compressed as the options say (see <see cref="Compression.EmbeddingBudget"/>).
        /// </summary>
        public static NetworkSpec Of(CtrModel model, int outputs, Featurization.NeuralFeaturizer featurizer, NeuralTrainerOptions options,
            int crossLayers = 1, int attentionLayers = 1, int attentionHeads = 1)
        {
            string[] names = featurizer.FieldNames.Take(featurizer.FieldCount).ToArray();
            var byField = options.EmbeddingCompressionByField ?? new Dictionary<string, CtrEmbeddingCompression>();
            string unknown = byField.Keys.FirstOrDefault(name => !names.Contains(name));
            if (unknown != null)
                throw Contracts.ExceptParam(nameof(options.EmbeddingCompressionByField), $"EmbeddingCompressionByField names '{unknown}', which is not a categorical field; the fields are {string.Join(", ", names)}.");
            var methods = names.Select(name => byField.TryGetValue(name, out var method) ? method : options.EmbeddingCompression).ToArray();
            return new NetworkSpec(model, outputs, featurizer.FieldSizes, featurizer.FieldWidths, featurizer.NumericCount, options.EmbeddingDimension,
                options.HiddenLayers, options.Dropout, options.BatchNorm, crossLayers, attentionLayers, attentionHeads,
                Compression.EmbeddingBudget.Plan(featurizer.FieldSizes, names, options.EmbeddingDimension, options.EmbeddingMemoryRatio, methods,
                    featurizer.FieldIdsByFrequency, options.EmbeddingPrecision));
        }

        public void Save(ModelSaveContext ctx)
        {
            // int: model; int: outputs; int: id fields, then each field's size and width; int: numeric fields; int: embedding
            // dimension; int: hidden layers, then each width; float: dropout; bool: batch norm; int: cross layers, attention layers, heads
            ctx.Writer.Write((int)Model);
            ctx.Writer.Write(Outputs);
            ctx.Writer.Write(FieldSizes.Length);
            foreach (int value in FieldSizes.Concat(FieldWidths).Concat(new[] { NumericCount, EmbeddingDimension, HiddenLayers.Length }).Concat(HiddenLayers))
                ctx.Writer.Write(value);
            ctx.Writer.Write(Dropout);
            ctx.Writer.Write(BatchNorm);
            ctx.Writer.Write(CrossLayers);
            ctx.Writer.Write(AttentionLayers);
            ctx.Writer.Write(AttentionHeads);
        }

        public static NetworkSpec Load(ModelLoadContext ctx)
        {
            var model = (CtrModel)ctx.Reader.ReadInt32();
            int outputs = ctx.Reader.ReadInt32();
            int fields = ctx.Reader.ReadInt32();
            int[] sizes = ReadInts(ctx, fields), widths = ReadInts(ctx, fields);
            return ReadRest(ctx, model, outputs, sizes, widths);
        }

        /// <summary>
        /// Reads the first format (CTR models before the engine opened: binary, one output; the id count alone, the field sizes
        /// coming from the featurizer saved before it).
        /// </summary>
        public static NetworkSpec LoadFirstFormat(ModelLoadContext ctx, int[] fieldSizes)
        {
            var model = (CtrModel)ctx.Reader.ReadInt32();
            int ids = ctx.Reader.ReadInt32();
            int[] widths = ReadInts(ctx, ctx.Reader.ReadInt32());
            Microsoft.ML.Runtime.Contracts.CheckDecode(ids == fieldSizes.Sum() && widths.Length == fieldSizes.Length);
            return ReadRest(ctx, model, 1, fieldSizes, widths);
        }

        // What both formats write after the fields, in the same order.
        private static NetworkSpec ReadRest(ModelLoadContext ctx, CtrModel model, int outputs, int[] sizes, int[] widths)
        {
            int numeric = ctx.Reader.ReadInt32(), dimension = ctx.Reader.ReadInt32();
            int[] hidden = ReadInts(ctx, ctx.Reader.ReadInt32());
            return new NetworkSpec(model, outputs, sizes, widths, numeric, dimension, hidden, ctx.Reader.ReadSingle(), ctx.Reader.ReadBoolean(),
                ctx.Reader.ReadInt32(), ctx.Reader.ReadInt32(), ctx.Reader.ReadInt32());
        }

        private static int[] ReadInts(ModelLoadContext ctx, int count) => Enumerable.Range(0, count).Select(_ => ctx.Reader.ReadInt32()).ToArray();
    }
}
