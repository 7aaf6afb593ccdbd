using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Data;
using MLExt.Testing;

namespace MLExt.Trainers.Tests.Ctr
{
    [TestClass]
    public class CtrTrainerTests
    {
        private static readonly CriteoLikeData Clicks = new CriteoLikeData(new CriteoLikeDataOptions
        {
            RowCount = 24_000, NumericFieldCount = 4, CategoricalFieldCount = 8, MaxCardinality = 2000, LabelNoise = 0, Seed = 3,
        });

        private const int TrainRows = 18_000;

        // The first rows train, the rest test; the generator's own probabilities on the test rows give the best AUC any model can reach.
        private static (IDataView Train, IDataView Test) Split(MLContext mlContext)
        {
            IDataView cached = mlContext.Data.Cache(Clicks);
            return (mlContext.Data.TakeRows(cached, TrainRows), mlContext.Data.SkipRows(cached, TrainRows));
        }

        private static readonly double BayesAuc = AreaUnderCurve(
            Enumerable.Range(TrainRows, (int)Clicks.GetRowCount().Value - TrainRows).Select(i => Clicks.ClickProbability(i)).ToArray(),
            new MLContext().Data.CreateEnumerable<LabelRow>(new MLContext().Data.SkipRows(Clicks, TrainRows), false).Select(r => r.Label).ToArray());

        public sealed class LabelRow
        {
            public bool Label { get; set; }
        }

        // Mann-Whitney: the chance that a random click scores above a random non-click (scores here have no ties).
        private static double AreaUnderCurve(double[] scores, bool[] labels)
        {
            int[] order = Enumerable.Range(0, scores.Length).OrderBy(i => scores[i]).ToArray();
            double positives = labels.Count(l => l), rankSum = 0;
            for (int rank = 0; rank < order.Length; rank++)
                if (labels[order[rank]])
                    rankSum += rank + 1;
            return (rankSum - positives * (positives + 1) / 2) / (positives * (labels.Length - positives));
        }

        private static CtrTrainer.Options Small(CtrModel model) => new CtrTrainer.Options
        {
            CategoricalColumnNames = Clicks.CategoricalColumnNames.ToArray(),
            NumericColumnNames = Clicks.NumericColumnNames.ToArray(),
            Model = model,
            EmbeddingDimension = 8,
            HiddenLayers = new[] { 32, 32 },
            BatchSize = 256,
            NumberOfEpochs = 4,
            LearningRate = 0.003f,
            Seed = 7,
        };

        [TestMethod]
        [DataRow(CtrModel.LogisticRegression)]
        [DataRow(CtrModel.FM)]
        [DataRow(CtrModel.FwFM)]
        [DataRow(CtrModel.DeepFM)]
        [DataRow(CtrModel.DCNv2)]
        [DataRow(CtrModel.AutoIntPlus)]
        [DataRow(CtrModel.FinalMLP)]
        [DataRow(CtrModel.WideAndDeep)]
        public void EveryModelLearnsTheHiddenClickModel(CtrModel model)
        {
            var mlContext = new MLContext(seed: 1);
            var (train, test) = Split(mlContext);
            using CtrTransformer fitted = mlContext.BinaryClassification.Trainers.Ctr(Small(model)).Fit(train);
            var metrics = mlContext.BinaryClassification.Evaluate(fitted.Transform(test));
            // 18,000 rows cannot pin down a thousand-value field's effects: within 0.06 of the hidden model is learning it.
            Assert.IsTrue(metrics.AreaUnderRocCurve > BayesAuc - 0.06, $"{model}: test AUC {metrics.AreaUnderRocCurve:F4}, the hidden model's {BayesAuc:F4}");
            Assert.IsTrue(fitted.ParameterCount > 0 && fitted.ParameterBytes == 4 * fitted.ParameterCount);
        }
    
        public sealed class ShopRow
        {
            public bool Label { get; set; }
            public string Site { get; set; }
            public uint Device { get; set; }
            public float Price { get; set; }
            public double Age { get; set; }
        }

        private static List<ShopRow> Shop(int count, int seed)
        {
            var random = new Random(seed);
            return Enumerable.Range(0, count).Select(_ =>
            {
                int site = random.Next(30);
                float price = random.Next(10) == 0 ? float.NaN : (float)(random.NextDouble() * 100);
                double logit = (site % 3 - 1) * 1.2 + (float.IsNaN(price) ? 0 : (price - 50) / 40);
                return new ShopRow
                {
                    Site = "s" + site, Device = (uint)random.Next(4), Price = price, Age = random.NextDouble() * 80,
                    Label = random.NextDouble() < 1 / (1 + Math.Exp(-logit)),
                };
            }).ToList();
        }

        private static CtrTrainer.Options ShopOptions(CtrModel model = CtrModel.DeepFM) => new CtrTrainer.Options
        {
            CategoricalColumnNames = new[] { "Site", "Device" },
            NumericColumnNames = new[] { "Price", "Age" },
            Model = model,
            EmbeddingDimension = 4,
            HiddenLayers = new[] { 16 },
            BatchSize = 128,
            NumberOfEpochs = 3,
            LearningRate = 0.01f,
            Seed = 3,
        };

        [TestMethod]
        public void PassesTheConformanceKitAndScoresUnseenValuesAndMissingNumbers()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.LoadFromEnumerable(Shop(3000, 1));
            var trainer = mlContext.BinaryClassification.Trainers.Ctr(ShopOptions());
            using CtrTransformer model = ConformanceKit.Check(mlContext, trainer, data,
                invalidInputs: new[]
                {
                    new InvalidInput("no Site column", mlContext.Transforms.DropColumns("Site").Fit(data).Transform(data), "Site"),
                    new InvalidInput("no label", mlContext.Transforms.DropColumns("Label").Fit(data).Transform(data), "Label"),
                },
                invalidForTransformer: new[]
                {
                    new InvalidInput("no Price column", mlContext.Transforms.DropColumns("Price").Fit(data).Transform(data), "Price"),
                });
            Assert.AreEqual(CtrModel.DeepFM, model.Model);

            // Values never seen in training take their field's out-of-vocabulary id; NaN prices are missing.
            var engine = mlContext.Model.CreatePredictionEngine<ShopRow, Prediction>(model);
            Prediction unseen = engine.Predict(new ShopRow { Site = "never-seen", Device = 99, Price = float.NaN, Age = 30 });
            Assert.IsTrue(unseen.Probability > 0 && unseen.Probability < 1);
            Assert.AreEqual(unseen.Probability, 1 / (1 + MathF.Exp(-unseen.Score)), 1e-6);
            Assert.AreEqual(unseen.Score > 0, unseen.PredictedLabel);
            var metrics = mlContext.BinaryClassification.Evaluate(model.Transform(mlContext.Data.LoadFromEnumerable(Shop(2000, 2))));
            Assert.IsTrue(metrics.AreaUnderRocCurve > 0.7, $"AUC {metrics.AreaUnderRocCurve}");
        }

        public sealed class Prediction
        {
            public float Score { get; set; }
            public float Probability { get; set; }
            public bool PredictedLabel { get; set; }
        }

        [TestMethod]
        public void TheSameSeedGivesTheSameModel()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.LoadFromEnumerable(Shop(2000, 4));
            IDataView test = mlContext.Data.LoadFromEnumerable(Shop(1000, 5));
            double Auc(int seed)
            {
                var options = ShopOptions(CtrModel.DCNv2);
                options.Seed = seed;
                options.Dropout = 0.1f;
                using CtrTransformer model = mlContext.BinaryClassification.Trainers.Ctr(options).Fit(data);
                return mlContext.BinaryClassification.Evaluate(model.Transform(test)).AreaUnderRocCurve;
            }
            double first = Auc(11);
            Assert.AreEqual(first, Auc(11), 1e-6);
            Assert.AreNotEqual(first, Auc(12));
        }

        [TestMethod]
        public void ACacheSpilledToDiskTrainsTheSameModelAsOneInMemory()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.LoadFromEnumerable(Shop(2000, 12));
            IDataView test = mlContext.Data.LoadFromEnumerable(Shop(500, 13));
            float[] Scores(int budgetMegabytes)
            {
                var options = ShopOptions(CtrModel.WideAndDeep);
                options.CacheMemoryBudgetMegabytes = budgetMegabytes;
                using CtrTransformer model = mlContext.BinaryClassification.Trainers.Ctr(options).Fit(data);
                return model.Transform(test).GetColumn<float>("Score").ToArray();
            }
            var messages = new List<string>();
            mlContext.Log += (_, e) => messages.Add(e.RawMessage);
            float[] onDisk = Scores(0);
            Assert.IsTrue(messages.Any(m => m.Contains("memory-mapped temporary file")), "a budget of 0 sends every row to the file");
            Assert.IsTrue(messages.Any(m => m.StartsWith("Epoch 1/3: ", StringComparison.Ordinal) && m.Contains("batches") && m.Contains("samples/s")
                && m.Contains("validation AUC")), "progress goes through the context's log");
            CollectionAssert.AreEqual(Scores(2048), onDisk);
        }

        [TestMethod]
        public void EmbeddingAndNetworkL2ShrinkTheModel()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.LoadFromEnumerable(Shop(2000, 14));
            IDataView test = mlContext.Data.LoadFromEnumerable(Shop(500, 15));
            double ScoreSpread(float embeddingL2, float networkL2, CtrModel kind)
            {
                var options = ShopOptions(kind);
                options.EmbeddingL2 = embeddingL2;
                options.NetworkL2 = networkL2;
                options.NumberOfEpochs = 5;
                using CtrTransformer model = mlContext.BinaryClassification.Trainers.Ctr(options).Fit(data);
                float[] scores = model.Transform(test).GetColumn<float>("Score").ToArray();
                double mean = scores.Average();
                return Math.Sqrt(scores.Average(x => (x - mean) * (x - mean)));
            }
            // FM's pairwise part lives in the embeddings; Wide & Deep's deep part in the network's matrices.
            double fm = ScoreSpread(0, 0, CtrModel.FM), fmShrunk = ScoreSpread(1, 0, CtrModel.FM);
            Assert.IsTrue(fmShrunk < 0.9 * fm, $"FM score spread {fm:F4}, with embedding L2 {fmShrunk:F4}");
            double deep = ScoreSpread(0, 0, CtrModel.WideAndDeep), deepShrunk = ScoreSpread(0, 1, CtrModel.WideAndDeep);
            Assert.IsTrue(deepShrunk < 0.9 * deep, $"Wide & Deep score spread {deep:F4}, with network L2 {deepShrunk:F4}");
        }

        [TestMethod]
        public void CancelExecutionStopsTrainingAtTheNextBatch()
        {
            // AutoML ends a trial past its time budget with MLContext.CancelExecution: the fit must stop, not run its epochs out.
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.LoadFromEnumerable(Shop(3000, 11));
            var options = ShopOptions();
            options.NumberOfEpochs = 20;
            options.ValidationFraction = 0;
            var log = ConformanceKit.CancelAfterLogging(mlContext, "Epoch ", 2);
            Assert.Throws<OperationCanceledException>(() => mlContext.BinaryClassification.Trainers.Ctr(options).Fit(data));
            Assert.AreEqual(2, log.Count(m => m.StartsWith("Epoch ", StringComparison.Ordinal)), "no epoch ends after the cancellation");
        }

        [TestMethod]
        public void StandardizedNumbersAreClippedAtTenDeviations()
        {
            // One row's price is a million times larger: standardized, about sqrt(3000) = 55 deviations out.
            var mlContext = new MLContext(seed: 1);
            var rows = Shop(3000, 16);
            rows[0].Price = 5e7f;
            IDataView data = mlContext.Data.LoadFromEnumerable(rows);
            var host = ((Microsoft.ML.Runtime.IHostEnvironment)mlContext).Register("test");
            var (featurizer, cached) = MLExt.Neural.Featurization.NeuralFeaturizer.Learn(host, data, ShopOptions(), MLExt.Neural.Tasks.NeuralTask.Binary, seed: 1, memoryBudgetBytes: long.MaxValue);
            cached.Dispose();
            using DataViewRowCursor cursor = data.GetRowCursor(data.Schema);
            var read = featurizer.BindReader(cursor);
            var keys = new ulong[featurizer.IdWidth];
            var ids = new int[featurizer.IdWidth];
            var numeric = new float[featurizer.NumericCount];
            cursor.MoveNext();
            read(keys, numeric, 0);
            featurizer.Encode(keys, ids, numeric);
            Assert.AreEqual(10f, numeric[0], "Price, the first numeric field, is clipped");
            cursor.MoveNext();
            read(keys, numeric, 0);
            featurizer.Encode(keys, ids, numeric);
            Assert.IsTrue(Math.Abs(numeric[0]) < 1, "an ordinary price is near the mean of a column that the outlier dominates");
        }

        [TestMethod]
        public void RowsCachedWhileLearningEqualTheRowsTheLearnedFeaturizerEncodes()
        {
            // Learning caches provisional codes and raw numbers in the same pass, then rewrites them: the cache must hold what the
            // finished featurizer encodes (rare sites out of vocabulary, NaN prices at the mean, hashed ids, padded tag lists),
            // over several chunks of rows encoded on another thread and, in memory, more than one block of the store.
            var mlContext = new MLContext(seed: 1);
            var host = ((Microsoft.ML.Runtime.IHostEnvironment)mlContext).Register("test");
            var shop = ShopOptions();
            shop.MinimumCategoryCount = 667; // about the mean count of a site over 20,000 rows: about half the sites fall out
            var hashed = ShopOptions();
            hashed.HashBuckets = 8;
            hashed.CacheMemoryBudgetMegabytes = 0;
            var tags = new CtrTrainer.Options { CategoricalColumnNames = new[] { "Tags" }, NumericColumnNames = new[] { "Scores" }, MaximumValuesPerField = 4, Seed = 1 };
            var cases = new (IDataView Data, CtrTrainer.Options Options)[]
            {
                (mlContext.Data.LoadFromEnumerable(Shop(20_000, 21)), shop),
                (mlContext.Data.LoadFromEnumerable(Shop(10_000, 22)), hashed),
                (mlContext.Data.LoadFromEnumerable(Baskets(500, 23)), tags),
            };
            foreach (var (data, options) in cases)
            {
                var (featurizer, cached) = MLExt.Neural.Featurization.NeuralFeaturizer.Learn(host, data, options, MLExt.Neural.Tasks.NeuralTask.Binary, seed: 1, memoryBudgetBytes: (long)options.CacheMemoryBudgetMegabytes << 20);
                using (cached)
                {
                    Assert.AreEqual(options.CacheMemoryBudgetMegabytes == 0, cached.OnDisk);
                    using DataViewRowCursor cursor = data.GetRowCursor(data.Schema);
                    var read = featurizer.BindReader(cursor);
                    var keys = new ulong[featurizer.IdWidth];
                    var ids = new int[featurizer.IdWidth];
                    var cachedIds = new long[featurizer.IdWidth];
                    float[] numeric = new float[featurizer.NumericCount], cachedNumeric = new float[featurizer.NumericCount];
                    int row = 0, outOfVocabulary = 0, padded = 0;
                    while (cursor.MoveNext())
                    {
                        read(keys, numeric, 0);
                        featurizer.Encode(keys, ids, numeric);
                        cached.CopyRow(row++, cachedIds, cachedNumeric);
                        CollectionAssert.AreEqual(ids.Select(id => (long)id).ToArray(), cachedIds, $"ids of row {row - 1}");
                        CollectionAssert.AreEqual(numeric, cachedNumeric, $"numbers of row {row - 1}");
                        outOfVocabulary += ids.Count(id => featurizer.Offsets.Contains(id));
                        padded += ids.Count(id => id == featurizer.PadId);
                        Assert.IsTrue(numeric.All(v => !float.IsNaN(v)));
                    }
                    Assert.AreEqual(cached.Rows, row);
                    if (options == shop)
                        Assert.IsTrue(outOfVocabulary > 100, "sites seen fewer than 667 times share the out-of-vocabulary id");
                    if (options == tags)
                        Assert.IsTrue(padded > 100, "rows with fewer than four tags are padded");
                }
            }
        }

        [TestMethod]
        public void NumericColumnsCanBeBucketedAsCategories()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.LoadFromEnumerable(Shop(3000, 6));
            foreach (CtrNumericHandling handling in new[] { CtrNumericHandling.LogBucket, CtrNumericHandling.QuantileBins })
            {
                var options = ShopOptions(CtrModel.FM);
                options.NumericHandling = handling;
                using CtrTransformer model = mlContext.BinaryClassification.Trainers.Ctr(options).Fit(data);
                double auc = mlContext.BinaryClassification.Evaluate(model.Transform(mlContext.Data.LoadFromEnumerable(Shop(2000, 7)))).AreaUnderRocCurve;
                Assert.IsTrue(auc > 0.7, $"{handling}: AUC {auc}");
            }
        }

        [TestMethod]
        public void AFieldWithMoreValuesThanHashBucketsSharesThatManyIds()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.LoadFromEnumerable(Shop(3000, 10));
            long Parameters(int hashBuckets)
            {
                var options = ShopOptions(CtrModel.FM);
                options.HashBuckets = hashBuckets;
                using CtrTransformer model = mlContext.BinaryClassification.Trainers.Ctr(options).Fit(data);
                return model.ParameterCount;
            }
            // Site has 30 values (ids 1..30 and the out-of-vocabulary id); hashed into 8 buckets it has 9 ids. Device's 4 values
            // stay exact. Each id owns an embedding of 4 and a first-order weight.
            Assert.AreEqual((31 - 9) * (4 + 1), Parameters(0) - Parameters(8));
        }

        public sealed class BasketRow
        {
            public bool Label { get; set; }
            [VectorType] public string[] Tags { get; set; }
            [VectorType(3)] public float[] Scores { get; set; }
            public double Truth { get; set; }   // the click probability the row was drawn with (not a feature)
        }

        // A click needs the tag "sale" among up to five tags, and a high second score; the first and third scores are noise.
        private static List<BasketRow> Baskets(int count, int seed)
        {
            var random = new Random(seed);
            string[] tags = Enumerable.Range(0, 20).Select(t => t == 0 ? "sale" : "tag" + t).ToArray();
            return Enumerable.Range(0, count).Select(_ =>
            {
                string[] chosen = Enumerable.Range(0, random.Next(1, 6)).Select(_ => tags[random.Next(tags.Length)]).ToArray();
                float[] scores = { (float)random.NextDouble(), (float)random.NextDouble(), (float)random.NextDouble() };
                double truth = 1 / (1 + Math.Exp(-((chosen.Contains("sale") ? 2 : -1) + 3 * (scores[1] - 0.5))));
                return new BasketRow { Tags = chosen, Scores = scores, Truth = truth, Label = random.NextDouble() < truth };
            }).ToList();
        }

        [TestMethod]
        public void MultiValuedFieldsArePooledAndNumericVectorsGiveAFieldPerSlot()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.LoadFromEnumerable(Baskets(4000, 1));
            var options = new CtrTrainer.Options
            {
                CategoricalColumnNames = new[] { "Tags" },
                NumericColumnNames = new[] { "Scores" },
                Model = CtrModel.FM,
                EmbeddingDimension = 4,
                BatchSize = 128,
                NumberOfEpochs = 8,
                LearningRate = 0.02f,
                MaximumValuesPerField = 5,
                Seed = 5,
            };
            using CtrTransformer model = ConformanceKit.Check(mlContext, mlContext.BinaryClassification.Trainers.Ctr(options), data);
            var test = Baskets(2000, 2);
            double auc = mlContext.BinaryClassification.Evaluate(model.Transform(mlContext.Data.LoadFromEnumerable(test))).AreaUnderRocCurve;
            double best = AreaUnderCurve(test.Select(r => r.Truth).ToArray(), test.Select(r => r.Label).ToArray());
            // Coming near the true probabilities' AUC needs the tag found among the others and the right slot of the scores.
            Assert.IsTrue(auc > best - 0.03, $"AUC {auc}, the true probabilities' {best}");
        }

        public sealed class TextLabelRow
        {
            public string Label { get; set; }
            public string Site { get; set; }
        }

        public sealed class DateRow
        {
            public bool Label { get; set; }
            public DateTime Site { get; set; }
        }

        [TestMethod]
        public void BadInputFailsWithAClearMessage()
        {
            var mlContext = new MLContext(seed: 1);
            var rows = Shop(300, 8);
            IDataView data = mlContext.Data.LoadFromEnumerable(rows);
            var trainers = mlContext.BinaryClassification.Trainers;
            ConformanceKit.AssertThrowsMentioning(() => trainers.Ctr(new CtrTrainer.Options()).Fit(data), "at least one");
            ConformanceKit.AssertThrowsMentioning(() => trainers.Ctr("Label", null).Fit(data), "at least one");
            ConformanceKit.AssertThrowsMentioning(() => trainers.Ctr("Label", new[] { "Nope" }).Fit(data), "Nope");
            ConformanceKit.AssertThrowsMentioning(
                () => trainers.Ctr("Label", new[] { "Site" }).Fit(mlContext.Data.LoadFromEnumerable(new[] { new TextLabelRow { Label = "yes", Site = "a" } })), "Boolean");
            ConformanceKit.AssertThrowsMentioning(
                () => trainers.Ctr(ShopOptions()).Fit(mlContext.Data.LoadFromEnumerable(rows.Select(r => { var c = r; c.Label = true; return c; }).ToList())), "single class");
            ConformanceKit.AssertThrowsMentioning(
                () => trainers.Ctr("Label", new[] { "Site" }).Fit(mlContext.Data.LoadFromEnumerable(new[] { new DateRow { Site = DateTime.Now } })), "Site");
            var withEmptyValidation = ShopOptions();
            withEmptyValidation.ValidationData = mlContext.Data.LoadFromEnumerable(new List<ShopRow>());
            ConformanceKit.AssertThrowsMentioning(() => trainers.Ctr(withEmptyValidation).Fit(mlContext.Data.LoadFromEnumerable(Shop(300, 9))), "validation data is empty");
            var onCuda = ShopOptions();
            onCuda.Device = "cuda:3";
            if (!TorchSharp.torch.cuda.is_available())
                ConformanceKit.AssertThrowsMentioning(() => trainers.Ctr(onCuda).Fit(data), "CUDA");
            // Rows are encoded a chunk of 4,096 at a time on another thread: an infinite number in a later chunk still fails the fit
            // naming its row, and leaves no cache file behind.
            var infinite = Shop(6000, 10);
            infinite[5000].Price = float.PositiveInfinity;
            var spilled = ShopOptions();
            spilled.CacheMemoryBudgetMegabytes = 0;
            string[] CacheFiles() => Directory.GetFiles(Path.GetTempPath(), "mlext-ctr-cache-*");
            string[] before = CacheFiles();
            ConformanceKit.AssertThrowsMentioning(() => trainers.Ctr(spilled).Fit(mlContext.Data.LoadFromEnumerable(infinite)), "infinite value in row 5000");
            CollectionAssert.AreEquivalent(before, CacheFiles(), "the spilled cache file is deleted");
            var badHeads = ShopOptions(CtrModel.AutoIntPlus);
            badHeads.AttentionHeads = 3;
            ConformanceKit.AssertThrowsMentioning(() => trainers.Ctr(badHeads).Fit(data), "AttentionHeads");
        }
    }
}
