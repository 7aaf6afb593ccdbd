using System.Linq;
using Microsoft.ML;

namespace MLExt.Trainers.Ctr.Networks
{
    /// <summary>Everything needed to build a network again (saved with the model; the weights are saved apart). IdCount counts the
    /// ids of all fields' blocks (the embedding table has one more row, for the pad id); FieldWidths gives the places each id field
    /// takes in a row's ids (1, or the most values of a multi-valued field).</summary>
    internal sealed record CtrNetworkSpec(CtrModel Model, int IdCount, int[] FieldWidths, int NumericCount, int EmbeddingDimension, int[] HiddenLayers,
        float Dropout, bool BatchNorm, int CrossLayers, int AttentionLayers, int AttentionHeads)
    {
        /// <summary>Id fields.</summary>
        public int FieldCount => FieldWidths.Length;

        /// <summary>Ids per row.</summary>
        public int IdWidth => FieldWidths.Sum();

        /// <summary>Fields the interaction parts see: id fields, then numeric fields.</summary>
        public int Fields => FieldCount + NumericCount;

        public void Save(ModelSaveContext ctx)
        {
            ctx.Writer.Write((int)Model);
            foreach (int value in new[] { IdCount, FieldWidths.Length }.Concat(FieldWidths).Concat(new[] { NumericCount, EmbeddingDimension, HiddenLayers.Length }).Concat(HiddenLayers))
                ctx.Writer.Write(value);
            ctx.Writer.Write(Dropout);
            ctx.Writer.Write(BatchNorm);
            ctx.Writer.Write(CrossLayers);
            ctx.Writer.Write(AttentionLayers);
            ctx.Writer.Write(AttentionHeads);
        }

        public static CtrNetworkSpec Load(ModelLoadContext ctx)
        {
            var model = (CtrModel)ctx.Reader.ReadInt32();
            int ids = ctx.Reader.ReadInt32();
            int[] widths = ReadInts(ctx, ctx.Reader.ReadInt32());
            int numeric = ctx.Reader.ReadInt32(), dimension = ctx.Reader.ReadInt32();
            int[] hidden = ReadInts(ctx, ctx.Reader.ReadInt32());
            return new CtrNetworkSpec(model, ids, widths, numeric, dimension, hidden, ctx.Reader.ReadSingle(), ctx.Reader.ReadBoolean(),
                ctx.Reader.ReadInt32(), ctx.Reader.ReadInt32(), ctx.Reader.ReadInt32());
        }

        private static int[] ReadInts(Microsoft.ML.ModelLoadContext ctx, int count) => Enumerable.Range(0, count).Select(_ => ctx.Reader.ReadInt32()).ToArray();
    }
}
