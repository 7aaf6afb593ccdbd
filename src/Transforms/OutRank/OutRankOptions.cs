using Microsoft.ML.SearchSpace;

namespace MLExt.Transforms
{
    /// <summary>How OutRank scores a feature against the label.</summary>
    public enum OutRankHeuristic
    {
        /// <summary>Mutual information minus its expectation for an independent feature with the same value counts (as in adjusted
        /// mutual information). About zero for noise of any cardinality; needs only count tables. The default.</summary>
        ChanceAdjusted,
        /// <summary>Plain mutual information (natural log). Favours high-cardinality features, noise included.</summary>
        MutualInformation,
        /// <summary>Mutual information minus that of a seeded random permutation of the feature. Keeps every row's codes in memory.</summary>
        PermutationCorrected,
        /// <summary>OutRank's reference score ("MI-numba-randomized"): its circular-shift baseline, for comparison with the reference.
        /// Keeps every row's codes in memory and can erase a real dependency in periodic data.</summary>
        ReferenceShiftCorrected,
    }

    /// <summary>Options of <see cref="OutRank"/> ranking and of the <see cref="OutRankEstimator"/>.</summary>
    public sealed class OutRankOptions
    {
        /// <summary>The label column: Boolean, key, text or numeric (each value a class).</summary>
        public string LabelColumnName { get; set; } = "Label";

        /// <summary>The scalar columns to rank: text, key, Boolean or integer (nominal), Single or Double (binned).</summary>
        public string[] FeatureColumnNames { get; set; }

        /// <summary>How many of the ranked columns the transformer keeps.</summary>
        public int FeaturesToKeep { get; set; } = 10;

        /// <summary>The scoring heuristic.</summary>
        [Choice(new object[] { OutRankHeuristic.ChanceAdjusted, OutRankHeuristic.MutualInformation, OutRankHeuristic.PermutationCorrected, OutRankHeuristic.ReferenceShiftCorrected }, OutRankHeuristic.ChanceAdjusted)]
        public OutRankHeuristic Heuristic { get; set; } = OutRankHeuristic.ChanceAdjusted;

        /// <summary>Quantile bins for numeric columns (missing values get a category of their own).</summary>
        [Range(2, 256, 32)]
        public int NumericBins { get; set; } = 32;

        /// <summary>Treat every distinct numeric value as its own category (the reference's behaviour) instead of binning.</summary>
        [BooleanChoice(false)]
        public bool TreatNumericAsNominal { get; set; }

        /// <summary>A nominal column's values get exact counts up to this many distinct ones; values first seen after that share
        /// 65,536 hashed codes and their number is estimated with a HyperLogLog sketch (about 1% error), so the count tables stay
        /// bounded whatever the column holds. Numeric columns are binned and keys are bounded by their type, so this applies to text,
        /// integer and nominal-numeric columns.</summary>
        public int MaxExactCardinality { get; set; } = 1_000_000;

        /// <summary>Order the features by the redundancy-aware greedy rule (3MR): the transformer then keeps the first
        /// <see cref="FeaturesToKeep"/> of that order instead of the best-ranked ones, and <see cref="OutRank.Analyze"/> reports the
        /// whole order. Keeps every row's codes in memory and measures pairs of features, so it costs more than the ranking.</summary>
        [BooleanChoice(false)]
        public bool RedundancyAwareSelection { get; set; }

        /// <summary>β of the redundancy-aware rule: the weight of the redundancy with the features already chosen.</summary>
        public double RedundancyWeight { get; set; } = 1.0;

        /// <summary>γ of the redundancy-aware rule: the weight of the mean synergy (what a pair tells beyond its parts).</summary>
        public double SynergyWeight { get; set; } = 1.0;

        /// <summary>Score combinations of this many features (2 or 3) against the label in <see cref="OutRank.Analyze"/>; 0: none.</summary>
        public int InteractionOrder { get; set; }

        /// <summary>Interactions are formed among this many best-ranked features (the number of combinations grows fast).</summary>
        public int InteractionCandidates { get; set; } = 10;

        /// <summary>A combination's values are hashed into 2^bits buckets, which bounds its count table.</summary>
        public int InteractionHashBits { get; set; } = 20;

        /// <summary>Share of rows to count (a seeded, position-hashed subsample, the same on every run with the same seed); 1 counts all.</summary>
        [Range(0.01, 1.0, 1.0)]
        public double SampleFraction { get; set; } = 1.0;

        /// <summary>Seed for row subsampling, numeric bin sampling and the permutation baseline; null: from the MLContext.</summary>
        public int? Seed { get; set; }
    }
}
