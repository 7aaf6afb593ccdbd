using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Testing;

namespace MLExt.Trainers.Tests.Ctr.SavedModels
{
    [TestClass]
    public class SavedModelCompatibilityTests
    {
        private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Ctr", "SavedModels", "v1", name);

        // The scores each model gave when it was saved (see README.md beside the fixtures).
        private static float[] SavedScores(CtrModel model)
            => File.ReadLines(Fixture("scores.tsv")).Select(line => line.Split('\t')).Single(parts => parts[0] == model.ToString())
                .Skip(1).Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray();

        [TestMethod]
        [DataRow(CtrModel.LogisticRegression)]
        [DataRow(CtrModel.FM)]
        [DataRow(CtrModel.FwFM)]
        [DataRow(CtrModel.DeepFM)]
        [DataRow(CtrModel.DCNv2)]
        [DataRow(CtrModel.AutoIntPlus)]
        [DataRow(CtrModel.FinalMLP)]
        [DataRow(CtrModel.WideAndDeep)]
        public void AModelSavedByTheFirstFormatLoadsAndScoresTheSame(CtrModel model)
        {
            var mlContext = new MLContext(seed: 1);
            ITransformer loaded = mlContext.Model.Load(Fixture(model + ".zip"), out _);
            try
            {
                IDataView rows = mlContext.Data.LoadFromEnumerable(FixtureRow.Generate(20, 99));
                float[] scores = loaded.Transform(rows).GetColumn<float>("Score").ToArray();
                float[] saved = SavedScores(model);
                Assert.AreEqual(saved.Length, scores.Length);
                for (int i = 0; i < scores.Length; i++)
                    Assert.AreEqual(saved[i], scores[i], 1e-5, $"{model}, row {i}");
                // The row-by-row path (PredictionEngine) reads the same model.
                var engine = mlContext.Model.CreatePredictionEngine<FixtureRow, ScoreRow>(loaded);
                Assert.AreEqual(saved[0], engine.Predict(FixtureRow.Generate(1, 99)[0]).Score, 1e-5);
            }
            finally
            {
                (loaded as IDisposable)?.Dispose();
            }
        }

        [TestMethod]
        public void AModelSavedBeforeTextKeysWereHashedWithXxh3LoadsAndScoresTheSame()
        {
            // An FM on two text fields saved by format 0x00010003, whose text keys are FNV-1a hashes, with the probabilities it gave
            // then (the last row's site never seen).
            var mlContext = new MLContext(seed: 1);
            string folder = Path.Combine(AppContext.BaseDirectory, "Ctr", "SavedModels", "v3");
            string[][] saved = File.ReadLines(Path.Combine(folder, "ctr-fnv-format.tsv")).Skip(1).Select(line => line.Split('\t')).ToArray();
            var rows = saved.Select(parts => new TextClick { Site = parts[0], App = parts[1] }).ToList();
            ITransformer loaded = mlContext.Model.Load(Path.Combine(folder, "ctr-fnv-format.zip"), out _);
            try
            {
                float[] probabilities = loaded.Transform(mlContext.Data.LoadFromEnumerable(rows)).GetColumn<float>("Probability").ToArray();
                for (int i = 0; i < rows.Count; i++)
                    Assert.AreEqual(float.Parse(saved[i][2], CultureInfo.InvariantCulture), probabilities[i], 1e-6, $"row {i}");
                Assert.AreNotEqual(probabilities[0], probabilities[^1], "known values are looked up by their old hashes, not all out of vocabulary");
            }
            finally
            {
                (loaded as IDisposable)?.Dispose();
            }
        }

        [TestMethod]
        public void AModelSavedBeforeVocabularyValuesWereRecordedRefusesOnnxExport()
        {
            // Its vocabularies hold hashes only: the raw values an ONNX LabelEncoder needs are not in the model.
            var mlContext = new MLContext(seed: 1);
            string folder = Path.Combine(AppContext.BaseDirectory, "Ctr", "SavedModels", "v3");
            ITransformer loaded = mlContext.Model.Load(Path.Combine(folder, "ctr-fnv-format.zip"), out _);
            try
            {
                IDataView rows = mlContext.Data.LoadFromEnumerable(new[] { new TextClick { Site = "site5", App = "app1" } });
                ConformanceKit.AssertThrowsMentioning(() => OnnxScoring.Export(mlContext, loaded, rows), "retrain");
            }
            finally
            {
                (loaded as IDisposable)?.Dispose();
            }
        }

        public sealed class TextClick
        {
            public string Site { get; set; }
            public string App { get; set; }
            public bool Label { get; set; }
        }

        public sealed class ScoreRow
        {
            public float Score { get; set; }
        }
    }
}
