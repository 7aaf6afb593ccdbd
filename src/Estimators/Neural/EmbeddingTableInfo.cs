using MLExt.Trainers;

namespace MLExt.Neural
{
    /// <summary>One id field's embedding table as a fitted model stores it.</summary>
    /// <param name="Field">The field (its column, or a numeric vector column's slot as "Column[slot]").</param>
    /// <param name="Method">How the table is stored.</param>
    /// <param name="Rows">The hashed rows for Hashing and MultiHash, the modulus for QuotientRemainder, the shared array's entries for
    /// Robe, the rows of the table all Unified fields share, the entries kept for Pruning; the field's values for the others (full,
    /// quantized, and methods without one row per value: TensorTrain, MixedDimension, DeepHashEmbedding).</param>
    /// <param name="Dimension">The embedding dimension.</param>
    /// <param name="Bytes">Bytes stored for the field: its embedding table and its first-order weights (a Unified field: its even
    /// share of the shared table).</param>
    /// <param name="Precision">How a Unified field's shared table is stored (Float32 for every other method).</param>
    public sealed record EmbeddingTableInfo(string Field, CtrEmbeddingCompression Method, long Rows, int Dimension, long Bytes,
        CtrEmbeddingPrecision Precision = CtrEmbeddingPrecision.Float32);
}
