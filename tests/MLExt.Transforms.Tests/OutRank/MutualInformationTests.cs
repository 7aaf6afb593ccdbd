using System;
using System.Linq;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Transforms.OutRanking.Core;

namespace MLExt.Transforms.Tests.OutRanking
{
    [TestClass]
    public class MutualInformationTests
    {
        // The reference computes in float32; these agree with its printed values to float32 precision.
        private const double ReferencePrecision = 5e-7;

        [TestMethod]
        [DataRow(new[] { 1, 0, 0, 0, 1, 1, 1, 0 }, new[] { 1, 1, 0, 0, 1, 1, 1, 1 }, 0.215761542, 0.042474747)]
        [DataRow(new[] { 1, 0, 0, 0, 1, 1, 1, 0 }, new[] { 1, 0, 0, 0, 1, 1, 1, 1 }, 0.380395681, 0.107880801)]
        public void MatchesTheReferenceGoldenValues(int[] feature, int[] label, double plain, double corrected)
        {
            Assert.AreEqual(plain, MutualInformation.Plain(ContingencyTable.Count(feature, label), skipSingletonLabels: true), ReferencePrecision);
            Assert.AreEqual(corrected, MutualInformation.ReferenceCorrected(feature, label), ReferencePrecision);
        }

        [TestMethod]
        public void MatchesTheReferenceOnThreeValuedPeriodicData()
        {
            int[] feature = Enumerable.Repeat(new[] { 0, 1, 2 }, 333).SelectMany(x => x).Append(0).ToArray();
            int[] label = Enumerable.Repeat(new[] { 2, 0, 1 }, 333).SelectMany(x => x).Append(1).ToArray();
            Assert.AreEqual(1.091801643, MutualInformation.Plain(ContingencyTable.Count(feature, label), skipSingletonLabels: true), ReferencePrecision);
            Assert.AreEqual(0.628772795, MutualInformation.ReferenceCorrected(feature, label), ReferencePrecision);
        }

        [TestMethod]
        public void PlainMutualInformationIsTheTextbookValue()
        {
            // A perfect copy of a balanced binary label carries log 2 nats; an independent balanced feature carries none.
            int[] label = { 0, 1, 0, 1, 0, 1, 0, 1 };
            Assert.AreEqual(Math.Log(2), MutualInformation.Plain(ContingencyTable.Count(new[] { 5, 7, 5, 7, 5, 7, 5, 7 }, label)), 1e-12);
            Assert.AreEqual(0, MutualInformation.Plain(ContingencyTable.Count(new[] { 0, 0, 1, 1, 0, 0, 1, 1 }, label)), 1e-12);
        }

        [TestMethod]
        public void TheShiftBaselineIsFooledByPeriodicDataButTheChanceAdjustedScoreIsNot()
        {
            // The feature determines the label exactly, yet shifting by a label count of 50 (even) lands on the same value.
            int[] label = Enumerable.Range(0, 100).Select(i => i % 2).ToArray();
            int[] feature = label.Select(l => l + 1).ToArray();
            Assert.AreEqual(0, MutualInformation.ReferenceCorrected(feature, label), 1e-12, "the reference's baseline erases a perfect dependency");
            double adjusted = MutualInformation.ChanceAdjusted(ContingencyTable.Count(feature, label));
            Assert.IsTrue(adjusted > 0.6, $"the chance-adjusted score keeps it: {adjusted}");
        }

        [TestMethod]
        public void BaselinesAreNearZeroForIndependentFeaturesOfAnyCardinality()
        {
            var random = new Random(3);
            int[] label = Enumerable.Range(0, 5000).Select(_ => random.NextDouble() < 0.3 ? 1 : 0).ToArray();
            foreach (int cardinality in new[] { 2, 50, 1000, 4000 })
            {
                int[] noise = Enumerable.Range(0, 5000).Select(_ => random.Next(cardinality)).ToArray();
                var table = ContingencyTable.Count(noise, label);
                double plain = MutualInformation.Plain(table);
                double adjusted = MutualInformation.ChanceAdjusted(table);
                double permutation = MutualInformation.PermutationBaseline(noise, label, seed: 1);
                // Under independence 2N·MI is about chi-squared with df = (c−1)(k−1): MI's spread is sqrt(2 df) / 2N.
                double spread = Math.Sqrt(2.0 * (cardinality - 1)) / (2 * label.Length);
                Assert.AreEqual(0, adjusted, 3 * spread, $"cardinality {cardinality}: adjusted {adjusted} (plain {plain})");
                Assert.IsTrue(Math.Abs(adjusted) < plain || plain < 3 * spread, $"cardinality {cardinality}: the adjustment must remove the chance part");
                // The permutation baseline estimates the chance part that plain MI carries.
                Assert.AreEqual(plain, permutation, Math.Max(0.01, 0.2 * plain), $"cardinality {cardinality}");
            }
        }

        [TestMethod]
        public void ChanceAdjustmentRanksWeakSignalAboveHighCardinalityNoise()
        {
            var random = new Random(11);
            int n = 5000;
            int[] signal = Enumerable.Range(0, n).Select(_ => random.Next(5)).ToArray();
            int[] label = signal.Select(s => random.NextDouble() < 0.2 + 0.1 * s ? 1 : 0).ToArray();
            int[] noise = Enumerable.Range(0, n).Select(_ => random.Next(2000)).ToArray();
            var signalTable = ContingencyTable.Count(signal, label);
            var noiseTable = ContingencyTable.Count(noise, label);
            Assert.IsTrue(MutualInformation.Plain(noiseTable) > MutualInformation.Plain(signalTable), "plain MI prefers the noise: the problem");
            Assert.IsTrue(MutualInformation.ChanceAdjusted(signalTable) > MutualInformation.ChanceAdjusted(noiseTable), "the adjusted score does not: the fix");
        }

        [TestMethod]
        public void ExpectedMutualInformationMatchesTheHypergeometricSum()
        {
            var random = new Random(2);
            int[] feature = Enumerable.Range(0, 60).Select(_ => random.Next(4)).ToArray();
            int[] label = Enumerable.Range(0, 60).Select(_ => random.Next(3)).ToArray();
            var table = ContingencyTable.Count(feature, label);
            // E[MI] = Σ_cells Σ_k P(k) k/n log(n k / (a b)), P hypergeometric: C(a,k) C(n−a,b−k) / C(n,b).
            int n = 60;
            double expected = 0;
            foreach (var (_, a) in table.FeatureTotals)
                foreach (var (_, b) in table.LabelTotals)
                    for (long k = Math.Max(1, a + b - n); k <= Math.Min(a, b); k++)
                        expected += Choose(a, k) * Choose(n - a, b - k) / Choose(n, b) * k / n * Math.Log(n * (double)k / (a * b));
            Assert.AreEqual(expected, MutualInformation.ExpectedUnderIndependence(table), 1e-12);

            static double Choose(long m, long r)
            {
                double result = 1;
                for (long i = 1; i <= r; i++)
                    result *= (m - r + i) / (double)i;
                return result;
            }
        }

        [TestMethod]
        public void TablesOfPartsAddUpToTheTableOfTheWhole()
        {
            var random = new Random(5);
            int[] feature = Enumerable.Range(0, 1000).Select(_ => random.Next(30)).ToArray();
            int[] label = Enumerable.Range(0, 1000).Select(_ => random.Next(3)).ToArray();
            var merged = ContingencyTable.Count(feature.AsSpan(0, 400), label.AsSpan(0, 400));
            merged.Add(ContingencyTable.Count(feature.AsSpan(400), label.AsSpan(400)));
            var whole = ContingencyTable.Count(feature, label);
            Assert.AreEqual(whole.Total, merged.Total);
            CollectionAssert.AreEquivalent(whole.Cells.ToArray(), merged.Cells.ToArray());
            Assert.AreEqual(MutualInformation.Plain(whole), MutualInformation.Plain(merged), 1e-12);
        }
    }
}
