using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Data;

namespace MLExt.Estimators.Tests.Data
{
    [TestClass]
    public class CriteoLikeDataTests
    {
        private static List<(bool Label, float[] Numeric, string[] Categorical)> Read(IDataView data)
        {
            var rows = new List<(bool, float[], string[])>();
            using DataViewRowCursor cursor = data.GetRowCursor(data.Schema);
            var label = cursor.GetGetter<bool>(data.Schema["Label"]);
            var numeric = data.Schema.Where(c => c.Type == NumberDataViewType.Single).Select(c => cursor.GetGetter<float>(c)).ToArray();
            var categorical = data.Schema.Where(c => c.Type is TextDataViewType).Select(c => cursor.GetGetter<ReadOnlyMemory<char>>(c)).ToArray();
            while (cursor.MoveNext())
            {
                bool y = false;
                float x = 0;
                ReadOnlyMemory<char> text = default;
                label(ref y);
                rows.Add((y, numeric.Select(g => { g(ref x); return x; }).ToArray(), categorical.Select(g => { g(ref text); return text.ToString(); }).ToArray()));
            }
            return rows;
        }

        [TestMethod]
        public void HasCriteosShapeAndTheSameSeedGivesTheSameRows()
        {
            var data = new CriteoLikeData(new CriteoLikeDataOptions { RowCount = 2000, Seed = 3 });
            Assert.AreEqual(1 + 13 + 26, data.Schema.Count);
            Assert.AreEqual(BooleanDataViewType.Instance, data.Schema["Label"].Type);
            Assert.AreEqual(NumberDataViewType.Single, data.Schema["I13"].Type);
            Assert.AreEqual(TextDataViewType.Instance, data.Schema["C26"].Type);
            Assert.AreEqual(2000L, data.GetRowCount());
            CollectionAssert.AreEquivalent(data.NumericColumnNames.Concat(data.CategoricalColumnNames).ToArray(),
                data.InformativeColumns.Concat(data.NoiseColumns).ToArray(), "every field is informative or noise");
            Assert.AreEqual(2, data.Cardinalities["C1"]);
            Assert.AreEqual(1_000_000, data.Cardinalities["C26"]);

            var first = Read(data);
            var again = Read(new CriteoLikeData(new CriteoLikeDataOptions { RowCount = 2000, Seed = 3 }));
            var other = Read(new CriteoLikeData(new CriteoLikeDataOptions { RowCount = 2000, Seed = 4 }));
            Assert.AreEqual(2000, first.Count);
            for (int i = 0; i < first.Count; i++)
            {
                Assert.AreEqual(first[i].Label, again[i].Label);
                CollectionAssert.AreEqual(first[i].Numeric, again[i].Numeric);
                CollectionAssert.AreEqual(first[i].Categorical, again[i].Categorical);
            }
            Assert.IsTrue(Enumerable.Range(0, 2000).Count(i => first[i].Categorical[10] != other[i].Categorical[10]) > 1000, "another seed, other data");

            // C1 has two values (and missing); values are 8 hex digits.
            Assert.AreEqual(2, first.Select(r => r.Categorical[0]).Where(v => v.Length > 0).Distinct().Count());
            Assert.IsTrue(first.SelectMany(r => r.Categorical).Where(v => v.Length > 0).All(v => v.Length == 8 && v.All(Uri.IsHexDigit)));
        }

        [TestMethod]
        public void LabelsFollowTheHiddenModelWithTheStatedNoise()
        {
            const int n = 40_000;
            var options = new CriteoLikeDataOptions { RowCount = n, Seed = 5, LabelNoise = 0.1, MissingRate = 0.2 };
            var data = new CriteoLikeData(options);
            var rows = Read(data);
            double meanProbability = Enumerable.Range(0, n).Average(i => data.ClickProbability(i));
            // A flipped click is a non-click and the other way round: P(label) = p(1 − ε) + (1 − p)ε.
            double expected = meanProbability * (1 - options.LabelNoise) + (1 - meanProbability) * options.LabelNoise;
            double observed = rows.Count(r => r.Label) / (double)n;
            Assert.AreEqual(expected, observed, 4 * Math.Sqrt(expected * (1 - expected) / n));
            Assert.IsTrue(observed > 0.1 && observed < 0.5, $"click rate {observed}");

            double missing = rows.Average(r => r.Categorical.Count(v => v.Length == 0) + r.Numeric.Count(float.IsNaN)) / 39.0;
            Assert.AreEqual(0.2, missing, 0.01);
            // Heavy-tailed, non-negative counts.
            float[] counts = rows.SelectMany(r => r.Numeric).Where(v => !float.IsNaN(v)).ToArray();
            Assert.IsTrue(counts.All(v => v >= 0 && v == Math.Floor(v)));
            Assert.IsTrue(counts.Max() > 50 * counts.OrderBy(v => v).ElementAt(counts.Length / 2), "a long right tail");
        }

        [TestMethod]
        public void CategoryFrequenciesFollowAPowerLaw()
        {
            var data = new CriteoLikeData(new CriteoLikeDataOptions { RowCount = 20_000, Seed = 6, MissingRate = 0 });
            var values = Read(data).Select(r => r.Categorical[25]).ToArray();
            var frequencies = values.GroupBy(v => v).Select(g => g.Count()).OrderByDescending(c => c).ToArray();
            // Log-uniform ids over a million values: the most frequent value is far above the typical one, and many values occur once.
            Assert.IsTrue(frequencies[0] > 100 * frequencies[frequencies.Length / 2], $"top {frequencies[0]}, median {frequencies[frequencies.Length / 2]}");
            Assert.IsTrue(frequencies.Count(c => c == 1) > 1000);
        }

        [TestMethod]
        public void WorksInAnMLNetPipeline()
        {
            var mlContext = new MLContext(seed: 1);
            var data = new CriteoLikeData(new CriteoLikeDataOptions { RowCount = 500 });
            IDataView cached = mlContext.Data.Cache(mlContext.Transforms.Categorical.OneHotHashEncoding("C5").Fit(data).Transform(data));
            Assert.AreEqual(500, cached.GetColumn<bool>("Label").Count());
            Assert.Throws<ArgumentOutOfRangeException>(() => new CriteoLikeData(new CriteoLikeDataOptions { MinCardinality = 1 }));
        }
    }
}
