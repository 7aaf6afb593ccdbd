using System;
using System.Collections.Generic;
using System.Linq;

namespace MLExt.Trainers.ElasticNet.Core
{
    /// <summary>The response distribution of the generalized linear model.</summary>
    internal enum GlmFamily
    {
        /// <summary>Squared error, identity link: objective RSS/2N.</summary>
        Gaussian,
        /// <summary>Bernoulli likelihood, logit link: objective mean negative log-likelihood.</summary>
        Binomial,
    }

    /// <summary>
    /// A penalized GLM problem on plain arrays, independent of ML.NET. Features are grouped; a feature
    /// that is not in a multi-slot group is a group of its own (then the penalty is the plain elastic net).
    /// </summary>
    internal sealed class GlmProblem
    {
        public GlmProblem(FeatureColumn[] columns, int rowCount, double[] labels, double[] weights, GlmFamily family,
            double alpha, bool standardize, int[] groupOfFeature, double[] penaltyFactors, double tolerance, int maximumPasses)
        {
            if (columns.Length == 0)
                throw new ArgumentException("The problem has no features.");
            if (labels.Length != rowCount || (weights != null && weights.Length != rowCount))
                throw new ArgumentException("Labels and weights must have one value per row.");
            Columns = columns;
            RowCount = rowCount;
            Labels = labels;
            Weights = weights ?? Enumerable.Repeat(1.0, rowCount).ToArray();
            Family = family;
            Alpha = alpha;
            Standardize = standardize;
            Tolerance = tolerance;
            MaximumPasses = maximumPasses;

            int featureCount = columns.Length;
            groupOfFeature ??= Enumerable.Range(0, featureCount).ToArray();
            if (groupOfFeature.Length != featureCount)
                throw new ArgumentException($"Groups has {groupOfFeature.Length} entries but there are {featureCount} features.");
            // Renumber group ids to 0..G-1 in order of first appearance.
            var renumber = new Dictionary<int, int>();
            var members = new List<List<int>>();
            for (int j = 0; j < featureCount; j++)
            {
                if (!renumber.TryGetValue(groupOfFeature[j], out int g))
                {
                    g = renumber.Count;
                    renumber.Add(groupOfFeature[j], g);
                    members.Add(new List<int>());
                }
                members[g].Add(j);
            }
            GroupMembers = members.Select(m => m.ToArray()).ToArray();

            // Penalty factors are given per feature; a group's factor is the common value of its features.
            penaltyFactors ??= Enumerable.Repeat(1.0, featureCount).ToArray();
            if (penaltyFactors.Length != featureCount)
                throw new ArgumentException($"PenaltyFactors has {penaltyFactors.Length} entries but there are {featureCount} features.");
            GroupPenaltyFactors = new double[GroupMembers.Length];
            for (int g = 0; g < GroupMembers.Length; g++)
            {
                double factor = penaltyFactors[GroupMembers[g][0]];
                if (GroupMembers[g].Any(j => penaltyFactors[j] != factor))
                    throw new ArgumentException($"Features of group {g} have different penalty factors; a group has one factor.");
                GroupPenaltyFactors[g] = factor;
            }
            // glmnet rescales the factors to sum to the number of variables; do the same so lambdas mean the same thing.
            double total = GroupMembers.Select((m, g) => m.Length * GroupPenaltyFactors[g]).Sum();
            if (total > 0)
            {
                for (int g = 0; g < GroupPenaltyFactors.Length; g++)
                    GroupPenaltyFactors[g] *= featureCount / total;
            }
        }

        public FeatureColumn[] Columns { get; }
        public int RowCount { get; }
        public int FeatureCount => Columns.Length;
        public double[] Labels { get; }
        public double[] Weights { get; }
        public GlmFamily Family { get; }
        public double Alpha { get; }
        public bool Standardize { get; }
        public double Tolerance { get; }
        public int MaximumPasses { get; }
        public int[][] GroupMembers { get; }
        public double[] GroupPenaltyFactors { get; }
    }

    /// <summary>A fitted coefficient vector on the original feature scale, stored sparsely.</summary>
    internal readonly record struct SparseCoefficients(int[] Indices, double[] Values)
    {
        public double[] ToDense(int length)
        {
            var dense = new double[length];
            for (int k = 0; k < Indices.Length; k++)
                dense[Indices[k]] = Values[k];
            return dense;
        }
    }

    /// <summary>The solutions along a lambda path.</summary>
    internal sealed class PathFit
    {
        public double[] Lambdas { get; init; }
        public double[] Intercepts { get; init; }
        public SparseCoefficients[] Coefficients { get; init; }
        public double[] DevianceRatios { get; init; }
        public double NullDeviance { get; init; }
        public int TotalPasses { get; init; }
        public bool Converged { get; init; }
        public int Length => Lambdas.Length;
    }
}
