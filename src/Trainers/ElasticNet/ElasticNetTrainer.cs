using Microsoft.ML.CommandLine;
using Microsoft.ML.SearchSpace;
using Microsoft.ML.Trainers;


namespace MLExt.Trainers
{
    /// <summary>
    /// Elastic-net and group-lasso generalized linear models fitted by pathwise coordinate descent, at glmnet's
    /// definitions: <see cref="ElasticNetBinaryTrainer"/> (logistic) and <see cref="ElasticNetRegressionTrainer"/> (gaussian).
    /// </summary>
    /// <remarks>
    /// <para>The objective, with row weights w normalized to sum to one, intercept β₀ unpenalized:</para>
    /// <para>binomial: −Σᵢ wᵢ [yᵢ ηᵢ − log(1 + e^ηᵢ)] + λ P(β); gaussian: ½ Σᵢ wᵢ (yᵢ − ηᵢ)² + λ P(β), where ηᵢ = β₀ + xᵢᵀβ.</para>
    /// <para>Without groups, P(β) = Σⱼ pfⱼ [ (1−α)/2 βⱼ² + α |βⱼ| ]. With groups G, P(β) = Σ_g pf_g [ (1−α)/2 ‖β_g‖² + α √|g| ‖β_g‖ ]
    /// (a group of one slot is the plain elastic net). Penalty factors are rescaled to sum to the number of slots, as in glmnet.</para>
    /// <para>With <see cref="Options.Standardize"/> the problem is solved on features scaled to unit weighted variance and the
    /// coefficients are returned on the original scale (glmnet's <c>standardize = TRUE</c>).</para>
    /// <para>With <see cref="Options.Lambda"/> null, a path of <see cref="Options.NumberOfLambdas"/> values is fitted from the
    /// smallest lambda that zeroes every coefficient down to <see cref="Options.LambdaMinRatio"/> times it, and the lambda is
    /// chosen by <see cref="Options.NumberOfFolds"/>-fold cross-validation (deviance for the binomial family, mean squared error
    /// for the gaussian) with <see cref="Options.LambdaRule"/>.</para>
    /// <list type="table">
    /// <item><term>Machine learning task</term><description>Binary classification, regression</description></item>
    /// <item><term>Is normalization required?</term><description>No (standardization is built in)</description></item>
    /// <item><term>Is caching required?</term><description>No: the data is read once into a column store</description></item>
    /// <item><term>Required NuGet in addition to Microsoft.ML</term><description>MLExt.Trainers</description></item>
    /// <item><term>Exportable to ONNX</term><description>Yes</description></item>
    /// </list>
    /// </remarks>
    public static class ElasticNetTrainer
    {
        /// <summary>Options for <see cref="ElasticNetBinaryTrainer"/> and <see cref="ElasticNetRegressionTrainer"/>.</summary>
        public sealed class Options : TrainerInputBaseWithWeight
        {
            /// <summary>The penalty strength. Null: choose it by cross-validation along the path.</summary>
            [Argument(ArgumentType.AtMostOnce, HelpText = "Penalty strength; empty to choose it by cross-validation")]
            public double? Lambda;

            /// <summary>Mixing between ridge (0) and lasso (1), as glmnet's alpha.</summary>
            [Argument(ArgumentType.AtMostOnce, HelpText = "Elastic-net mixing: 1 lasso, 0 ridge")]
            [Range(0.0, 1.0, 1.0)]
            public double Alpha = 1.0;

            /// <summary>Solve on standardized features and report coefficients on the original scale.</summary>
            [Argument(ArgumentType.AtMostOnce, HelpText = "Standardize features before fitting")]
            public bool Standardize = true;

            /// <summary>How many lambdas on the path. With a given <see cref="Lambda"/>, the most warm-start points on the way
            /// down to it from the largest lambda (about ten a decade are used).</summary>
            [Argument(ArgumentType.AtMostOnce, HelpText = "Number of lambdas on the path")]
            public int NumberOfLambdas = 100;

            /// <summary>Smallest lambda on the path as a fraction of the largest; null: 1e-4 when rows outnumber slots, else 1e-2.</summary>
            [Argument(ArgumentType.AtMostOnce, HelpText = "Smallest lambda as a fraction of the largest")]
            [Range(1e-5, 1e-1, 1e-4, true)]
            public double? LambdaMinRatio;

            /// <summary>Per-slot penalty factors (0 leaves a slot unpenalized); null: all 1.</summary>
            [Argument(ArgumentType.AtMostOnce, HelpText = "Per-slot penalty factors")]
            public double[] PenaltyFactors;

            /// <summary>Slot-to-group ids for the group lasso (one entry per feature slot; slots sharing an id form a group).</summary>
            [Argument(ArgumentType.AtMostOnce, HelpText = "Group id of each feature slot")]
            public int[] Groups;

            /// <summary>Group the slots of each categorical range (one-hot columns) using the feature column's categorical-slot-range annotation.</summary>
            [Argument(ArgumentType.AtMostOnce, HelpText = "Make each one-hot categorical slot range a group")]
            public bool GroupCategoricalSlots;

            /// <summary>Convergence threshold: coordinate descent stops when no update changes the objective by more than this times the null deviance.</summary>
            [Argument(ArgumentType.AtMostOnce, HelpText = "Convergence threshold, relative to the null deviance")]
            public double Tolerance = 1e-7;

            /// <summary>Budget of passes over the data, over the whole path (glmnet's maxit).</summary>
            [Argument(ArgumentType.AtMostOnce, HelpText = "Maximum passes over the data")]
            public int MaximumIterations = 100000;

            /// <summary>Folds for cross-validation when <see cref="Lambda"/> is null.</summary>
            [Argument(ArgumentType.AtMostOnce, HelpText = "Cross-validation folds")]
            [Range(3, 20, 10)]
            public int NumberOfFolds = 10;

            /// <summary>Which cross-validated lambda to use.</summary>
            [Argument(ArgumentType.AtMostOnce, HelpText = "Lambda selection rule")]
            public LambdaSelectionRule LambdaRule = LambdaSelectionRule.OneStandardError;

            /// <summary>Seed of the fold assignment; null: drawn from the MLContext's seed.</summary>
            [Argument(ArgumentType.AtMostOnce, HelpText = "Seed for the cross-validation folds")]
            public int? Seed;
        }
    }
}
