// These live beside the neural engine that uses them (OptFS takes a CtrModel as its backbone) but keep the namespace users
// already import for the CTR trainer.
namespace MLExt.Trainers
{
    /// <summary>The network a CTR model uses (the BARS / FuxiCTR benchmark models).</summary>
    public enum CtrModel
    {
        /// <summary>Logistic regression over the field embeddings' first-order weights.</summary>
        LogisticRegression,
        /// <summary>Factorization machine (Rendle 2010): first order plus all pairwise inner products of field embeddings.</summary>
        FM,
        /// <summary>Field-weighted factorization machine (Pan et al. 2018): each field pair's product has a learned weight.</summary>
        FwFM,
        /// <summary>DeepFM (Guo et al. 2017): a factorization machine and an MLP over the same embeddings.</summary>
        DeepFM,
        /// <summary>DCN-V2 (Wang et al. 2021): full-rank cross layers and an MLP in parallel.</summary>
        DCNv2,
        /// <summary>AutoInt+ (Song et al. 2019): multi-head self-attention over fields, plus an MLP.</summary>
        AutoIntPlus,
        /// <summary>FinalMLP (Mao et al. 2023): two gated MLP streams fused by a bilinear head.</summary>
        FinalMLP,
        /// <summary>Wide &amp; Deep (Cheng et al. 2016): a linear part and an MLP.</summary>
        WideAndDeep,
    }

    /// <summary>The optimizer of a CTR trainer.</summary>
    public enum CtrOptimizer
    {
        /// <summary>Adam.</summary>
        Adam,
        /// <summary>Adagrad.</summary>
        Adagrad,
    }

    /// <summary>How a CTR trainer turns numeric columns into model input.</summary>
    public enum CtrNumericHandling
    {
        /// <summary>Standardized with the training mean and deviation and clipped to ±10 deviations; the value scales its field's
        /// embedding. Missing (NaN) becomes 0 (the mean).</summary>
        Standardize,
        /// <summary>The Criteo convention: v > 2 becomes the category floor(ln(v)²), other values their own category; missing its own.</summary>
        LogBucket,
        /// <summary>Quantile bins of the training values become categories; missing its own.</summary>
        QuantileBins,
    }

    /// <summary>
    /// How a CTR model stores a large field's embeddings within a memory budget (see the trainer's EmbeddingMemoryRatio); after the
    /// VLDB 2024 embedding-compression benchmark (Zhang et al.).
    /// </summary>
    public enum CtrEmbeddingCompression
    {
        /// <summary>A full table: one learned row per value.</summary>
        None,
        /// <summary>The hashing trick: values hashed into a table of the budgeted rows.</summary>
        Hashing,
        /// <summary>Two small tables indexed by id / m and id mod m, their rows multiplied (Shi et al. 2020).</summary>
        QuotientRemainder,
        /// <summary>Two hash functions into one shared table of the budgeted rows, their rows summed.</summary>
        MultiHash,
        /// <summary>TT-Rec: the table as a product of three tensor-train cores, the rank the largest the budget allows (Yin et al. 2021).</summary>
        TensorTrain,
        /// <summary>ROBE: one shared parameter array, each value's vector read as hashed chunks of it (Desai et al. 2022).</summary>
        Robe,
        /// <summary>Post-training quantization: every row stored as 8-bit integers with a per-row scale, dequantized at lookup.</summary>
        Int8,
        /// <summary>Mixed dimensions (Ginart et al. 2021): frequency blocks of halving dimension, projected to the common one.</summary>
        MixedDimension,
        /// <summary>DHE, deep hash embedding (Kang et al. 2021): 32 dense hash codes of the id through an MLP instead of a table.</summary>
        DeepHashEmbedding,
        /// <summary>Unified embedding (Coleman et al. 2023): the compressed fields share one table; each value's vector is chunks
        /// looked up with the field's own per-chunk hash functions and concatenated. A field's most frequent values read every chunk,
        /// its rarer ones the first alone (the rest of their vector is zero), so that the frequent ones collide less.</summary>
        Unified,
        /// <summary>Threshold pruning (PEP, Liu et al. 2021): a learned per-field threshold zeroes small entries during training;
        /// the largest entries the budget holds are kept and stored sparse (8 bytes an entry).</summary>
        Pruning,
        /// <summary>Post-training quantization to 4 bits a value with a per-row scale, dequantized at lookup.</summary>
        Int4,
    }

    /// <summary>How the shared table of <see cref="CtrEmbeddingCompression.Unified"/> fields is stored once trained (see the trainer's
    /// EmbeddingPrecision).</summary>
    public enum CtrEmbeddingPrecision
    {
        /// <summary>32-bit floats, as trained.</summary>
        Float32,
        /// <summary>8-bit integers, quantized after training with one scale for every 64 values and dequantized at lookup: the memory
        /// budget holds about 3.8 times as many values.</summary>
        Int8,
        /// <summary>4-bit integers (−7 to 7 times the scale), two to a byte, with one scale for every 64 values: the budget holds
        /// about 7 times as many values.</summary>
        Int4,
    }
}
