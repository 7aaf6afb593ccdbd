using System.IO;
using Microsoft.ML;

namespace MLExt.Benchmarks
{
    internal static class ModelFiles
    {
        /// <summary>The bytes of the model zip <c>mlContext.Model.Save</c> writes for <paramref name="model"/>.</summary>
        public static long SavedBytes(MLContext mlContext, ITransformer model, DataViewSchema inputSchema)
        {
            using var stream = new MemoryStream();
            mlContext.Model.Save(model, inputSchema, stream);
            return stream.Length;
        }
    }
}
