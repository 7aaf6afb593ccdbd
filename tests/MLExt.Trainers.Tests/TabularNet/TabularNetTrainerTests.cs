using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Testing;

namespace MLExt.Trainers.Tests.TabularNet
{
    [TestClass]
    public class TabularNetTrainerTests
    {
        public sealed class HouseRow
        {
            public string Region { get; set; }
            public string Kind { get; set; }
            public float Area { get; set; }
            public float Age { get; set; }
            public float Price { get; set; }
            public string Segment { get; set; }
            public float Band { get; set; }    // the segment as a number: 1 small, 2 medium, 3 large
            public float Truth { get; set; }   // the noise-free price (not a feature)
        }

        // Price in the hundreds of thousands from region, kind, area and age with noise of deviation 10,000; the segment (three
        // classes) follows from region and area.
        private static List<HouseRow> Houses(int count, int seed)
        {
            // The same regions in every sample; the rows differ by seed.
            var regions = new Random(0);
            double[] regionEffect = Enumerable.Range(0, 12).Select(_ => regions.NextDouble() * 100_000).ToArray();
            var random = new Random(seed);
            return Enumerable.Range(0, count).Select(_ =>
            {
                int region = random.Next(12), kind = random.Next(3);
                float area = (float)(40 + random.NextDouble() * 160), age = (float)(random.NextDouble() * 60);
                double truth = 50_000 + regionEffect[region] + kind * 30_000 + 2_000 * area - 1_000 * age + 300 * Math.Max(0, area - 120) * (region % 2);
                double noise = 10_000 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                string segment = area + region * 10 > 160 ? "large" : area > 80 ? "medium" : "small";
                return new HouseRow
                {
                    Region = "r" + region, Kind = "k" + kind, Area = area, Age = age, Price = (float)(truth + noise), Truth = (float)truth, Segment = segment,
                    Band = segment == "small" ? 1 : segment == "medium" ? 2 : 3,
                };
            }).ToList();
        }

        private static TabularNetTrainer.Options Options(string label) => new TabularNetTrainer.Options
        {
            LabelColumnName = label,
            CategoricalColumnNames = new[] { "Region", "Kind" },
            NumericColumnNames = new[] { "Area", "Age" },
            HiddenLayers = new[] { 64, 32 },
            LearningRate = 0.005f,
            Seed = 2,
        };

        [TestMethod]
        public void RegressionLearnsPricesOnTheirOwnScaleAndPassesTheConformanceKit()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView train = mlContext.Data.LoadFromEnumerable(Houses(4000, 1));
            var testRows = Houses(1000, 2);
            IDataView test = mlContext.Data.LoadFromEnumerable(testRows);
            var nanLabel = Houses(50, 3);
            nanLabel[17].Price = float.NaN;
            using TabularNetTransformer model = ConformanceKit.Check(mlContext, mlContext.Regression.Trainers.TabularNet(Options("Price")), train, test);
            var metrics = mlContext.Regression.Evaluate(model.Transform(test), "Price");
            double spread = Math.Sqrt(testRows.Select(r => (double)r.Price).Select(p => (p - testRows.Average(r => r.Price)) * (p - testRows.Average(r => r.Price))).Average());
            // The noise alone has a deviation of 10,000; the prices spread far wider.
            Assert.IsTrue(spread > 50_000, $"label spread {spread:N0}");
            Assert.IsTrue(metrics.RootMeanSquaredError < 15_000, $"RMSE {metrics.RootMeanSquaredError:N0}, label spread {spread:N0}");

            var options = Options("Price");
            ConformanceKit.AssertThrowsMentioning(() => mlContext.Regression.Trainers.TabularNet(options).Fit(mlContext.Data.LoadFromEnumerable(nanLabel)), "row 17");
            options.EarlyLearningRegularization = 1;
            ConformanceKit.AssertThrowsMentioning(() => mlContext.Regression.Trainers.TabularNet(options).Fit(train), "classification task, not regression");
        }

        [TestMethod]
        public void MulticlassPredictsKeysOfTheLabelsClassesAndEvaluates()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView train = mlContext.Data.LoadFromEnumerable(Houses(4000, 1));
            IDataView test = mlContext.Data.LoadFromEnumerable(Houses(1000, 2));
            var toKey = mlContext.Transforms.Conversion.MapValueToKey("Label", "Segment").Fit(train);
            IDataView keyedTrain = toKey.Transform(train), keyedTest = toKey.Transform(test);
            using TabularNetTransformer model = ConformanceKit.Check(mlContext, mlContext.MulticlassClassification.Trainers.TabularNet(Options("Label")), keyedTrain, keyedTest);
            IDataView scored = model.Transform(keyedTest);
            var metrics = mlContext.MulticlassClassification.Evaluate(scored);
            Assert.IsTrue(metrics.MacroAccuracy > 0.9, $"accuracy {metrics.MicroAccuracy:F3}, macro {metrics.MacroAccuracy:F3}");
            // PredictedLabel carries the label's values: mapping it back gives the segment names.
            var names = mlContext.Transforms.Conversion.MapKeyToValue("PredictedSegment", "PredictedLabel").Fit(scored).Transform(scored)
                .GetColumn<string>("PredictedSegment").Distinct().OrderBy(n => n).ToArray();
            CollectionAssert.AreEqual(new[] { "large", "medium", "small" }, names);
            float[] probabilities = scored.GetColumn<float[]>("Score").First();
            Assert.AreEqual(3, probabilities.Length);
            Assert.AreEqual(1, probabilities.Sum(), 1e-5);

            // A label that is not a key: the error says what to do.
            ConformanceKit.AssertThrowsMentioning(() => mlContext.MulticlassClassification.Trainers.TabularNet(Options("Segment")).Fit(train), "MapValueToKey");
        }

        [TestMethod]
        public void AKeyLabelOfNumbersComesBackAsThoseNumbersAfterSavingAndLoading()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView train = mlContext.Data.LoadFromEnumerable(Houses(2000, 1));
            var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label", "Band")
                .Append(mlContext.MulticlassClassification.Trainers.TabularNet(Options("Label")))
                .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedBand", "PredictedLabel"));
            var model = pipeline.Fit(train);
            string path = System.IO.Path.GetTempFileName();
            try
            {
                mlContext.Model.Save(model, train.Schema, path);
                var fresh = new MLContext(seed: 2);
                ITransformer loaded = fresh.Model.Load(path, out _);
                IDataView test = fresh.Data.LoadFromEnumerable(Houses(500, 2));
                float[] predicted = loaded.Transform(test).GetColumn<float>("PredictedBand").ToArray();
                float[] actual = test.GetColumn<float>("Band").ToArray();
                CollectionAssert.IsSubsetOf(predicted.Distinct().ToArray(), new[] { 1f, 2f, 3f });
                Assert.IsTrue(predicted.Zip(actual, (p, a) => p == a).Count(same => same) > 450, "most bands predicted");
                (loaded as IDisposable)?.Dispose();
            }
            finally
            {
                System.IO.File.Delete(path);
            }
        }
    }
}
