using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExt.Transforms
{
    /// <summary>Entry points of QuickSelection on ML.NET's feature-selection catalog.</summary>
    public static class QuickSelectionCatalog
    {
        /// <summary>
        /// Keeps the <paramref name="featuresToKeep"/> slots of a vector column whose input neurons grow strongest in a sparse
        /// denoising autoencoder trained with sparse evolutionary training (QuickSelection). Unsupervised: no label is needed.
        /// </summary>
        /// <param name="catalog">The feature-selection catalog.</param>
        /// <param name="outputColumnName">The column of chosen slots (may equal the input's name to replace it).</param>
        /// <param name="inputColumnName">A known-size Single vector column.</param>
        /// <param name="featuresToKeep">How many slots to keep.</param>
        /// <param name="epochs">Passes over the data (the paper's default is 100).</param>
        /// <param name="hiddenUnits">Hidden neurons of the autoencoder.</param>
        /// <example><code>
        /// var select = mlContext.Transforms.FeatureSelection.SelectFeaturesByQuickSelection("Selected", "Pixels", featuresToKeep: 20);
        /// float[] strengths = select.Fit(data).FeatureStrengths.ToArray();
        /// </code></example>
        public static QuickSelectionEstimator SelectFeaturesByQuickSelection(this TransformsCatalog.FeatureSelectionTransforms catalog,
            string outputColumnName, string inputColumnName, int featuresToKeep, int epochs = 100, int hiddenUnits = 1000)
            => catalog.SelectFeaturesByQuickSelection(new QuickSelectionOptions
            {
                OutputColumnName = outputColumnName,
                InputColumnName = inputColumnName,
                FeaturesToKeep = featuresToKeep,
                Epochs = epochs,
                HiddenUnits = hiddenUnits,
            });

        /// <summary>QuickSelection feature selection with all options.</summary>
        /// <param name="catalog">The feature-selection catalog.</param>
        /// <param name="options">The options.</param>
        public static QuickSelectionEstimator SelectFeaturesByQuickSelection(this TransformsCatalog.FeatureSelectionTransforms catalog, QuickSelectionOptions options)
            => new QuickSelectionEstimator(catalog.GetEnvironment(), options);
    }
}
