using Microsoft.ML.SearchSpace;

namespace MLExt.Cli.Training
{
    /// <summary>
    /// The settings <c>mlext train</c> sweeps for ML.NET's LightGBM and FastTree trainers, declared with the same search-space
    /// attributes as MLExt's own options (ML.NET's trainer options carry none), so one sweep reads them all. Every property is
    /// null in a new instance: the trainer's own default, which is the first trial of each.
    /// </summary>
    internal sealed class BoostedTreeSweepOptions
    {
        /// <summary>Trees (boosting rounds).</summary>
        [Range(20, 1000, 100, true)]
        public int? NumberOfTrees { get; set; }

        /// <summary>Leaves per tree.</summary>
        [Range(4, 256, 20, true)]
        public int? NumberOfLeaves { get; set; }

        /// <summary>Shrinkage of each tree's contribution.</summary>
        [Range(0.01, 0.5, 0.1, true)]
        public double? LearningRate { get; set; }

        /// <summary>Fewest training rows in a leaf.</summary>
        [Range(2, 100, 10, true)]
        public int? MinimumExampleCountPerLeaf { get; set; }

        /// <summary>Share of the features each tree may split on.</summary>
        [Range(0.5, 1.0, 1.0)]
        public double? FeatureFraction { get; set; }
    }
}
