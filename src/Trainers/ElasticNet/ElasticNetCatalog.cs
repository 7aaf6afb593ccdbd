using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExt.Trainers
{
    /// <summary>Entry points of the elastic-net trainers on ML.NET's catalogs.</summary>
    public static class ElasticNetCatalog
    {
        /// <summary>
        /// Logistic regression with an elastic-net penalty, fitted along a lambda path by coordinate descent; lambda is
        /// cross-validated when not given. See <see cref="ElasticNetTrainer"/> for the objective.
        /// </summary>
        /// <param name="catalog">The binary classification trainers catalog.</param>
        /// <param name="labelColumnName">The Boolean label column.</param>
        /// <param name="featureColumnName">The known-size Single vector feature column.</param>
        /// <param name="exampleWeightColumnName">Optional example weight column.</param>
        /// <param name="lambda">Penalty strength; null chooses it by cross-validation.</param>
        /// <param name="alpha">Elastic-net mixing: 1 lasso, 0 ridge.</param>
        /// <param name="standardize">Fit on standardized features (glmnet's default).</param>
        /// <example><code>
        /// var pipeline = mlContext.Transforms.Concatenate("Features", "A", "B")
        ///     .Append(mlContext.BinaryClassification.Trainers.ElasticNet(alpha: 0.5));
        /// </code></example>
        public static ElasticNetBinaryTrainer ElasticNet(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
            string labelColumnName = DefaultColumnNames.Label, string featureColumnName = DefaultColumnNames.Features,
            string exampleWeightColumnName = null, double? lambda = null, double alpha = 1.0, bool standardize = true)
            => catalog.ElasticNet(FlatOptions(labelColumnName, featureColumnName, exampleWeightColumnName, lambda, alpha, standardize));

        /// <summary>Logistic elastic-net / group-lasso regression with all options.</summary>
        /// <param name="catalog">The binary classification trainers catalog.</param>
        /// <param name="options">The trainer options.</param>
        public static ElasticNetBinaryTrainer ElasticNet(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog, ElasticNetTrainer.Options options)
            => new ElasticNetBinaryTrainer(catalog.GetEnvironment(), options);

        /// <summary>
        /// Least-squares regression with an elastic-net penalty, fitted along a lambda path by coordinate descent; lambda is
        /// cross-validated when not given. See <see cref="ElasticNetTrainer"/> for the objective.
        /// </summary>
        /// <param name="catalog">The regression trainers catalog.</param>
        /// <param name="labelColumnName">The Single label column.</param>
        /// <param name="featureColumnName">The known-size Single vector feature column.</param>
        /// <param name="exampleWeightColumnName">Optional example weight column.</param>
        /// <param name="lambda">Penalty strength; null chooses it by cross-validation.</param>
        /// <param name="alpha">Elastic-net mixing: 1 lasso, 0 ridge.</param>
        /// <param name="standardize">Fit on standardized features (glmnet's default).</param>
        /// <example><code>
        /// var pipeline = mlContext.Transforms.Concatenate("Features", "A", "B")
        ///     .Append(mlContext.Regression.Trainers.ElasticNet(lambda: 0.01));
        /// </code></example>
        public static ElasticNetRegressionTrainer ElasticNet(this RegressionCatalog.RegressionTrainers catalog,
            string labelColumnName = DefaultColumnNames.Label, string featureColumnName = DefaultColumnNames.Features,
            string exampleWeightColumnName = null, double? lambda = null, double alpha = 1.0, bool standardize = true)
            => catalog.ElasticNet(FlatOptions(labelColumnName, featureColumnName, exampleWeightColumnName, lambda, alpha, standardize));

        /// <summary>Least-squares elastic-net / group-lasso regression with all options.</summary>
        /// <param name="catalog">The regression trainers catalog.</param>
        /// <param name="options">The trainer options.</param>
        public static ElasticNetRegressionTrainer ElasticNet(this RegressionCatalog.RegressionTrainers catalog, ElasticNetTrainer.Options options)
            => new ElasticNetRegressionTrainer(catalog.GetEnvironment(), options);
    
        // The flat overloads share their defaults with ElasticNetTrainer.Options by starting from a new instance.
        private static ElasticNetTrainer.Options FlatOptions(string labelColumnName, string featureColumnName, string exampleWeightColumnName,
            double? lambda, double alpha, bool standardize) => new ElasticNetTrainer.Options
            {
                LabelColumnName = labelColumnName,
                FeatureColumnName = featureColumnName,
                ExampleWeightColumnName = exampleWeightColumnName,
                Lambda = lambda,
                Alpha = alpha,
                Standardize = standardize,
            };
    }
}
