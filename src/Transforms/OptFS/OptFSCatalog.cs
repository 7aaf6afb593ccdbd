using Microsoft.ML;
using Microsoft.ML.Data;
using MLExt.Trainers;

namespace MLExt.Transforms
{
    /// <summary>Entry points of OptFS on ML.NET's feature-selection catalog.</summary>
    public static class OptFSCatalog
    {
        /// <summary>
        /// Learns which values of the categorical columns a CTR model needs, with OptFS's per-value gates (Lyu et al., WWW 2023), and
        /// turns the other values into missing ones, so any later trainer sees the reduced feature set.
        /// </summary>
        /// <param name="catalog">The feature-selection catalog.</param>
        /// <param name="labelColumnName">The Boolean label column.</param>
        /// <param name="categoricalColumnNames">The categorical columns to gate (text, key or Single/Double values, or vectors of them).</param>
        /// <param name="numericColumnNames">Numeric columns the backbone also reads, gated as whole fields; null: none.</param>
        /// <param name="backbone">The CTR network the gates are searched on.</param>
        /// <param name="gateStrength">The gate penalty's strength: larger keeps fewer values.</param>
        /// <example><code>
        /// var optfs = mlContext.Transforms.FeatureSelection.SelectFeaturesByOptFS("Label", new[] { "Site", "Device", "App" });
        /// var model = optfs.Fit(data);
        /// foreach (var field in model.Fields)
        ///     Console.WriteLine($"{field.Name}: {field.KeptValues} of {field.Values} values kept");
        /// </code></example>
        public static OptFSEstimator SelectFeaturesByOptFS(this TransformsCatalog.FeatureSelectionTransforms catalog, string labelColumnName,
            string[] categoricalColumnNames, string[] numericColumnNames = null, CtrModel backbone = CtrModel.DeepFM, float gateStrength = OptFSOptions.DefaultGateStrength)
            => catalog.SelectFeaturesByOptFS(new OptFSOptions
            {
                LabelColumnName = labelColumnName,
                CategoricalColumnNames = categoricalColumnNames,
                NumericColumnNames = numericColumnNames,
                Backbone = backbone,
                GateStrength = gateStrength,
            });

        /// <summary>OptFS feature-value selection with all options.</summary>
        /// <param name="catalog">The feature-selection catalog.</param>
        /// <param name="options">The options.</param>
        public static OptFSEstimator SelectFeaturesByOptFS(this TransformsCatalog.FeatureSelectionTransforms catalog, OptFSOptions options)
            => new OptFSEstimator(catalog.GetEnvironment(), options);
    }
}
