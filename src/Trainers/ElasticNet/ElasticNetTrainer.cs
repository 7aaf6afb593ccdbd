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
            public double? Lambda { get; set; }

            /// <summary>Mixing between ridge (0) and lasso (1), as glmnet's alpha.</summary>
            [Range(0.0, 1.0, 1.0)]
            public double Alpha { get; set; } = 1.0;

            /// <summary>Solve on standardized features and report coefficients on the original scale.</summary>
            [BooleanChoice(true)]
            public bool Standardize { get; set; } = true;

            /// <summary>How many lambdas on the path. With a given <see cref="Lambda"/>, the most warm-start points on the way
            /// down to it from the largest lambda (about ten a decade are used).</summary>
            public int NumberOfLambdas { get; set; } = 100;

            /// <summary>Smallest lambda on the path as a fraction of the largest; null: 1e-4 when rows outnumber slots, else 1e-2.</summary>
            [Range(1e-5, 1e-1, 1e-4, true)]
            public double? LambdaMinRatio { get; set; }

            /// <summary>Per-slot penalty factors (0 leaves a slot unpenalized); null: all 1.</summary>
            public double[] PenaltyFactors { get; set; }

            /// <summary>Slot-to-group ids for the group lasso (one entry per feature slot; slots sharing an id form a group).</summary>
            public int[] Groups { get; set; }

            /// <summary>Group the slots of each categorical range (one-hot columns) using the feature column's categorical-slot-range annotation.</summary>
            public bool GroupCategoricalSlots { get; set; }

            /// <summary>Convergence threshold: coordinate descent stops when no update changes the objective by more than this times the null deviance.</summary>
            public double Tolerance { get; set; } = 1e-7;

            /// <summary>Budget of passes over the data, over the whole path (glmnet's maxit).</summary>
            public int MaximumIterations { get; set; } = 100000;

            /// <summary>Folds for cross-validation when <see cref="Lambda"/> is null.</summary>
            [Range(3, 20, 10)]
            public int NumberOfFolds { get; set; } = 10;

            /// <summary>Which cross-validated lambda to use.</summary>
            [Choice(new object[] { LambdaSelectionRule.MinimumError, LambdaSelectionRule.OneStandardError }, LambdaSelectionRule.OneStandardError)]
            public LambdaSelectionRule LambdaRule { get; set; } = LambdaSelectionRule.OneStandardError;

            /// <summary>Seed of the fold assignment; null: drawn from the MLContext's seed.</summary>
            public int? Seed { get; set; }
        }
    }
}
