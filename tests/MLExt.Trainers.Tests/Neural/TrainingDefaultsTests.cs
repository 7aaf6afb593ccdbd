using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Neural;

namespace MLExt.Trainers.Tests.Neural
{
    [TestClass]
    public class TrainingDefaultsTests
    {
        [TestMethod]
        public void UnsetSizesFollowTheTrainingRowsAndExplicitOnesAreKept()
        {
            var unset = new CtrTrainer.Options();
            // A few thousand business rows: small batches (about 20 steps an epoch), more epochs, a patient stop.
            Assert.AreEqual(new TrainingDefaults(256, 30, 3), TrainingDefaults.For(5_220, unset));
            // Every batch size keeps at least 100 steps an epoch, up to 4,096.
            Assert.AreEqual(1024, TrainingDefaults.For(180_000, unset).BatchSize);
            Assert.AreEqual(new TrainingDefaults(4096, 10, 2), TrainingDefaults.For(900_000, unset));
            Assert.AreEqual(new TrainingDefaults(4096, 10, 2), TrainingDefaults.For(40_000_000, unset));
            var set = new CtrTrainer.Options { BatchSize = 64, NumberOfEpochs = 7, EarlyStoppingPatience = 1 };
            Assert.AreEqual(new TrainingDefaults(64, 7, 1), TrainingDefaults.For(900_000, set));
        }

        [TestMethod]
        public void TheChosenSizesAreLogged()
        {
            var mlContext = new MLContext(seed: 1);
            var messages = new List<string>();
            mlContext.Log += (_, e) => messages.Add(e.Message);
            var rows = Enumerable.Range(0, 1000).Select(i => new Row { Label = i % 3 == 0, Site = "s" + (i % 7) });
            var options = new CtrTrainer.Options { CategoricalColumnNames = new[] { "Site" }, Model = CtrModel.LogisticRegression, NumberOfEpochs = 2, Seed = 1 };
            mlContext.BinaryClassification.Trainers.Ctr(options).Fit(mlContext.Data.LoadFromEnumerable(rows)).Dispose();
            Assert.IsTrue(messages.Any(m => m.Contains("batch 256, up to 2 epochs, patience 3 (unset ones chosen from the training rows)")), string.Join("\n", messages));
        }

        [TestMethod]
        public void EmbeddingBytesCountEveryIdsRowAndFirstOrderWeight()
        {
            var mlContext = new MLContext(seed: 1);
            var rows = Enumerable.Range(0, 1000).Select(i => new Row { Label = i % 3 == 0, Site = "s" + (i % 7) });
            var options = new CtrTrainer.Options { CategoricalColumnNames = new[] { "Site" }, Model = CtrModel.DeepFM, HiddenLayers = new[] { 8 }, NumberOfEpochs = 1, Seed = 1 };
            using CtrTransformer model = mlContext.BinaryClassification.Trainers.Ctr(options).Fit(mlContext.Data.LoadFromEnumerable(rows));
            // 7 sites and the out-of-vocabulary id, plus the pad row: 9 rows of 16 embedding floats and 1 first-order weight, 4 bytes each.
            Assert.AreEqual(9 * 17 * 4, model.EmbeddingBytes);
            Assert.IsTrue(model.ParameterBytes > model.EmbeddingBytes, "the MLP has parameters of its own");
        }

        public sealed class Row
        {
            public bool Label { get; set; }
            public string Site { get; set; }
        }
    }
}
