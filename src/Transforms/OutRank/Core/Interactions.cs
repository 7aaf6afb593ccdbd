using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace MLExt.Transforms.OutRanking.Core
{
    /// <summary>A combination of features scored as one feature: its values are the tuples of the members' values.</summary>
    internal readonly record struct InteractionScore(int[] Members, double Score, double MutualInformation);

    /// <summary>
    /// Scores k-feature combinations against the label by the chance-adjusted mutual information of the combined feature.
    /// A combination's value is a hash of its members' codes into 2^bits buckets, so its count table stays bounded.
    /// </summary>
    internal static class Interactions
    {
        public static IReadOnlyList<InteractionScore> Score(int[][] codes, int[] label, int[] candidates, int order, int hashBits)
        {
            var combinations = Combinations(candidates, order).ToArray();
            var scores = new InteractionScore[combinations.Length];
            Parallel.For(0, combinations.Length, t =>
            {
                int[] members = combinations[t];
                var table = ContingencyTable.Count(Hash(codes, members, hashBits), label);
                double mutualInformation = MutualInformation.Plain(table);
                scores[t] = new InteractionScore(members, mutualInformation - MutualInformation.ExpectedUnderIndependence(table), mutualInformation);
            });
            return scores.OrderByDescending(s => s.Score).ToArray();
        }

        // Bucket codes are then renumbered densely, in order of first appearance, for the count table.
        private static int[] Hash(int[][] codes, int[] members, int hashBits)
        {
            int rows = codes[members[0]].Length;
            var combined = new int[rows];
            var dense = new Dictionary<int, int>();
            int mask = (1 << hashBits) - 1;
            for (int i = 0; i < rows; i++)
            {
                ulong hash = 14695981039346656037UL;
                foreach (int m in members)
                    hash = (hash ^ (uint)codes[m][i]) * 1099511628211UL;
                int bucket = (int)((hash ^ (hash >> 29)) & (ulong)mask);
                if (!dense.TryGetValue(bucket, out int code))
                {
                    code = dense.Count;
                    dense.Add(bucket, code);
                }
                combined[i] = code;
            }
            return combined;
        }

        private static IEnumerable<int[]> Combinations(int[] items, int order)
        {
            if (order == 0)
            {
                yield return Array.Empty<int>();
                yield break;
            }
            for (int first = 0; first <= items.Length - order; first++)
            {
                foreach (int[] rest in Combinations(items[(first + 1)..], order - 1))
                    yield return rest.Prepend(items[first]).ToArray();
            }
        }
    }
}
