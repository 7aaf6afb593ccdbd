using System;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Testing;

namespace MLExt.Trainers.Tests.Ctr
{
    [TestClass]
    public class CtrFeatureGatesTests
    {
        private static CtrTrainer.Options Options(CtrFeatureGates gates) => new CtrTrainer.Options
        {
            CategoricalColumnNames = new[] { "Signal", "Noise" },
            NumericColumnNames = new[] { "Amount", "Junk" },
            Model = CtrModel.DeepFM,
            EmbeddingDimension = 8,
            HiddenLayers = new[] { 16 },
            BatchSize = 256,
            NumberOfEpochs = 6,
            LearningRate = 0.01f,
            FeatureGates = gates,
            SearchEpochs = 8,
            GateStrength = 7,
            Seed = 1,
        };

        public sealed class Prediction
        {
            public float Score { get; set; }
        }

        [TestMethod]
        public void OptFSGatesKeepFewerValuesInASmallerModelThatScoresAsWellAndSurvivesSaveAndLoad()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView train = mlContext.Data.LoadFromEnumerable(PlantedClicks.Rows(8000, 1));
            IDataView test = mlContext.Data.LoadFromEnumerable(PlantedClicks.Rows(4000, 2));
            var ctr = mlContext.BinaryClassification.Trainers;
            using CtrTransformer plain = ctr.Ctr(Options(CtrFeatureGates.None)).Fit(train);
            using CtrTransformer gated = ctr.Ctr(Options(CtrFeatureGates.OptFS)).Fit(train);

            Assert.AreEqual(1, plain.KeptValueFraction);
            Assert.IsTrue(gated.KeptValueFraction < 0.5, $"kept {gated.KeptValueFraction:P0} of the values");
            Assert.IsTrue(gated.EmbeddingBytes < plain.EmbeddingBytes / 2, $"{gated.EmbeddingBytes} embedding bytes against {plain.EmbeddingBytes}");
            Assert.IsTrue(ConformanceKit.SavedBytes(mlContext, gated, train.Schema) < ConformanceKit.SavedBytes(mlContext, plain, train.Schema), "the saved model holds only the kept values");

            double plainAuc = mlContext.BinaryClassification.Evaluate(plain.Transform(test)).AreaUnderRocCurve;
            double gatedAuc = mlContext.BinaryClassification.Evaluate(gated.Transform(test)).AreaUnderRocCurve;
            Assert.IsTrue(gatedAuc >= plainAuc - 0.01, $"gated AUC {gatedAuc:F4} against {plainAuc:F4}");

            // A dropped value joins its field's out-of-vocabulary id: it scores as a value never seen does.
            var engine = mlContext.Model.CreatePredictionEngine<PlantedClicks.Row, Prediction>(gated);
            var row = PlantedClicks.Rows(1, 4)[0];
            float[] noiseScores = Enumerable.Range(0, 40).Select(n => { row.Noise = "n" + n; return engine.Predict(row).Score; }).ToArray();
            row.Noise = "never seen";
            float unseen = engine.Predict(row).Score;
            Assert.IsTrue(noiseScores.Count(score => score == unseen) >= 36, "most noise values are dropped and score as unseen");

            // A fresh context loads the smaller model, its readout and its scores.
            using var stream = new MemoryStream();
            mlContext.Model.Save(gated, train.Schema, stream);
            stream.Position = 0;
            var loaded = (CtrTransformer)new MLContext(seed: 2).Model.Load(stream, out _);
            Assert.AreEqual(gated.KeptValueFraction, loaded.KeptValueFraction);
            ConformanceKit.AssertSameValues(gated.Transform(test), loaded.Transform(test), "the reloaded gated model");
            loaded.Dispose();
        }

        [TestMethod]
        public void RejectsGatesWithoutEmbeddingsOrWithHashedFields()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.LoadFromEnumerable(PlantedClicks.Rows(500, 3));
            CtrTrainer.Options With(Action<CtrTrainer.Options> change)
            {
                CtrTrainer.Options options = Options(CtrFeatureGates.OptFS);
                change(options);
                return options;
            }
            var ctr = mlContext.BinaryClassification.Trainers;
            ConformanceKit.AssertThrowsMentioning(() => ctr.Ctr(With(o => o.Model = CtrModel.LogisticRegression)).Fit(data), "no embeddings");
            ConformanceKit.AssertThrowsMentioning(() => ctr.Ctr(With(o => o.HashBuckets = 16)).Fit(data), "HashBuckets");
            ConformanceKit.AssertThrowsMentioning(() => ctr.Ctr(With(o => o.RewindEpoch = -1)).Fit(data), "RewindEpoch");
            // Without gates the gate settings are not checked.
            using CtrTransformer plain = ctr.Ctr(With(o => { o.FeatureGates = CtrFeatureGates.None; o.RewindEpoch = 99; o.NumberOfEpochs = 1; })).Fit(data);
            Assert.AreEqual(1, plain.KeptValueFraction);
        }
    }
}
