using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Testing;

namespace MLExt.Trainers.Tests.Sweeping
{
    /// <summary>Every point of each trainer's declared search space trains on tiny data and scores finite values.</summary>
    [TestClass]
    public class TrainerSearchSpaceTests
    {
        private static IDataView Clicks(MLContext mlContext) => mlContext.Data.LoadFromEnumerable(PlantedClicks.Rows(400, 1));

        private static void AssertFiniteScores(ITransformer model, IDataView data)
            => Assert.IsTrue(model.Transform(data).GetColumn<float>("Score").All(float.IsFinite), "every score is finite");

        [TestMethod]
        public void EveryPointOfTheCtrTrainersSpaceTrains()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = Clicks(mlContext);
            SearchSpaceCheck.AssertEveryPointFits(() => new CtrTrainer.Options
            {
                CategoricalColumnNames = new[] { "Signal", "Noise" },
                NumericColumnNames = new[] { "Amount", "Junk" },
                HiddenLayers = new[] { 8 },
                Seed = 1,
            }, options =>
            {
                using CtrTransformer model = mlContext.BinaryClassification.Trainers.Ctr(options).Fit(data);
                AssertFiniteScores(model, data);
            }, randomPoints: 6);
        }

        [TestMethod]
        public void EveryPointOfTabularNetsSpaceTrainsForEachTask()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = Clicks(mlContext);
            TabularNetTrainer.Options Options(string label) => new TabularNetTrainer.Options
            {
                LabelColumnName = label,
                CategoricalColumnNames = new[] { "Signal", "Noise" },
                NumericColumnNames = new[] { "Junk" },
                HiddenLayers = new[] { 8 },
                Seed = 1,
            };
            SearchSpaceCheck.AssertEveryPointFits(() => Options("Label"), options =>
            {
                using TabularNetTransformer model = mlContext.BinaryClassification.Trainers.TabularNet(options).Fit(data);
                AssertFiniteScores(model, data);
            });
            SearchSpaceCheck.AssertEveryPointFits(() => Options("Amount"), options =>
            {
                using TabularNetTransformer model = mlContext.Regression.Trainers.TabularNet(options).Fit(data);
                AssertFiniteScores(model, data);
            });
        }

        public sealed class LinearRow
        {
            public bool Label { get; set; }

            public float Target { get; set; }

            [VectorType(5)]
            public float[] Features { get; set; }
        }

        [TestMethod]
        public void EveryPointOfTheElasticNetSpaceTrainsForEachTask()
        {
            var mlContext = new MLContext(seed: 1);
            var random = new Random(3);
            IDataView data = mlContext.Data.LoadFromEnumerable(Enumerable.Range(0, 300).Select(_ =>
            {
                float[] x = Enumerable.Range(0, 5).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
                float target = 2 * x[0] - x[1] + (float)(0.3 * (random.NextDouble() - 0.5));
                return new LinearRow { Features = x, Target = target, Label = target + 0.5 * (random.NextDouble() - 0.5) > 0 };
            }).ToList());
            SearchSpaceCheck.AssertEveryPointFits(() => new ElasticNetTrainer.Options { Seed = 1 },
                options => AssertFiniteScores(mlContext.BinaryClassification.Trainers.ElasticNet(options).Fit(data), data));
            SearchSpaceCheck.AssertEveryPointFits(() => new ElasticNetTrainer.Options { LabelColumnName = "Target", Seed = 1 },
                options => AssertFiniteScores(mlContext.Regression.Trainers.ElasticNet(options).Fit(data), data));
        }
    }
}
