using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Data;

namespace MLExt.Estimators.Tests.Data
{
    [TestClass]
    public class MadelonLikeDataTests
    {
        [TestMethod]
        public void BuildsMadelonsShapeWithTheSignalInTheInformativeSlotsOnly()
        {
            var data = new MadelonLikeData(new MadelonLikeDataOptions { Seed = 2 });
            Assert.AreEqual(2600, data.Features.Length);
            Assert.AreEqual(500, data.Features[0].Length);
            Assert.AreEqual(20, data.InformativeIndices.Length);
            Assert.AreEqual(data.InformativeIndices.Length, data.InformativeIndices.Distinct().Count());
            Assert.AreEqual(0.5, data.Labels.Average(l => l ? 1.0 : 0.0), 0.05, "balanced classes");

            // A slot's correlation with the other slots: the 20 informative ones are linear mixtures of 5 base features, the noise
            // is independent of everything.
            double MaxCorrelation(int slot) => Enumerable.Range(0, 500).Where(o => o != slot).Max(o => Math.Abs(Correlation(data, slot, o)));
            Assert.IsTrue(data.InformativeIndices.All(i => MaxCorrelation(i) > 0.3));
            int[] noise = Enumerable.Range(0, 500).Except(data.InformativeIndices).Take(20).ToArray();
            Assert.IsTrue(noise.All(i => MaxCorrelation(i) < 0.15));

            var again = new MadelonLikeData(new MadelonLikeDataOptions { Seed = 2 });
            CollectionAssert.AreEqual(data.InformativeIndices, again.InformativeIndices);
            CollectionAssert.AreEqual(data.Features[17], again.Features[17]);
            Assert.AreEqual(2600, new MLContext().Data.CreateEnumerable<Probe>(data.ToDataView(new MLContext()), false).Count());
            Assert.Throws<ArgumentOutOfRangeException>(() => new MadelonLikeData(new MadelonLikeDataOptions { BaseFeatureCount = 3, ClustersPerClass = 5 }));
        }

        public sealed class Probe
        {
            public bool Label { get; set; }
        }

        private static double Correlation(MadelonLikeData data, int a, int b)
        {
            double[] x = data.Features.Select(r => (double)r[a]).ToArray(), y = data.Features.Select(r => (double)r[b]).ToArray();
            double mx = x.Average(), my = y.Average();
            double sxy = x.Zip(y).Sum(p => (p.First - mx) * (p.Second - my));
            return sxy / Math.Sqrt(x.Sum(v => (v - mx) * (v - mx)) * y.Sum(v => (v - my) * (v - my)));
        }
    }
}
