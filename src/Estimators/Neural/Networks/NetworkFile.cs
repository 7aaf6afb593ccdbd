using Microsoft.ML;
using MLExt.Neural.Compression;

namespace MLExt.Neural.Networks
{
    /// <summary>
    /// A network in a model file: its spec (see <see cref="NetworkSpec.Save"/>) in the model stream, its fields' own tables in the
    /// optional stream "EmbeddingTables" (see <see cref="FieldTableSpec.Save"/>), its weights in the stream "Weights" (the
    /// TorchSharp state).
    /// </summary>
    internal static class NetworkFile
    {
        public static void Save(ModelSaveContext ctx, NeuralNetwork network)
        {
            network.Spec.Save(ctx);
            ctx.SaveBinaryStream("Weights", writer => network.save(writer));
            if (network.Spec.Tables != null)
                FieldTableSpec.Save(ctx, network.Spec.Tables);
        }

        /// <summary>The network of <paramref name="spec"/>, read from the model stream already, with its tables and weights.</summary>
        public static NeuralNetwork Load(ModelLoadContext ctx, NetworkSpec spec)
        {
            NeuralNetwork network = NeuralNetwork.Create(spec with { Tables = FieldTableSpec.TryLoad(ctx) });
            try
            {
                ctx.TryLoadBinaryStream("Weights", reader => network.load(reader));
                return network;
            }
            catch
            {
                network.Dispose();
                throw;
            }
        }
    }
}
