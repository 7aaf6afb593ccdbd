using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExt.Transforms
{
    /// <summary>Entry points of OutRank on ML.NET's feature-selection catalog.</summary>
    public static class OutRankCatalog
    {
        /// <summary>
        /// Keeps the <paramref name="featuresToKeep"/> feature columns that tell most about the label, by OutRank's
        /// cardinality-aware mutual information (chance-adjusted by default), and drops the other listed columns.
        /// </summary>
        /// <param name="catalog">The feature-selection catalog.</param>
        /// <param name="labelColumnName">The label column.</param>
        /// <param name="featureColumnNames">The scalar columns to rank.</param>
        /// <param name="featuresToKeep">How many to keep.</param>
        /// <param name="heuristic">The scoring heuristic.</param>
        /// <example><code>
        /// var select = mlContext.Transforms.FeatureSelection.SelectFeaturesByOutRank("Label", new[] { "Device", "Site", "Hour" }, featuresToKeep: 2);
        /// var ranking = select.Fit(data).Ranking;
        /// </code></example>
        public static OutRankEstimator SelectFeaturesByOutRank(this TransformsCatalog.FeatureSelectionTransforms catalog,
            string labelColumnName, string[] featureColumnNames, int featuresToKeep, OutRankHeuristic heuristic = OutRankHeuristic.ChanceAdjusted)
            => catalog.SelectFeaturesByOutRank(new OutRankOptions
            {
                LabelColumnName = labelColumnName,
                FeatureColumnNames = featureColumnNames,
                FeaturesToKeep = featuresToKeep,
                Heuristic = heuristic,
            });

        /// <summary>OutRank feature selection with all options.</summary>
        /// <param name="catalog">The feature-selection catalog.</param>
        /// <param name="options">The options.</param>
        public static OutRankEstimator SelectFeaturesByOutRank(this TransformsCatalog.FeatureSelectionTransforms catalog, OutRankOptions options)
            => new OutRankEstimator(catalog.GetEnvironment(), options);
    }
}
