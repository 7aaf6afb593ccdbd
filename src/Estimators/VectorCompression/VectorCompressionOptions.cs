using Microsoft.ML.Runtime;
using Microsoft.ML.SearchSpace;

namespace MLExt.Transforms
{
    /// <summary>How <see cref="VectorCompressionEstimator"/> compresses a vector column.</summary>
    public enum VectorCompressionMethod
    {
        /// <summary>Product quantization: the vector is cut into <see cref="VectorCompressionOptions.Subspaces"/> equal parts and each part
        /// is stored as the one-byte index of the nearest of <see cref="VectorCompressionOptions.Centroids"/> centroids learned by k-means.
        /// One byte per part: the most compact, for vectors with cluster structure (embeddings).</summary>
        ProductQuantization,
        /// <summary>Scalar 8-bit quantization: each value stored as a signed byte, with one scale and offset per slot fitted to the slot's
        /// training range. One byte per value, a quarter of Single, with a small, bounded error.</summary>
        Int8,
        /// <summary>Principal-component projection: the vector is stored as its <see cref="VectorCompressionOptions.Rank"/> coordinates
        /// along the training rows' top principal directions (4 bytes each). Suits vectors whose variance lies in few directions.</summary>
        LowRank,
    }

    /// <summary>Options of <see cref="VectorCompressionEstimator"/>: the columns, the method and its sizes, and how much data the fit reads.</summary>
    public sealed class VectorCompressionOptions
    {
        /// <summary>A known-size vector column of Single to compress; null: the output column's name.</summary>
        public string InputColumnName { get; set; }

        /// <summary>The output column: the reconstructed (compressed, then decoded) vector, of the input's size; it may equal the input's
        /// name to replace it.</summary>
        public string OutputColumnName { get; set; } = "Features";

        /// <summary>The compression method.</summary>
        [Choice(new object[] { VectorCompressionMethod.ProductQuantization, VectorCompressionMethod.Int8, VectorCompressionMethod.LowRank },
            VectorCompressionMethod.ProductQuantization)]
        public VectorCompressionMethod Method { get; set; } = VectorCompressionMethod.ProductQuantization;

        /// <summary>Product quantization: the parts each vector is cut into (one code byte each); it must divide the vector's size. 0
        /// chooses the divisor of the size nearest to size / 4, so that each part holds about 4 values (ties: more parts).</summary>
        public int Subspaces { get; set; }

        /// <summary>Product quantization: centroids per part, from 1 to 256 so that a part's code is one byte. More centroids, smaller
        /// error, larger codebooks and a slower fit.</summary>
        [Range(16, 256, 256, true)]
        public int Centroids { get; set; } = 256;

        /// <summary>Low rank: coordinates kept per vector, from 1 to the vector's size. 0 chooses the smallest rank whose directions
        /// hold at least 95% of the training rows' variance (so <see cref="VectorCompressionTransformer.ReconstructionError"/> is at
        /// most 0.05 on those rows).</summary>
        public int Rank { get; set; }

        /// <summary>Product quantization: the most k-means passes per part (it stops earlier when no assignment changes).</summary>
        [Range(5, 100, 25, true)]
        public int MaxIterations { get; set; } = 25;

        /// <summary>The most rows the fit reads into memory: a seeded uniform sample (reservoir) of this many rows when the data has
        /// more. All rows are still checked for finite values.</summary>
        public int MaximumTrainingRows { get; set; } = 50_000;

        /// <summary>Seed of the row sample and of k-means++ seeding; null: from the MLContext.</summary>
        public int? Seed { get; set; }

        internal const int MaximumCentroids = VectorCompressing.Core.ProductQuantizer.MaximumCentroids;

        /// <summary>The input column's name: <see cref="InputColumnName"/>, or the output's when that is null.</summary>
        internal string Input => InputColumnName ?? OutputColumnName;

        internal void Check(IExceptionContext ectx)
        {
            if (string.IsNullOrWhiteSpace(OutputColumnName))
                throw ectx.ExceptParam(nameof(OutputColumnName), "An output column name is required.");
            if (InputColumnName != null && string.IsNullOrWhiteSpace(InputColumnName))
                throw ectx.ExceptParam(nameof(InputColumnName), "The input column name is blank: name a column, or leave it null to use the output's name.");
            if (!System.Enum.IsDefined(Method))
                throw ectx.ExceptParam(nameof(Method), $"Unknown method {(int)Method}.");
            if (Subspaces < 0)
                throw ectx.ExceptParam(nameof(Subspaces), $"Subspaces is {Subspaces}; it is at least 1, or 0 to choose from the vector's size.");
            if (Centroids < 1 || Centroids > MaximumCentroids)
                throw ectx.ExceptParam(nameof(Centroids), $"Centroids is {Centroids}; it is between 1 and {MaximumCentroids}, so that a code is one byte.");
            if (Rank < 0)
                throw ectx.ExceptParam(nameof(Rank), $"Rank is {Rank}; it is at least 1, or 0 to keep 95% of the variance.");
            if (MaxIterations < 1)
                throw ectx.ExceptParam(nameof(MaxIterations), $"MaxIterations is {MaxIterations}; it must be at least 1.");
            if (MaximumTrainingRows < 1)
                throw ectx.ExceptParam(nameof(MaximumTrainingRows), $"MaximumTrainingRows is {MaximumTrainingRows}; it must be at least 1.");
        }
    }
}
