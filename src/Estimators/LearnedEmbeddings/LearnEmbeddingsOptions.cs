using Microsoft.ML.Runtime;
using Microsoft.ML.SearchSpace;
using MLExt.Neural;
using MLExt.Trainers;

namespace MLExt.Transforms
{
    /// <summary>
    /// Options of <see cref="LearnEmbeddingsEstimator"/>: the label and the columns, the network the embeddings are learned in, the
    /// output column, and the engine's embedding, compression, batch and featurization settings.
    /// </summary>
    public sealed class LearnEmbeddingsOptions : NeuralTrainerOptions
    {
        /// <summary>The output column: each categorical column's learned embedding, concatenated in the columns' order.</summary>
        public string OutputColumnName { get; set; } = "Embeddings";

        /// <summary>
        /// Learns embeddings for values seen at least 20 times in training (the engine's default is 2): a rarer value's embedding is
        /// learned from so few rows that it memorizes their labels, and a trainer downstream that is fitted on the same rows then
        /// trusts it, as with target encoding fitted on the training rows. The rarer values share their column's
        /// out-of-vocabulary embedding.
        /// </summary>
        public LearnEmbeddingsOptions()
        {
            MinimumCategoryCount = 20;
        }

        /// <summary>
        /// Whether each column's block starts with the value's learned first-order (linear) weight, before its embedding (default
        /// false). The weight is the value's own effect on the label, much like a target encoding; it carries the same risk of
        /// memorizing the training labels, and on generated clicks it lowered a downstream LightGBM's AUC.
        /// </summary>
        [BooleanChoice(false)]
        public bool IncludeFirstOrderWeights { get; set; }

        /// <summary>The network the embeddings are learned in (any model with embeddings).</summary>
        [Choice(new object[] { CtrModel.FM, CtrModel.FwFM, CtrModel.DeepFM, CtrModel.DCNv2, CtrModel.AutoIntPlus, CtrModel.FinalMLP, CtrModel.WideAndDeep }, CtrModel.DeepFM)]
        public CtrModel Model { get; set; } = CtrModel.DeepFM;

        internal override void Check(IExceptionContext ectx)
        {
            base.Check(ectx);
            if (string.IsNullOrWhiteSpace(OutputColumnName))
                throw ectx.ExceptParam(nameof(OutputColumnName), "An output column name is required.");
            if (CategoricalColumnNames.Length == 0)
                throw ectx.ExceptParam(nameof(CategoricalColumnNames), "Embeddings are learned for categorical columns: name at least one.");
            if (Model == CtrModel.LogisticRegression)
                throw ectx.ExceptParam(nameof(Model), "LogisticRegression learns no embeddings: choose a model with embeddings (FM, DeepFM, DCNv2, ...).");
        }
    }
}
