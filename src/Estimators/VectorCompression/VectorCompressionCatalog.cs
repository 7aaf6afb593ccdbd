using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExt.Transforms
{
    /// <summary>Entry points of vector compression on ML.NET's transforms catalog.</summary>
    public static class VectorCompressionCatalog
    {
        /// <summary>
        /// Compresses a known-size Single vector column (product quantization, 8-bit scalar quantization or a low-rank projection) and
        /// outputs each row's reconstruction, of the input's size, so trainers downstream work unchanged. The fitted
        /// <see cref="VectorCompressionTransformer"/> reports <see cref="VectorCompressionTransformer.ReconstructionError"/> and
        /// <see cref="VectorCompressionTransformer.BytesPerRow"/>, and encodes single vectors to their compact codes.
        /// </summary>
        /// <param name="catalog">The transforms catalog.</param>
        /// <param name="outputColumnName">The reconstructed vector column.</param>
        /// <param name="inputColumnName">The vector column to compress; null: <paramref name="outputColumnName"/>.</param>
        /// <param name="method">The compression method.</param>
        /// <example><code>
        /// var compress = mlContext.Transforms.CompressVectors("Embedding", method: VectorCompressionMethod.ProductQuantization);
        /// VectorCompressionTransformer compressor = compress.Fit(data);
        /// Console.WriteLine($"{compressor.BytesPerRow} of {compressor.UncompressedBytesPerRow} bytes a row, error {compressor.ReconstructionError:P1}");
        /// byte[] code = compressor.Encode(embedding);
        /// </code></example>
        public static VectorCompressionEstimator CompressVectors(this TransformsCatalog catalog, string outputColumnName, string inputColumnName = null,
            VectorCompressionMethod method = VectorCompressionMethod.ProductQuantization)
            => catalog.CompressVectors(new VectorCompressionOptions
            {
                OutputColumnName = outputColumnName,
                InputColumnName = inputColumnName,
                Method = method,
            });

        /// <summary>Vector compression with all options.</summary>
        /// <param name="catalog">The transforms catalog.</param>
        /// <param name="options">The options.</param>
        /// <example><code>
        /// var compress = mlContext.Transforms.CompressVectors(new VectorCompressionOptions
        /// {
        ///     InputColumnName = "Embedding",
        ///     OutputColumnName = "Compressed",
        ///     Method = VectorCompressionMethod.ProductQuantization,
        ///     Subspaces = 16,
        ///     Centroids = 256,
        /// });
        /// </code></example>
        public static VectorCompressionEstimator CompressVectors(this TransformsCatalog catalog, VectorCompressionOptions options)
            => new VectorCompressionEstimator(catalog.GetEnvironment(), options);
    }
}
