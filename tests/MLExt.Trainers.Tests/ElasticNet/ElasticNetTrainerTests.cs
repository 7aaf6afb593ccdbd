using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Testing;
using MLExt.Trainers.ElasticNet.Core;

namespace MLExt.Trainers.Tests.ElasticNet
{
    [TestClass]
    public class ElasticNetTrainerTests
    {
        private const int Slots = 10;

        public sealed class Row
        {
            [VectorType(Slots)] public float[] Features { get; set; }
            public bool Label { get; set; }
            public float Value { get; set; }
            public float Weight { get; set; }
        }

        public sealed class ShortRow
        {
            [VectorType(5)] public float[] Features { get; set; }
            public bool Label { get; set; }
            public float Value { get; set; }
        }

        public sealed class FloatLabelRow
        {
            [VectorType(Slots)] public float[] Features { get; set; }
            public float Label { get; set; }
        }

        public sealed class OtherRow
        {
            [VectorType(Slots)] public float[] Other { get; set; }
            public bool Label { get; set; }
            public float Value { get; set; }
        }

        public sealed class Prediction
        {
            public float Score { get; set; }
            public float Probability { get; set; }
            public bool PredictedLabel { get; set; }
        }

        private static List<Row> MakeRows(int count, int seed)
        {
            var binary = new SyntheticGlmData(count, Slots, 4, GlmFamily.Binomial, seed);
            var gaussian = new SyntheticGlmData(count, Slots, 4, GlmFamily.Gaussian, seed);
            return Enumerable.Range(0, count).Select(i => new Row
            {
                Features = Enumerable.Range(0, Slots).Select(j => (float)binary.X[j][i]).ToArray(),
                Label = binary.Labels[i] == 1,
                // The gaussian label uses its own features; regress it on the binary set's features plus a shared signal.
                Value = (float)(gaussian.Labels[i] - gaussian.X[0][i] + binary.X[0][i]),
                Weight = (float)binary.Weights[i],
            }).ToList();
        }

        [TestMethod]
        public void BinaryTrainerPassesTheConformanceKit()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.LoadFromEnumerable(MakeRows(300, 1));
            var trainer = mlContext.BinaryClassification.Trainers.ElasticNet(lambda: 0.01, alpha: 0.7);
            var transformer = ConformanceKit.Check(mlContext, trainer, data,
                invalidInputs: new[]
                {
                    new InvalidInput("no feature column", mlContext.Data.LoadFromEnumerable(new[] { new OtherRow { Other = new float[Slots] } }), "Features"),
                    new InvalidInput("a Single label", mlContext.Data.LoadFromEnumerable(new[] { new FloatLabelRow { Features = new float[Slots] } }), "Label"),
                },
                invalidForTransformer: new[]
                {
                    new InvalidInput("a 5-slot feature vector", mlContext.Data.LoadFromEnumerable(new[] { new ShortRow { Features = new float[5] } }), "Features"),
                });

            var engine = mlContext.Model.CreatePredictionEngine<Row, Prediction>(transformer);
            Row first = MakeRows(1, 1)[0];
            Prediction single = engine.Predict(first);
            double score = transformer.Model.Bias + transformer.Model.Weights.Select((w, j) => (double)w * first.Features[j]).Sum();
            Assert.AreEqual(score, single.Score, 1e-4);
            Assert.AreEqual(1 / (1 + Math.Exp(-score)), single.Probability, 1e-5);
            Assert.AreEqual(score > 0, single.PredictedLabel);
        }

        [TestMethod]
        public void RegressionTrainerPassesTheConformanceKit()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.LoadFromEnumerable(MakeRows(300, 2));
            var trainer = mlContext.Regression.Trainers.ElasticNet(labelColumnName: "Value", lambda: 0.05);
            var transformer = ConformanceKit.Check(mlContext, trainer, data,
                invalidInputs: new[]
                {
                    new InvalidInput("no feature column", mlContext.Data.LoadFromEnumerable(new[] { new OtherRow { Other = new float[Slots] } }), "Features"),
                    new InvalidInput("a Boolean label", mlContext.Data.LoadFromEnumerable(new[] { new ShortRow { Features = new float[5] } }).CopyColumn(mlContext, "Label", "Value"), "Value"),
                });
            RegressionMetrics metrics = mlContext.Regression.Evaluate(transformer.Transform(data), labelColumnName: "Value");
            Assert.IsTrue(metrics.RSquared > 0.3, $"R² {metrics.RSquared}");
        }

        [TestMethod]
        public void CrossValidatedLambdaGivesAGoodSparseModel()
        {
            var mlContext = new MLContext(seed: 3);
            IDataView train = mlContext.Data.LoadFromEnumerable(MakeRows(1500, 4));
            IDataView test = mlContext.Data.LoadFromEnumerable(MakeRows(1000, 5));
            var model = mlContext.BinaryClassification.Trainers.ElasticNet(new ElasticNetTrainer.Options
            {
                ExampleWeightColumnName = "Weight",
                NumberOfFolds = 5,
                LambdaRule = LambdaSelectionRule.OneStandardError,
            }).Fit(train);

            var parameters = model.Model;
            Assert.IsNotNull(parameters.CrossValidation);
            Assert.AreEqual(parameters.CrossValidation.LambdaOneStandardError, parameters.Lambda);
            Assert.IsTrue(parameters.CrossValidation.LambdaOneStandardError >= parameters.CrossValidation.LambdaMinimumError);
            Assert.IsTrue(parameters.LambdaPath.Count > 5 && parameters.LambdaPath.Count <= 100);
            Assert.AreEqual(parameters.LambdaPath.Count, parameters.NonZeroCountPath.Count);
            Assert.AreEqual(0, parameters.NonZeroCountPath[0], "the path starts at lambda max");
            // Informative slots 0..3 are kept.
            for (int j = 0; j < 4; j++)
                Assert.AreNotEqual(0f, parameters.Weights[j], $"slot {j}");
            Assert.AreEqual(parameters.Weights.Count(w => w != 0), parameters.NonZeroCount);

            var metrics = mlContext.BinaryClassification.Evaluate(model.Transform(test));
            Assert.IsTrue(metrics.AreaUnderRocCurve > 0.75, $"AUC {metrics.AreaUnderRocCurve}");
        }

        [TestMethod]
        public void CancelExecutionStopsCrossValidation()
        {
            // AutoML ends a trial past its time budget with MLContext.CancelExecution: canceled once the full path is fitted, no
            // cross-validation fold runs to its end, and the cancellation reaches the caller as itself, not wrapped.
            var mlContext = new MLContext(seed: 3);
            IDataView train = mlContext.Data.LoadFromEnumerable(MakeRows(1500, 7));
            var log = ConformanceKit.CancelAfterLogging(mlContext, "Fitted ", 1);
            Assert.ThrowsExactly<OperationCanceledException>(() =>
                mlContext.BinaryClassification.Trainers.ElasticNet(new ElasticNetTrainer.Options { ExampleWeightColumnName = "Weight", NumberOfFolds = 5 }).Fit(train));
            Assert.IsTrue(log.Any(m => m.StartsWith("Fitted ", StringComparison.Ordinal)));
            Assert.IsFalse(log.Any(m => m.StartsWith("Cross-validation fold", StringComparison.Ordinal)), "a fold ran to its end after the cancellation");
        }

        [TestMethod]
        public void TheSameSeedGivesTheSameModel()
        {
            float[] Train() => new MLContext(seed: 5).BinaryClassification.Trainers.ElasticNet(new ElasticNetTrainer.Options { NumberOfFolds = 4 })
                .Fit(new MLContext(seed: 5).Data.LoadFromEnumerable(MakeRows(400, 6))).Model.Weights.ToArray();
            CollectionAssert.AreEqual(Train(), Train());
        }

        [TestMethod]
        public void CategoricalSlotRangesBecomeGroups()
        {
            var mlContext = new MLContext(seed: 1);
            var random = new Random(4);
            string[] colors = { "red", "green", "blue", "black" };
            string[] sizes = { "s", "m", "l" };
            var rows = Enumerable.Range(0, 600).Select(_ =>
            {
                string color = colors[random.Next(colors.Length)], size = sizes[random.Next(sizes.Length)];
                float x = (float)SyntheticGlmData.Normal(random);
                double eta = (color == "red" ? 1.5 : color == "blue" ? -1 : 0) + 0.8 * x;
                return new CategoricalRow { Color = color, Size = size, X = x, Label = random.NextDouble() < 1 / (1 + Math.Exp(-eta)) };
            }).ToList();
            IDataView data = mlContext.Data.LoadFromEnumerable(rows);
            var pipeline = mlContext.Transforms.Categorical.OneHotEncoding(new[] { new InputOutputColumnPair("Color"), new InputOutputColumnPair("Size") })
                .Append(mlContext.Transforms.Concatenate("Features", "Color", "X", "Size"))
                .Append(mlContext.BinaryClassification.Trainers.ElasticNet(new ElasticNetTrainer.Options { GroupCategoricalSlots = true, Lambda = 0.02 }));
            var model = pipeline.Fit(data).LastTransformer.Model;

            // Color occupies slots 0..3, X slot 4, Size slots 5..7.
            CollectionAssert.AreEqual(new[] { 0, 0, 0, 0, 4, 5, 5, 5 }, model.Groups.ToArray());
            Assert.IsTrue(model.Weights.Take(4).All(w => w != 0), "the informative colour group is in, as a whole");
            Assert.IsTrue(model.Weights.Skip(5).All(w => w == 0), "the pure-noise size group is out, as a whole");
        }

        public sealed class CategoricalRow
        {
            public string Color { get; set; }
            public string Size { get; set; }
            public float X { get; set; }
            public bool Label { get; set; }
        }

        [TestMethod]
        public void BadInputFailsFastWithAClearMessage()
        {
            var mlContext = new MLContext(seed: 1);
            var rows = MakeRows(50, 7);
            var binary = mlContext.BinaryClassification.Trainers;

            ConformanceKit.AssertThrowsMentioning(() => binary.ElasticNet().Fit(mlContext.Data.LoadFromEnumerable(new List<Row>())), "no rows");
            ConformanceKit.AssertThrowsMentioning(() => binary.ElasticNet(lambda: 0.1).Fit(mlContext.Data.LoadFromEnumerable(rows.Select(r => { r.Label = true; return r; }).ToList())), "only one class");
            var withNaN = MakeRows(50, 7);
            withNaN[3].Features[2] = float.NaN;
            ConformanceKit.AssertThrowsMentioning(() => binary.ElasticNet(lambda: 0.1).Fit(mlContext.Data.LoadFromEnumerable(withNaN)), "non-finite value NaN in slot 2 of row 3");
            var withInfinity = MakeRows(50, 7);
            withInfinity[1].Features[0] = float.PositiveInfinity;
            ConformanceKit.AssertThrowsMentioning(() => binary.ElasticNet(lambda: 0.1).Fit(mlContext.Data.LoadFromEnumerable(withInfinity)), "Features");
            ConformanceKit.AssertThrowsMentioning(() => binary.ElasticNet(lambda: -1), "Lambda");
            ConformanceKit.AssertThrowsMentioning(() => binary.ElasticNet(lambda: double.NaN), "Lambda");
            ConformanceKit.AssertThrowsMentioning(() => binary.ElasticNet(alpha: double.NaN), "Alpha");
            ConformanceKit.AssertThrowsMentioning(() => binary.ElasticNet(alpha: 1.5), "Alpha");
            IDataView good = mlContext.Data.LoadFromEnumerable(MakeRows(50, 8));
            ConformanceKit.AssertThrowsMentioning(() => binary.ElasticNet(new ElasticNetTrainer.Options { Lambda = 0.1, Groups = new[] { 0, 0, 1 } }).Fit(good), "Groups has 3 entries");
            ConformanceKit.AssertThrowsMentioning(() => binary.ElasticNet(new ElasticNetTrainer.Options { Lambda = 0.1, PenaltyFactors = new double[4] }).Fit(good), "PenaltyFactors has 4 entries");
            ConformanceKit.AssertThrowsMentioning(() => binary.ElasticNet(new ElasticNetTrainer.Options
            {
                Lambda = 0.1, Groups = new[] { 0, 0, 1, 1, 2, 3, 4, 5, 6, 7 }, PenaltyFactors = new double[] { 1, 1, 1, 2, 1, 1, 1, 1, 1, 1 },
            }).Fit(good), "Slots 2 and 3 are in group 1 but have the penalty factors 1 and 2");
            ConformanceKit.AssertThrowsMentioning(() => binary.ElasticNet(new ElasticNetTrainer.Options { Lambda = 0.1, GroupCategoricalSlots = true }).Fit(good), "categorical slot ranges");
            ConformanceKit.AssertThrowsMentioning(() => binary.ElasticNet(new ElasticNetTrainer.Options { Lambda = 0.1, ExampleWeightColumnName = "Missing" }).Fit(good), "Missing");
        }
    }

    internal static class DataViewTestExtensions
    {
        // Overwrites column "to" with a copy of column "from" (used to give a trainer's label column the wrong type).
        public static IDataView CopyColumn(this IDataView data, MLContext mlContext, string from, string to)
            => mlContext.Transforms.CopyColumns(to, from).Fit(data).Transform(data);
    }
}
