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
}
