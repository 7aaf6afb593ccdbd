using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace MLExt.Transforms.OutRanking.Core
{
    /// <summary>One step of the redundancy-aware order: the feature chosen and the terms of its score.</summary>
    internal readonly record struct SelectionStep(int Feature, double Score, double Relevance, double Redundancy, double Synergy);

    /// <summary>
    /// Greedy minimum-redundancy maximum-relevance selection in the spirit of OutRank's 3MR. Each step picks the feature
    /// that maximizes relevance − β · redundancy + γ · mean synergy with the chosen features. Redundancy is the part of the
    /// feature's relevance taken as already covered: max(relevance, 0) × the largest similarity with a chosen feature, where
    /// similarity is their chance-adjusted mutual information over the smaller of the two entropies (0 unrelated, 1 a copy).
    /// Raw feature-feature information is measured in entropy units, which dwarf the few hundredths of a nat a feature
    /// tells about a rare label; the similarity keeps both terms on the relevance scale. Synergy is what a pair tells about
    /// the label beyond its two parts (I((c, s); L) − I(c; L) − I(s; L), chance-adjusted, floored at 0).
    /// </summary>
    internal sealed class RedundancyAwareSelection
    {
        private readonly int[][] _codes;
        private readonly int[] _label;
        private readonly double[] _relevance;
        private readonly ConcurrentDictionary<(int, int), (double Similarity, double Synergy)> _pairs = new();

        /// <param name="codes">Each feature's code per row.</param>
        /// <param name="label">The label code per row.</param>
        /// <param name="relevance">Each feature's relevance to the label (the ranking's score).</param>
        public RedundancyAwareSelection(int[][] codes, int[] label, double[] relevance)
        {
            _codes = codes;
            _label = label;
            _relevance = relevance;
        }

        /// <summary>The order in which the greedy rule picks the first <paramref name="steps"/> features.</summary>
        public IReadOnlyList<SelectionStep> Order(int steps, double redundancyWeight, double synergyWeight)
        {
            var chosen = new List<SelectionStep>();
            var remaining = Enumerable.Range(0, _codes.Length).ToList();
            while (chosen.Count < steps && remaining.Count > 0)
            {
                var candidates = new SelectionStep[remaining.Count];
                Parallel.For(0, remaining.Count, t =>
                {
                    int c = remaining[t];
                    double similarity = 0, synergy = 0;
                    foreach (SelectionStep s in chosen)
                    {
                        var pair = Pair(c, s.Feature);
                        similarity = Math.Max(similarity, pair.Similarity);
                        synergy += pair.Synergy;
                    }
                    if (chosen.Count > 0)
                        synergy /= chosen.Count;
                    double redundancy = Math.Max(_relevance[c], 0) * similarity;
                    double score = _relevance[c] - redundancyWeight * redundancy + synergyWeight * synergy;
                    candidates[t] = new SelectionStep(c, score, _relevance[c], redundancy, synergy);
                });
                // Highest score; ties go to the more relevant feature, then the lower index, so the order is deterministic.
                SelectionStep best = candidates.OrderByDescending(x => x.Score).ThenByDescending(x => x.Relevance).ThenBy(x => x.Feature).First();
                chosen.Add(best);
                remaining.Remove(best.Feature);
            }
            return chosen;
        }

        /// <summary>Every pair of features measured so far (after a whole <see cref="Order"/>, every pair), lower index first.</summary>
        public IEnumerable<(int First, int Second, double Similarity, double Synergy)> MeasuredPairs
            => _pairs.Select(p => (p.Key.Item1, p.Key.Item2, p.Value.Similarity, p.Value.Synergy));

        private (double Similarity, double Synergy) Pair(int a, int b) => _pairs.GetOrAdd((Math.Min(a, b), Math.Max(a, b)), key =>
        {
            int[] first = _codes[key.Item1], second = _codes[key.Item2];
            var crossTable = ContingencyTable.Count(first, second);
            double smallerEntropy = Math.Min(MutualInformation.Entropy(crossTable.FeatureTotals.Select(t => t.Count)),
                MutualInformation.Entropy(crossTable.LabelTotals.Select(t => t.Count)));
            double similarity = smallerEntropy <= 0 ? 0 : Math.Clamp(MutualInformation.ChanceAdjusted(crossTable) / smallerEntropy, 0, 1);
            int[] joint = Combine(first, second);
            double together = MutualInformation.ChanceAdjusted(ContingencyTable.Count(joint, _label));
            double apart = MutualInformation.ChanceAdjusted(ContingencyTable.Count(first, _label))
                + MutualInformation.ChanceAdjusted(ContingencyTable.Count(second, _label));
            // Only a gain counts: a pair that seems to tell less than its parts is either redundant, which the similarity
            // already charges, or split too thin for the chance-adjusted estimate (an informative feature paired with an
            // id-like one), which must not push a real feature below noise.
            return (similarity, Math.Max(0, together - apart));
        });

        // Dense codes for the pair of values (a, b), in order of first appearance.
        private static int[] Combine(int[] a, int[] b)
        {
            var codes = new Dictionary<long, int>();
            var combined = new int[a.Length];
            for (int i = 0; i < a.Length; i++)
            {
                long key = ((long)a[i] << 32) | (uint)b[i];
                if (!codes.TryGetValue(key, out int code))
                {
                    code = codes.Count;
                    codes.Add(key, code);
                }
                combined[i] = code;
            }
            return combined;
        }
    }
}
