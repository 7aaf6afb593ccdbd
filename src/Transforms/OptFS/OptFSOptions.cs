using Microsoft.ML.Runtime;
using Microsoft.ML.SearchSpace;
using MLExt.Neural;
using MLExt.Trainers;

namespace MLExt.Transforms
{
    /// <summary>
    /// Options of <see cref="OptFSEstimator"/>: the columns, the backbone network the gates are searched on, the search's settings
    /// (<see cref="GatedTrainerOptions.GateStrength"/>, <see cref="GatedTrainerOptions.FinalTemperature"/>,
    /// <see cref="GatedTrainerOptions.SearchEpochs"/>, <see cref="GatedTrainerOptions.RewindEpoch"/>) and the engine's embedding,
    /// batch and featurization settings.
    /// </summary>
    /// <remarks>
    /// Categorical columns are gated value by value. Numeric columns are gated as whole fields when standardized (the default
    /// <see cref="NeuralTrainerOptions.NumericHandling"/>), bucket by bucket when bucketed.
    /// </remarks>
    public sealed class OptFSOptions : GatedTrainerOptions
    {
        /// <summary>The CTR network the gates are searched on (a model with embeddings; the paper's backbones: FM, DeepFM, DCN).</summary>
        [Choice(new object[] { CtrModel.FM, CtrModel.FwFM, CtrModel.DeepFM, CtrModel.DCNv2, CtrModel.AutoIntPlus, CtrModel.FinalMLP, CtrModel.WideAndDeep }, CtrModel.DeepFM)]
        public CtrModel Backbone { get; set; } = CtrModel.DeepFM;

        private protected override bool SearchesGates => true;

        internal override void Check(IExceptionContext ectx)
        {
            base.Check(ectx);
            if (Backbone == CtrModel.LogisticRegression)
                throw ectx.ExceptParam(nameof(Backbone), "OptFS gates scale each value's embedding, and LogisticRegression has no embeddings: choose a backbone with embeddings (FM, DeepFM, DCNv2, ...).");
            if (CompressesEmbeddings)
                throw ectx.ExceptParam(nameof(EmbeddingCompression), "The OptFS transform only selects values and keeps no network: compress the embeddings of the model downstream (the CTR trainer's EmbeddingCompression, which also combines with its FeatureGates).");
        }
    }
}
