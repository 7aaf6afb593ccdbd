using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExt.Trainers
{
    /// <summary>The CTR trainer's entry points on ML.NET's binary-classification catalog.</summary>
    public static class CtrCatalog
    {
        /// <summary>Trains a click-through-rate network on raw categorical and numeric columns.</summary>
        /// <param name="catalog">The binary-classification trainers.</param>
        /// <param name="labelColumnName">The Boolean label.</param>
        /// <param name="categoricalColumnNames">Categorical columns (text, key, Boolean, integer).</param>
        /// <param name="numericColumnNames">Numeric columns (Single, Double).</param>
        /// <param name="model">The network.</param>
        /// <example><code>
        /// var trainer = mlContext.BinaryClassification.Trainers.Ctr("Label", new[] { "Site", "Device" }, new[] { "Price" }, CtrModel.DeepFM);
        /// </code></example>
        public static CtrTrainer Ctr(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog, string labelColumnName,
            string[] categoricalColumnNames, string[] numericColumnNames = null, CtrModel model = CtrModel.DeepFM)
            => catalog.Ctr(new CtrTrainer.Options
            {
                LabelColumnName = labelColumnName,
                CategoricalColumnNames = categoricalColumnNames,
                NumericColumnNames = numericColumnNames,
                Model = model,
            });

        /// <summary>Trains a click-through-rate network with all options.</summary>
        /// <param name="catalog">The binary-classification trainers.</param>
        /// <param name="options">The options.</param>
        public static CtrTrainer Ctr(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog, CtrTrainer.Options options)
            => new CtrTrainer(catalog.GetEnvironment(), options);
    }
}
