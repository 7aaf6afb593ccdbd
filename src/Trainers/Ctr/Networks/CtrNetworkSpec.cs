using System.Linq;
using Microsoft.ML;

namespace MLExt.Trainers.Ctr.Networks
{
    /// <summary>Everything needed to build a network again (saved with the model; the weights are saved apart).</summary>
    internal sealed record CtrNetworkSpec(CtrModel Model, int IdCount, int FieldCount, int NumericCount, int EmbeddingDimension, int[] HiddenLayers,
        float Dropout, bool BatchNorm, int CrossLayers, int AttentionLayers, int AttentionHeads)
    {
        /// <summary>Fields the interaction parts see: id fields, then numeric fields.</summary>
        public int Fields => FieldCount + NumericCount;

        public void Save(ModelSaveContext ctx)
        {
            ctx.Writer.Write((int)Model);
            foreach (int value in new[] { IdCount, FieldCount, NumericCount, EmbeddingDimension, HiddenLayers.Length }.Concat(HiddenLayers))
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
            int ids = ctx.Reader.ReadInt32(), fields = ctx.Reader.ReadInt32(), numeric = ctx.Reader.ReadInt32(), dimension = ctx.Reader.ReadInt32();
            int[] hidden = new int[ctx.Reader.ReadInt32()];
            for (int i = 0; i < hidden.Length; i++)
                hidden[i] = ctx.Reader.ReadInt32();
            return new CtrNetworkSpec(model, ids, fields, numeric, dimension, hidden, ctx.Reader.ReadSingle(), ctx.Reader.ReadBoolean(),
                ctx.Reader.ReadInt32(), ctx.Reader.ReadInt32(), ctx.Reader.ReadInt32());
        }
    }
}
