using Microsoft.ML;
using Microsoft.ML.Data;
using MLExt.Trainers;

namespace MLExt.Transforms
{
    /// <summary>Entry points of learned embeddings on ML.NET's categorical catalog.</summary>
    public static class LearnEmbeddingsCatalog
    {
        /// <summary>
        /// Learns an embedding per value of each categorical column with a CTR network trained on the label, and outputs the
        /// columns' embeddings concatenated into one vector column, for a trainer downstream.
        /// </summary>
        /// <param name="catalog">The categorical catalog.</param>
        /// <param name="outputColumnName">The output vector column.</param>
        /// <param name="labelColumnName">The label (Boolean: binary; a key: multiclass; Single: regression).</param>
        /// <param name="categoricalColumnNames">The categorical columns to embed.</param>
        /// <param name="numericColumnNames">Numeric columns the network also reads (not output); null: none.</param>
        /// <param name="embeddingDimension">Numbers per categorical column.</param>
        /// <param name="model">The network the embeddings are learned in.</param>
        /// <example><code>
        /// var pipeline = mlContext.Transforms.Categorical.LearnEmbeddings("Embeddings", "Label", new[] { "Site", "App", "Device" })
        ///     .Append(mlContext.Transforms.Concatenate("Features", "Embeddings", "Price"))
        ///     .Append(mlContext.BinaryClassification.Trainers.LightGbm());
        /// </code></example>
        public static LearnEmbeddingsEstimator LearnEmbeddings(this TransformsCatalog.CategoricalTransforms catalog, string outputColumnName, string labelColumnName,
            string[] categoricalColumnNames, string[] numericColumnNames = null, int embeddingDimension = 8, CtrModel model = CtrModel.DeepFM)
            => catalog.LearnEmbeddings(new LearnEmbeddingsOptions
            {
                OutputColumnName = outputColumnName,
                LabelColumnName = labelColumnName,
                CategoricalColumnNames = categoricalColumnNames,
                NumericColumnNames = numericColumnNames,
                EmbeddingDimension = embeddingDimension,
                Model = model,
            });

        /// <summary>Learned categorical embeddings with all options.</summary>
        /// <param name="catalog">The categorical catalog.</param>
        /// <param name="options">The options.</param>
        public static LearnEmbeddingsEstimator LearnEmbeddings(this TransformsCatalog.CategoricalTransforms catalog, LearnEmbeddingsOptions options)
            => new LearnEmbeddingsEstimator(catalog.GetEnvironment(), options);
    }
}
