using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Data;
using MLExt.Testing;

namespace MLExt.Transforms.Tests.OutRanking
{
    [TestClass]
    public class OutRankEstimatorTests
    {
        public sealed class Row
        {
            public bool Label { get; set; }
            public string Colour { get; set; }      // informative, 4 values
            public float Amount { get; set; }       // informative, numeric (binned)
            public int Site { get; set; }           // informative, 2,000 values (the parity of the id matters)
            public bool Coin { get; set; }          // noise, 2 values
            public string Browser { get; set; }     // noise, 100 values
            public int SessionId { get; set; }      // noise, 12,000 values
            public float Passthrough { get; set; }  // not ranked
            public string ColourCopy { get; set; }  // Colour under other names (ranked only by the redundancy test)
            public string SessionName { get; set; } // SessionId as text (ranked only by the cardinality-cap test)
        }

        public sealed class VariableVectorRow
        {
            public bool Label { get; set; }
            [VectorType] public float[] Colour { get; set; }
        }

        public sealed class VectorRow
        {
            public bool Label { get; set; }
            [VectorType(6)] public float[] Pixels { get; set; }
            public string Other { get; set; }
        }

        private static readonly string[] Informative = { "Colour", "Amount", "Site" };
        private static readonly string[] Noise = { "Coin", "Browser", "SessionId" };
        private static readonly string[] Ranked = Informative.Concat(Noise).ToArray();

        private static List<Row> MakeRows(int count, int seed)
        {
            var random = new Random(seed);
            string[] colours = { "red", "green", "blue", "black" };
            return Enumerable.Range(0, count).Select(_ =>
            {
                int colour = random.Next(4), site = random.Next(2000);
                float amount = (float)(random.NextDouble() * 100);
                double logit = -1 + 0.5 * colour + 0.015 * amount + (site % 2 == 0 ? 0.6 : -0.6);
                return new Row
                {
                    Label = random.NextDouble() < 1 / (1 + Math.Exp(-logit)),
                    Colour = colours[colour],
                    Amount = amount,
                    Site = site,
                    Coin = random.Next(2) == 1,
                    Browser = "b" + random.Next(100),
                    SessionId = random.Next(12000),
                    Passthrough = (float)random.NextDouble(),
                    ColourCopy = "copy-" + colours[colour],
                };
            }).ToList();
        }

        [TestMethod]
        public void ChanceAdjustedRankingPutsEveryInformativeFeatureAboveEveryNoiseFeature()
        {
            var mlContext = new MLContext(seed: 1);
            var rows = MakeRows(20000, 2);
            IDataView data = mlContext.Data.LoadFromEnumerable(rows);

            var adjusted = mlContext.Transforms.FeatureSelection.SelectFeaturesByOutRank("Label", Ranked, 3).Fit(data).Ranking;
            double worstInformative = adjusted.Where(s => Informative.Contains(s.Name)).Min(s => s.Score);
            double bestNoise = adjusted.Where(s => Noise.Contains(s.Name)).Max(s => s.Score);
            Assert.IsTrue(worstInformative > bestNoise, string.Join("\n", adjusted));

            // Plain mutual information shows the problem: the 12,000-value session id outranks a real feature.
            var plain = mlContext.Transforms.FeatureSelection.SelectFeaturesByOutRank("Label", Ranked, 3, OutRankHeuristic.MutualInformation).Fit(data).Ranking;
            double sessionScore = plain.Single(s => s.Name == "SessionId").Score;
            Assert.IsTrue(plain.Where(s => Informative.Contains(s.Name)).Any(s => s.Score < sessionScore), string.Join("\n", plain));

            var session = adjusted.Single(s => s.Name == "SessionId");
            Assert.AreEqual(rows.Select(r => r.SessionId).Distinct().Count(), session.Cardinality);
            Assert.AreEqual(session.MutualInformation - session.Score, session.Baseline, 1e-12);
            Assert.AreEqual(0, session.MissingFraction);
        }

        [TestMethod]
        public void OnGeneratedClickDataEveryInformativeFieldRanksAboveEveryNoiseField()
        {
            // Noise fields of every cardinality from 2 to a million, informative ones among them (MLExt.Data's generator).
            var clicks = new CriteoLikeData(new CriteoLikeDataOptions { RowCount = 200_000, Seed = 11 });
            string[] fields = clicks.NumericColumnNames.Concat(clicks.CategoricalColumnNames).ToArray();
            var mlContext = new MLContext(seed: 1);

            var ranking = mlContext.Transforms.FeatureSelection.SelectFeaturesByOutRank("Label", fields, 5).Fit(clicks).Ranking;
            double worstInformative = ranking.Where(s => clicks.InformativeColumns.Contains(s.Name)).Min(s => s.Score);
            Assert.IsTrue(ranking.Where(s => clicks.NoiseColumns.Contains(s.Name)).All(s => s.Score < worstInformative), string.Join("\n", ranking));

            var plain = mlContext.Transforms.FeatureSelection.SelectFeaturesByOutRank("Label", fields, 5, OutRankHeuristic.MutualInformation).Fit(clicks).Ranking;
            Assert.IsTrue(clicks.NoiseColumns.Contains(plain[0].Name), "plain mutual information puts a high-cardinality noise field first: " + plain[0]);
        }

        [TestMethod]
        public void TheTransformerKeepsTheBestColumnsAndPassesTheConformanceKit()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.LoadFromEnumerable(MakeRows(4000, 3));
            var estimator = mlContext.Transforms.FeatureSelection.SelectFeaturesByOutRank("Label", Ranked, 3);
            OutRankTransformer transformer = ConformanceKit.Check(mlContext, estimator, data,
                invalidInputs: new[]
                {
                    new InvalidInput("no Colour column", mlContext.Transforms.DropColumns("Colour").Fit(data).Transform(data), "Colour"),
                    new InvalidInput("no label column", mlContext.Transforms.DropColumns("Label").Fit(data).Transform(data), "Label"),
                },
                invalidForTransformer: new[]
                {
                    new InvalidInput("no Colour column", mlContext.Transforms.DropColumns("Colour").Fit(data).Transform(data), "Colour"),
                });

            CollectionAssert.AreEquivalent(Informative, transformer.SelectedColumns.ToArray());
            DataViewSchema output = transformer.Transform(data).Schema;
            foreach (string kept in Informative.Append("Passthrough").Append("Label"))
                Assert.IsNotNull(output.GetColumnOrNull(kept), kept);
            foreach (string dropped in Noise)
                Assert.IsNull(output.GetColumnOrNull(dropped), dropped);
            Assert.AreEqual(Ranked.Length, transformer.Ranking.Count);
        }

        [TestMethod]
        public void BadInputFailsWithAClearMessage()
        {
            var mlContext = new MLContext(seed: 1);
            var rows = MakeRows(200, 4);
            IDataView data = mlContext.Data.LoadFromEnumerable(rows);
            var selection = mlContext.Transforms.FeatureSelection;

            ConformanceKit.AssertThrowsMentioning(() => selection.SelectFeaturesByOutRank("Label", Ranked, 0).Fit(data), "FeaturesToKeep");
            ConformanceKit.AssertThrowsMentioning(() => selection.SelectFeaturesByOutRank("Label", Ranked, 7).Fit(data), "FeaturesToKeep");
            ConformanceKit.AssertThrowsMentioning(() => selection.SelectFeaturesByOutRank("Label", new[] { "Colour", "Nope" }, 1).Fit(data), "Nope");
            ConformanceKit.AssertThrowsMentioning(() => selection.SelectFeaturesByOutRank("Label", new[] { "Label", "Colour" }, 1).Fit(data), "also listed");
            ConformanceKit.AssertThrowsMentioning(() => selection.SelectFeaturesByOutRank("Label", Array.Empty<string>(), 1).Fit(data), "at least one feature");
            ConformanceKit.AssertThrowsMentioning(
                () => selection.SelectFeaturesByOutRank("Label", Ranked, 2).Fit(mlContext.Data.LoadFromEnumerable(rows.Select(r => { r.Label = true; return r; }).ToList())),
                "single value");
            ConformanceKit.AssertThrowsMentioning(() => selection.SelectFeaturesByOutRank("Label", Ranked, 2).Fit(mlContext.Data.LoadFromEnumerable(new List<Row>())), "empty");
            // Rows are read in blocks of 256: the message still names the row past the first block.
            var missingLabel = MakeRows(400, 5);
            missingLabel[300].Colour = "";
            ConformanceKit.AssertThrowsMentioning(() => selection.SelectFeaturesByOutRank("Colour", Noise, 1).Fit(mlContext.Data.LoadFromEnumerable(missingLabel)), "row 300");
            IDataView vectors = mlContext.Data.LoadFromEnumerable(new[] { new VariableVectorRow { Colour = new float[2] } });
            ConformanceKit.AssertThrowsMentioning(() => selection.SelectFeaturesByOutRank("Label", new[] { "Colour" }, 1).Fit(vectors), "Colour");
            ConformanceKit.AssertThrowsMentioning(() => selection.SelectFeaturesByOutRank("Label", new[] { "Colour" }, 1).GetOutputSchema(ConformanceKit.ShapeOf(vectors.Schema)), "Colour");
        }

        [TestMethod]
        public void AnalyzeReportsRankingAndDataQuality()
        {
            var mlContext = new MLContext(seed: 1);
            var rows = MakeRows(3000, 5);
            foreach (var (row, i) in rows.Select((r, i) => (r, i)))
            {
                row.Browser = i % 10 < 7 ? "" : row.Browser;        // 70% missing
                row.Coin = i % 200 != 0;                             // 99.5% one value
                row.SessionId = i;                                   // an id: every row its own value
            }
            IDataView data = mlContext.Data.LoadFromEnumerable(rows);
            OutRankReport report = OutRank.Analyze(mlContext, data, new OutRankOptions { FeatureColumnNames = Ranked, FeaturesToKeep = 3 });

            Assert.AreEqual(3000, report.RowCount);
            CollectionAssert.AreEqual(report.Ranking.Select(s => s.Name).ToArray(), report.Quality.Select(q => q.Name).ToArray());
            var quality = report.Quality.ToDictionary(q => q.Name);
            CollectionAssert.Contains(quality["Browser"].Flags.ToArray(), "mostly-missing");
            Assert.AreEqual(0.7, quality["Browser"].MissingFraction, 1e-9);
            CollectionAssert.Contains(quality["Coin"].Flags.ToArray(), "near-constant");
            Assert.AreEqual(2985 / 3000.0, quality["Coin"].DominantValueShare, 1e-9);
            CollectionAssert.Contains(quality["SessionId"].Flags.ToArray(), "id-like");
            Assert.AreEqual(1.0, quality["SessionId"].RareValueShare, 1e-9);
            Assert.AreEqual(0, quality["Colour"].Flags.Count);
            Assert.AreEqual(4, quality["Colour"].Cardinality);

            string folder = Path.Combine(Path.GetTempPath(), "outrank-report-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                report.WriteTsv(Path.Combine(folder, "ranking.tsv"));
                report.WriteJson(Path.Combine(folder, "report.json"));
                string[] lines = File.ReadAllLines(Path.Combine(folder, "ranking.tsv"));
                Assert.AreEqual(Ranked.Length + 1, lines.Length);
                StringAssert.StartsWith(lines[1], "1\t" + report.Ranking[0].Name + "\t");
                using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "report.json")));
                Assert.AreEqual(Ranked.Length, json.RootElement.GetProperty("ranking").GetArrayLength());
                report.WriteChart(Path.Combine(folder, "ranking.png"), maxFeatures: 4);
                var chart = PngReader.Read(Path.Combine(folder, "ranking.png"));
                Assert.IsTrue(chart.Width > 400 && chart.Height > 4 * 20, $"{chart.Width} x {chart.Height}");
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        [TestMethod]
        public void TheRedundancyAwareOrderPutsADuplicateAfterTheInformativeFeatures()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.LoadFromEnumerable(MakeRows(6000, 6));
            string[] features = Ranked.Append("ColourCopy").ToArray();
            OutRankReport report = OutRank.Analyze(mlContext, data, new OutRankOptions
            {
                FeatureColumnNames = features,
                FeaturesToKeep = 3,
                RedundancyAwareSelection = true,
            });

            // By relevance alone the copy ties with the original.
            var ranking = report.Ranking.ToDictionary(s => s.Name);
            Assert.AreEqual(ranking["Colour"].Score, ranking["ColourCopy"].Score, 1e-12);
            string[] order = report.RedundancyAwareOrder.Select(s => s.Name).ToArray();
            Assert.AreEqual(features.Length, order.Length);
            int copy = Array.IndexOf(order, "ColourCopy");
            foreach (string informative in Informative)
                Assert.IsTrue(Array.IndexOf(order, informative) < copy, string.Join(", ", order));
            OutRankSelectionStep copyStep = report.RedundancyAwareOrder[copy];
            // A copy's similarity with its original is 1 less the chance part of their information (a few thousandths here).
            Assert.AreEqual(copyStep.Relevance, copyStep.Redundancy, 0.01 * copyStep.Relevance, "a copy is fully redundant");
            Assert.AreEqual(copyStep.Relevance - report.RedundancyWeight * copyStep.Redundancy + report.SynergyWeight * copyStep.Synergy, copyStep.Score, 1e-12);
            Assert.AreEqual(0, report.RedundancyAwareOrder[0].Redundancy, "nothing is chosen before the first step");

            // Every pair is measured; the copy and its original are the most similar, unrelated noise is not similar to anything.
            Assert.AreEqual(features.Length * (features.Length - 1) / 2, report.FeatureSimilarities.Count);
            OutRankFeaturePair closest = report.FeatureSimilarities[0];
            CollectionAssert.AreEquivalent(new[] { "Colour", "ColourCopy" }, new[] { closest.First, closest.Second });
            Assert.AreEqual(1.0, closest.Similarity, 0.01);
            Assert.IsTrue(report.FeatureSimilarities.Where(p => p.First == "Coin" || p.Second == "Coin").All(p => p.Similarity < 0.01));
        }

        [TestMethod]
        public void TheTransformerCanKeepTheRedundancyAwareChoice()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.LoadFromEnumerable(MakeRows(6000, 6));
            string[] features = Ranked.Append("ColourCopy").ToArray();
            var options = new OutRankOptions { FeatureColumnNames = features, FeaturesToKeep = 3 };

            // By the ranking alone the copy ties with its original, so both are kept.
            OutRankTransformer byRanking = mlContext.Transforms.FeatureSelection.SelectFeaturesByOutRank(options).Fit(data);
            CollectionAssert.Contains(byRanking.SelectedColumns.ToArray(), "ColourCopy");

            options.RedundancyAwareSelection = true;
            OutRankTransformer redundancyAware = ConformanceKit.Check(mlContext, mlContext.Transforms.FeatureSelection.SelectFeaturesByOutRank(options), data);
            CollectionAssert.AreEquivalent(Informative, redundancyAware.SelectedColumns.ToArray(), string.Join(", ", redundancyAware.SelectedColumns) + " / " + string.Join("\n", redundancyAware.Ranking));
            DataViewSchema output = redundancyAware.Transform(data).Schema;
            Assert.IsNull(output.GetColumnOrNull("ColourCopy"));
            Assert.IsNotNull(output.GetColumnOrNull("Colour"));
        }

        [TestMethod]
        public void PastMaxExactCardinalityCountsStayBoundedAndCardinalityIsSketched()
        {
            var mlContext = new MLContext(seed: 1);
            var rows = MakeRows(6000, 9);
            foreach (Row row in rows)
                row.SessionName = "session-" + row.SessionId;
            IDataView data = mlContext.Data.LoadFromEnumerable(rows);
            OutRankReport report = OutRank.Analyze(mlContext, data, new OutRankOptions
            {
                FeatureColumnNames = Ranked.Append("SessionName").ToArray(),
                FeaturesToKeep = 3,
                MaxExactCardinality = 300,
            });

            int distinctSessions = rows.Select(r => r.SessionId).Distinct().Count();
            Assert.IsTrue(distinctSessions > 10 * 300);
            foreach (string name in new[] { "SessionId", "SessionName" })
            {
                var session = report.Quality.Single(q => q.Name == name);
                Assert.AreEqual(distinctSessions, session.Cardinality, 0.03 * distinctSessions, name + ": HyperLogLog's error is about 1%");
                CollectionAssert.Contains(session.Flags.ToArray(), "cardinality-estimated", name);
            }
            CollectionAssert.DoesNotContain(report.Quality.Single(q => q.Name == "Colour").Flags.ToArray(), "cardinality-estimated");
            Assert.AreEqual(4, report.Ranking.Single(s => s.Name == "Colour").Cardinality);

            // Hashed overflow codes keep the information: the informative 2,000-value Site still ranks above all noise.
            double site = report.Ranking.Single(s => s.Name == "Site").Score;
            Assert.IsTrue(report.Ranking.Where(s => Noise.Contains(s.Name) || s.Name == "SessionName").All(s => s.Score < site), string.Join("\n", report.Ranking));
        }

        public sealed class TextRow
        {
            public bool Label { get; set; }
            public string Small { get; set; }
            public string Medium { get; set; }
            public string Large { get; set; }
        }

        [TestMethod]
        public void TextAndKeyColumnsOfTheSameValuesRankTheSame()
        {
            var mlContext = new MLContext(seed: 1);
            var random = new Random(21);
            // About a tenth of each column missing (empty text, which maps to key 0).
            int Draw(int cardinality) => random.Next(10) == 0 ? 0 : 1 + random.Next(cardinality);
            string Spell(int value) => value == 0 ? "" : "value-" + value;
            var rows = Enumerable.Range(0, 20000).Select(_ =>
            {
                int small = Draw(3), medium = Draw(60), large = Draw(5000);
                double logit = (small == 1 ? 0.8 : -0.3) + (medium % 3 == 0 ? 0.4 : 0) + (large % 2 == 0 ? 0.3 : -0.3);
                return new TextRow { Label = random.NextDouble() < 1 / (1 + Math.Exp(-logit)), Small = Spell(small), Medium = Spell(medium), Large = Spell(large) };
            }).ToList();
            string[] text = { "Small", "Medium", "Large" };
            string[] keys = text.Select(name => name + "Key").ToArray();
            IDataView textData = mlContext.Data.LoadFromEnumerable(rows);
            IDataView data = mlContext.Transforms.Conversion.MapValueToKey(keys.Zip(text, (key, name) => new InputOutputColumnPair(key, name)).ToArray())
                .Fit(textData).Transform(textData);
            foreach (OutRankHeuristic heuristic in new[] { OutRankHeuristic.ChanceAdjusted, OutRankHeuristic.PermutationCorrected })
            {
                // One seed for both, so the permutation baseline shuffles the rows alike.
                IReadOnlyList<OutRankFeatureScore> Rank(string[] features) => mlContext.Transforms.FeatureSelection
                    .SelectFeaturesByOutRank(new OutRankOptions { FeatureColumnNames = features, FeaturesToKeep = 1, Heuristic = heuristic, Seed = 5 }).Fit(data).Ranking;
                var byText = Rank(text);
                var byKey = Rank(keys);
                CollectionAssert.AreEqual(byText.Select(s => s.Name + "Key").ToArray(), byKey.Select(s => s.Name).ToArray(), heuristic.ToString());
                foreach (var (fromText, fromKey) in byText.Zip(byKey))
                {
                    // Codes are numbered differently (first appearance, key values), so sums run in another order: rounding only.
                    Assert.AreEqual(fromKey.Score, fromText.Score, 1e-12, fromText.Name);
                    Assert.AreEqual(fromKey.MutualInformation, fromText.MutualInformation, 1e-12, fromText.Name);
                    Assert.AreEqual(fromKey.Cardinality, fromText.Cardinality, fromText.Name);
                    Assert.AreEqual(fromKey.MissingFraction, fromText.MissingFraction, fromText.Name);
                }
                Assert.AreEqual(0.1, byText.Single(s => s.Name == "Large").MissingFraction, 0.01, "empty text is missing");
            }
        }

        public sealed class XorRow
        {
            public bool Label { get; set; }
            public bool A { get; set; }
            public bool B { get; set; }
            public int Noise { get; set; }
        }

        [TestMethod]
        public void InteractionsFindAPairThatOnlyTellsTogether()
        {
            var mlContext = new MLContext(seed: 1);
            var random = new Random(8);
            var rows = Enumerable.Range(0, 4000).Select(_ =>
            {
                bool a = random.Next(2) == 1, b = random.Next(2) == 1;
                return new XorRow { A = a, B = b, Noise = random.Next(50), Label = (a ^ b) ^ (random.NextDouble() < 0.1) };
            }).ToList();
            OutRankReport report = OutRank.Analyze(mlContext, mlContext.Data.LoadFromEnumerable(rows), new OutRankOptions
            {
                FeatureColumnNames = new[] { "A", "B", "Noise" },
                FeaturesToKeep = 2,
                InteractionOrder = 2,
            });
            // Alone, A and B tell nothing; together they tell the label up to its 10% noise: ln 2 − H(0.1) ≈ 0.368 nats.
            Assert.IsTrue(report.Ranking.All(s => s.Score < 0.01), string.Join("\n", report.Ranking));
            OutRankInteraction best = report.Interactions[0];
            CollectionAssert.AreEquivalent(new[] { "A", "B" }, best.Features.ToArray());
            double expected = Math.Log(2) + 0.1 * Math.Log(0.1) + 0.9 * Math.Log(0.9);
            Assert.AreEqual(expected, best.MutualInformation, 0.03);
            Assert.IsTrue(best.Gain > 0.3);
            Assert.AreEqual(3, report.Interactions.Count, "three pairs among three candidates");
            ConformanceKit.AssertThrowsMentioning(() => OutRank.Analyze(mlContext, mlContext.Data.LoadFromEnumerable(rows),
                new OutRankOptions { FeatureColumnNames = new[] { "A", "B" }, FeaturesToKeep = 1, InteractionOrder = 4 }), "InteractionOrder");
        }

        [TestMethod]
        public void VectorColumnsAreRankedSlotBySlotAndTheLosingSlotsDropped()
        {
            var mlContext = new MLContext(seed: 1);
            var random = new Random(12);
            var rows = Enumerable.Range(0, 3000).Select(_ =>
            {
                float[] pixels = Enumerable.Range(0, 6).Select(_ => (float)random.Next(4)).ToArray();
                // Slots 1 and 4 carry the label; the others and the text column are noise.
                double logit = (pixels[1] - 1.5) + 0.8 * (pixels[4] - 1.5);
                return new VectorRow { Pixels = pixels, Other = "o" + random.Next(5), Label = random.NextDouble() < 1 / (1 + Math.Exp(-logit)) };
            }).ToList();
            IDataView data = mlContext.Data.LoadFromEnumerable(rows);
            var estimator = mlContext.Transforms.FeatureSelection.SelectFeaturesByOutRank(new OutRankOptions
            {
                FeatureColumnNames = new[] { "Pixels", "Other" },
                FeaturesToKeep = 2,
                TreatNumericAsNominal = true,
            });
            OutRankTransformer transformer = ConformanceKit.Check(mlContext, estimator, data);

            Assert.AreEqual(7, transformer.Ranking.Count, "six slots and one scalar");
            CollectionAssert.AreEquivalent(new[] { "Pixels[1]", "Pixels[4]" }, transformer.SelectedColumns.ToArray());
            Assert.AreEqual(1, transformer.Ranking[0].Slot);
            Assert.AreEqual("Pixels", transformer.Ranking[0].ColumnName);

            IDataView selected = transformer.Transform(data);
            Assert.IsNull(selected.Schema.GetColumnOrNull("Other"), "the losing scalar column is dropped");
            Assert.AreEqual(2, ((VectorDataViewType)selected.Schema["Pixels"].Type).Size, "only the winning slots remain");
            var kept = mlContext.Data.CreateEnumerable<SelectedPixels>(selected, reuseRowObject: false).Take(50).ToArray();
            for (int i = 0; i < kept.Length; i++)
                CollectionAssert.AreEqual(new[] { rows[i].Pixels[1], rows[i].Pixels[4] }, kept[i].Pixels);

            // Keeping every feature drops nothing, and the model still saves and loads.
            var keepAll = mlContext.Transforms.FeatureSelection.SelectFeaturesByOutRank(new OutRankOptions { FeatureColumnNames = new[] { "Pixels", "Other" }, FeaturesToKeep = 7 });
            OutRankTransformer identity = ConformanceKit.Check(mlContext, keepAll, data);
            ConformanceKit.AssertSchemasEqual(data.Schema, identity.Transform(data).Schema, "keeping every feature");
        }

        public sealed class SelectedPixels
        {
            [VectorType(2)] public float[] Pixels { get; set; }
        }

        [TestMethod]
        public void ASeededSubsampleCountsAboutTheAskedShareAndStillRanksTheSignalFirst()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.LoadFromEnumerable(MakeRows(20000, 9));
            OutRankReport Analyze(int seed) => OutRank.Analyze(mlContext, data,
                new OutRankOptions { FeatureColumnNames = Ranked, FeaturesToKeep = 3, SampleFraction = 0.5, Seed = seed });
            OutRankReport half = Analyze(3);
            // Binomial(20000, 0.5): standard deviation about 71 rows.
            Assert.AreEqual(10000, half.RowCount, 300);
            Assert.AreEqual(half.RowCount, Analyze(3).RowCount, "the same seed picks the same rows");
            Assert.AreNotEqual(half.RowCount, Analyze(4).RowCount, "another seed picks other rows");
            double worstInformative = half.Ranking.Where(s => Informative.Contains(s.Name)).Min(s => s.Score);
            Assert.IsTrue(half.Ranking.Where(s => Noise.Contains(s.Name)).All(s => s.Score < worstInformative));
            ConformanceKit.AssertThrowsMentioning(() => OutRank.Analyze(mlContext, data,
                new OutRankOptions { FeatureColumnNames = Ranked, FeaturesToKeep = 3, SampleFraction = 0 }), "SampleFraction");
        }
    }
}
