using System;
using System.Collections.Generic;
using System.Linq;

namespace MLExt.Transforms.OutRanking.Core
{
    /// <summary>
    /// Mutual information between a feature and a label (natural log), and the baselines that correct it for the
    /// information a feature of the same cardinality carries by chance.
    /// </summary>
    internal static class MutualInformation
    {
        /// <summary>
        /// I(F; L) = H(F) − Σ_v p(L = v) H(F | L = v). With <paramref name="skipSingletonLabels"/>, label values seen once
        /// contribute no conditional entropy (OutRank's reference convention).
        /// </summary>
        public static double Plain(ContingencyTable table, bool skipSingletonLabels = false)
            => Entropy(table.FeatureTotals.Select(t => t.Count)) - ConditionalEntropy(table, skipSingletonLabels);

        /// <summary>Entropy (nats) of the distribution with these counts.</summary>
        public static double Entropy(IEnumerable<long> counts)
        {
            // Two passes over the counts rather than a copy of them: a feature can have millions of values.
            long total = 0;
            foreach (long count in counts)
                total += count;
            double n = total;
            double entropy = 0;
            foreach (long count in counts)
            {
                if (count == 0)
                    continue;
                double p = count / n;
                entropy -= p * Math.Log(p);
            }
            return entropy;
        }

        /// <summary>Σ_v p(L = v) H(F | L = v) from the cells of a table.</summary>
        private static double ConditionalEntropy(ContingencyTable table, bool skipSingletonLabels)
        {
            double n = table.Total;
            double sum = 0;
            foreach (var (_, label, count) in table.Cells)
            {
                long labelCount = table.LabelCount(label);
                if (skipSingletonLabels && labelCount == 1)
                    continue;
                double conditional = count / (double)labelCount;
                sum -= labelCount / n * conditional * Math.Log(conditional);
            }
            return sum;
        }

        /// <summary>
        /// OutRank's reference score with its cardinality correction: the conditional entropy of the feature given the label,
        /// measured against a baseline in which, for each label value v seen c_v times, the feature is read c_v rows further
        /// on (circularly). Label values seen once are skipped, and when the feature and label columns have equal sums the
        /// reference does not correct (it takes them for the same column) and returns the plain score.
        /// </summary>
        public static double ReferenceCorrected(int[] feature, int[] label)
        {
            ContingencyTable observed = ContingencyTable.Count(feature, label);
            if (feature.Sum(f => (long)f) == label.Sum(l => (long)l))
                return Plain(observed, skipSingletonLabels: true);
            int n = feature.Length;
            var shifted = new ContingencyTable();
            for (int i = 0; i < n; i++)
            {
                long labelCount = observed.LabelCount(label[i]);
                shifted.Add(feature[(int)((i + labelCount) % n)], label[i], 1);
            }
            // The shifted table has the observed label totals, so both entropies are weighted alike.
            return ConditionalEntropy(shifted, skipSingletonLabels: true) - ConditionalEntropy(observed, skipSingletonLabels: true);
        }

        /// <summary>The mutual information of a seeded random permutation of the feature against the label.</summary>
        public static double PermutationBaseline(int[] feature, int[] label, int seed)
        {
            int[] permuted = (int[])feature.Clone();
            new Random(seed).Shuffle(permuted);
            return Plain(ContingencyTable.Count(permuted, label));
        }

        /// <summary>
        /// Expected mutual information of two labelings with these marginal counts when they are independent (the
        /// hypergeometric model of adjusted mutual information, Vinh, Epps and Bailey 2010).
        /// </summary>
        public static double ExpectedUnderIndependence(ContingencyTable table)
        {
            long n = table.Total;
            double logN = Math.Log(n);
            double logFactorialN = LogFactorial(n);
            // Label values that share a count contribute alike too (this matters when the "label" is another feature).
            var labelCounts = ValuesPerCount(table.LabelTotals);
            double expected = 0;
            // The terms depend on a feature value's count only, and most values share their count with many others.
            foreach (var (a, valuesWithThisCount) in ValuesPerCount(table.FeatureTotals))
            {
                double logA = Math.Log(a);
                foreach (var (b, labelValuesWithThisCount) in labelCounts)
                {
                    // The cell count k is hypergeometric. Start at its mode and walk out both ways with the term ratio
                    // P(k+1)/P(k) = (a−k)(b−k) / ((k+1)(n−a−b+k+1)) until the probabilities vanish: the distribution is unimodal.
                    long low = Math.Max(0, a + b - n), high = Math.Min(a, b);
                    long mode = Math.Clamp((long)((a + 1.0) * (b + 1.0) / (n + 2.0)), low, high);
                    double logModeProbability = LogFactorial(a) + LogFactorial(b) + LogFactorial(n - a) + LogFactorial(n - b) - logFactorialN
                        - LogFactorial(mode) - LogFactorial(a - mode) - LogFactorial(b - mode) - LogFactorial(n - a - b + mode);
                    double modeProbability = Math.Exp(logModeProbability);
                    double logB = Math.Log(b);
                    double sum = Term(mode, modeProbability);
                    double probability = modeProbability;
                    for (long k = mode; k < high && probability > modeProbability * 1e-17; k++)
                    {
                        probability *= (double)(a - k) * (b - k) / ((k + 1.0) * (n - a - b + k + 1.0));
                        sum += Term(k + 1, probability);
                    }
                    probability = modeProbability;
                    for (long k = mode; k > low && probability > modeProbability * 1e-17; k--)
                    {
                        probability *= k * (double)(n - a - b + k) / ((a - k + 1.0) * (b - k + 1.0));
                        sum += Term(k - 1, probability);
                    }
                    expected += (double)valuesWithThisCount * labelValuesWithThisCount * sum;

                    double Term(long k, double p) => k == 0 ? 0 : p * k / n * (logN + Math.Log(k) - logA - logB);
                }
            }
            return expected;
        }

        // How many values have each count. Only the counts are kept (GroupBy would keep every value in its group: megabytes for a
        // feature of a million values).
        private static List<(long Count, int Values)> ValuesPerCount(IEnumerable<(int Code, long Count)> totals)
            => totals.CountBy(t => t.Count).Select(group => (group.Key, group.Value)).ToList();

        /// <summary>Mutual information minus its expectation under independence: about zero for an unrelated feature of any cardinality.</summary>
        public static double ChanceAdjusted(ContingencyTable table) => Plain(table) - ExpectedUnderIndependence(table);

        // log n! through the log-gamma function (Lanczos), exact enough for probabilities far below 1e-12 relative error.
        private static double LogFactorial(long n) => n < 2 ? 0 : LogGamma(n + 1.0);

        private static readonly double[] LanczosCoefficients =
        {
            676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        };

        private static double LogGamma(double x)
        {
            x -= 1;
            double sum = 0.99999999999980993;
            for (int i = 0; i < LanczosCoefficients.Length; i++)
                sum += LanczosCoefficients[i] / (x + i + 1);
            double t = x + LanczosCoefficients.Length - 0.5;
            return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
        }
    }
}
