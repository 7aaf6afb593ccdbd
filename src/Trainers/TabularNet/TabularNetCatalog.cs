using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExt.Trainers
{
    /// <summary>TabularNet's entry points on ML.NET's regression, multiclass and binary classification catalogs.</summary>
    public static class TabularNetCatalog
    {
        /// <summary>Trains a TabularNet regression model on raw categorical and numeric columns.</summary>
        /// <param name="catalog">The regression trainers.</param>
        /// <param name="labelColumnName">The Single label.</param>
        /// <param name="categoricalColumnNames">Categorical columns (text, key, Boolean, integer).</param>
        /// <param name="numericColumnNames">Numeric columns (Single, Double).</param>
        /// <example><code>
        /// var trainer = mlContext.Regression.Trainers.TabularNet("Price", new[] { "Region", "Type" }, new[] { "Area", "Age" });
        /// </code></example>
        public static TabularNetTrainer TabularNet(this RegressionCatalog.RegressionTrainers catalog, string labelColumnName,
            string[] categoricalColumnNames, string[] numericColumnNames = null)
            => catalog.TabularNet(Flat(labelColumnName, categoricalColumnNames, numericColumnNames));

        /// <summary>Trains a TabularNet regression model with all options.</summary>
        /// <param name="catalog">The regression trainers.</param>
        /// <param name="options">The options.</param>
        public static TabularNetTrainer TabularNet(this RegressionCatalog.RegressionTrainers catalog, TabularNetTrainer.Options options)
            => new TabularNetTrainer(catalog.GetEnvironment(), options, TabularNetTrainer.Task.Regression);

        /// <summary>Trains a TabularNet classifier of a key label's classes on raw categorical and numeric columns.</summary>
        /// <param name="catalog">The multiclass classification trainers.</param>
        /// <param name="labelColumnName">The key label (map a text label with MapValueToKey first).</param>
        /// <param name="categoricalColumnNames">Categorical columns (text, key, Boolean, integer).</param>
        /// <param name="numericColumnNames">Numeric columns (Single, Double).</param>
        /// <example><code>
        /// var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label", "Plan")
        ///     .Append(mlContext.MulticlassClassification.Trainers.TabularNet("Label", new[] { "Region" }, new[] { "Usage" }))
        ///     .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedPlan", "PredictedLabel"));
        /// </code></example>
        public static TabularNetTrainer TabularNet(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, string labelColumnName,
            string[] categoricalColumnNames, string[] numericColumnNames = null)
            => catalog.TabularNet(Flat(labelColumnName, categoricalColumnNames, numericColumnNames));

        /// <summary>Trains a TabularNet classifier of a key label's classes with all options.</summary>
        /// <param name="catalog">The multiclass classification trainers.</param>
        /// <param name="options">The options.</param>
        public static TabularNetTrainer TabularNet(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, TabularNetTrainer.Options options)
            => new TabularNetTrainer(catalog.GetEnvironment(), options, TabularNetTrainer.Task.Multiclass);

        /// <summary>Trains a TabularNet binary classifier with all options.</summary>
        /// <param name="catalog">The binary classification trainers.</param>
        /// <param name="options">The options (a Boolean label).</param>
        public static TabularNetTrainer TabularNet(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog, TabularNetTrainer.Options options)
            => new TabularNetTrainer(catalog.GetEnvironment(), options, TabularNetTrainer.Task.Binary);

        private static TabularNetTrainer.Options Flat(string labelColumnName, string[] categoricalColumnNames, string[] numericColumnNames) => new TabularNetTrainer.Options
        {
            LabelColumnName = labelColumnName,
            CategoricalColumnNames = categoricalColumnNames,
            NumericColumnNames = numericColumnNames,
        };
    }
}
