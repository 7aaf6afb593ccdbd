using Microsoft.ML.Runtime;
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

        /// <summary>The network the embeddings are learned in (any model with embeddings).</summary>
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
