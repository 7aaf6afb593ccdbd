using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Testing;

namespace MLExt.Trainers.Tests.Ctr
{
    [TestClass]
    public class CtrOnnxExportTests
    {
        // Parity the issue asks of CTR networks between ML.NET and ONNX Runtime.
        private const double NetworkTolerance = 1e-4;

        public sealed class ServingRow
        {
            public bool Label { get; set; }
            public string Site { get; set; }
            public uint Device { get; set; }
            public bool Mobile { get; set; }
            [VectorType(3)] public string[] Tags { get; set; }
            public float Price { get; set; }
            public double Age { get; set; }
            [VectorType(2)] public float[] Counts { get; set; }
        }

        // Every kind of field a CTR model reads: text, whole numbers, Booleans, a multi-valued text field with missing places,
        // numbers with missing values, a Double column and a numeric vector. Later seeds hold values training never saw.
        private static List<ServingRow> Rows(int count, int seed, int sites = 40)
        {
            var random = new Random(seed);
            return Enumerable.Range(0, count).Select(_ =>
            {
                int site = random.Next(sites);
                float price = random.Next(8) == 0 ? float.NaN : (float)(random.NextDouble() * 100);
                string[] tags = Enumerable.Range(0, 3).Select(_ => random.Next(4) == 0 ? "" : "t" + random.Next(12)).ToArray();
                double logit = (site % 3 - 1) * 1.2 + (float.IsNaN(price) ? 0 : (price - 50) / 40) + (tags.Contains("t3") ? 0.8 : 0);
                return new ServingRow
                {
                    Site = "s" + site, Device = (uint)random.Next(5), Mobile = random.Next(2) == 0, Tags = tags, Price = price,
                    Age = random.NextDouble() * 80, Counts = new[] { (float)random.Next(50), (float)(random.NextDouble() * 3) },
                    Label = random.NextDouble() < 1 / (1 + Math.Exp(-logit)),
                };
            }).ToList();
        }

        private static CtrTrainer.Options Options(CtrModel model) => new CtrTrainer.Options
        {
            CategoricalColumnNames = new[] { "Site", "Device", "Mobile", "Tags" },
            NumericColumnNames = new[] { "Price", "Age", "Counts" },
            Model = model,
            EmbeddingDimension = 4,
            HiddenLayers = new[] { 16, 8 },
            BatchNorm = model == CtrModel.DCNv2,
            Dropout = 0.1f,
            CrossLayers = 2,
            AttentionLayers = 2,
            BatchSize = 128,
            NumberOfEpochs = 2,
            LearningRate = 0.01f,
            Seed = 3,
        };

        private static void AssertSameScores(MLContext mlContext, ITransformer model, IDataView scoringRows)
        {
            byte[] onnx = OnnxScoring.Export(mlContext, model, scoringRows);
            var exported = OnnxScoring.Score(onnx, scoringRows, "Score", "Probability", "PredictedLabel");
            IDataView scored = model.Transform(scoringRows);
            float[][] scores = OnnxScoring.Column(scored, "Score");
            Assert.IsTrue(OnnxScoring.MaxAbsoluteDifference(scores, exported["Score"]) <= NetworkTolerance,
                $"Score differs by {OnnxScoring.MaxAbsoluteDifference(scores, exported["Score"]):G3}");
            Assert.IsTrue(OnnxScoring.MaxAbsoluteDifference(OnnxScoring.Column(scored, "Probability"), exported["Probability"]) <= NetworkTolerance);
            // The label is the score's sign: compare it where rounding cannot flip it.
            float[][] labels = OnnxScoring.Column(scored, "PredictedLabel");
            for (int i = 0; i < scores.Length; i++)
            {
                if (Math.Abs(scores[i][0]) > NetworkTolerance)
                    Assert.AreEqual(labels[i][0], exported["PredictedLabel"][i][0], $"row {i}");
            }
        }

        [TestMethod]
        [DataRow(CtrModel.LogisticRegression)]
        [DataRow(CtrModel.FM)]
        [DataRow(CtrModel.FwFM)]
        [DataRow(CtrModel.DeepFM)]
        [DataRow(CtrModel.DCNv2)]
        [DataRow(CtrModel.AutoIntPlus)]
        [DataRow(CtrModel.FinalMLP)]
        [DataRow(CtrModel.WideAndDeep)]
        public void EveryModelKindScoresTheSameInOnnxRuntime(CtrModel kind)
        {
            var mlContext = new MLContext(seed: 1);
            IDataView train = mlContext.Data.LoadFromEnumerable(Rows(2000, 1));
            using CtrTransformer model = mlContext.BinaryClassification.Trainers.Ctr(Options(kind)).Fit(train);

            // Scoring rows with sites training never saw (s40 to s59) and missing prices and tags.
            AssertSameScores(mlContext, model, mlContext.Data.LoadFromEnumerable(Rows(500, 2, sites: 60)));
        }

        [TestMethod]
        public void ValuesFirstSeenAfterManyRowsAreNamedInTheVocabulary()
        {
            // Training reads rows in chunks of thousands and hands each value to the thread that numbers the keys; with 6,000 sites
            // over 12,000 rows, sites are first seen in every chunk, and a value handed to the wrong key would map wrongly in ONNX.
            var mlContext = new MLContext(seed: 1);
            IDataView train = mlContext.Data.LoadFromEnumerable(Rows(12_000, 1, sites: 6000));
            var options = Options(CtrModel.DeepFM);
            options.NumberOfEpochs = 1;
            using CtrTransformer model = mlContext.BinaryClassification.Trainers.Ctr(options).Fit(train);

            AssertSameScores(mlContext, model, mlContext.Data.LoadFromEnumerable(Rows(500, 2, sites: 6000)));
        }

        [TestMethod]
        [DataRow(CtrNumericHandling.LogBucket)]
        [DataRow(CtrNumericHandling.QuantileBins)]
        public void BucketedNumbersScoreTheSameInOnnxRuntime(CtrNumericHandling handling)
        {
            var mlContext = new MLContext(seed: 1);
            IDataView train = mlContext.Data.LoadFromEnumerable(Rows(2000, 1));
            var options = Options(CtrModel.DeepFM);
            options.NumericHandling = handling;
            using CtrTransformer model = mlContext.BinaryClassification.Trainers.Ctr(options).Fit(train);

            AssertSameScores(mlContext, model, mlContext.Data.LoadFromEnumerable(Rows(500, 2, sites: 60)));
        }

        [TestMethod]
        public void AModelReloadedFromItsZipExportsWithTheStepsBeforeIt()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView train = mlContext.Data.LoadFromEnumerable(Rows(2000, 1));
            var options = Options(CtrModel.DeepFM);
            options.CategoricalColumnNames = new[] { "SiteKey", "Device", "Mobile", "Tags" };
            var pipeline = mlContext.Transforms.Conversion.MapValueToKey("SiteKey", "Site")
                .Append(mlContext.BinaryClassification.Trainers.Ctr(options));
            var fitted = pipeline.Fit(train);
            using var stream = new MemoryStream();
            mlContext.Model.Save(fitted, train.Schema, stream);
            fitted.LastTransformer.Dispose();
            stream.Position = 0;
            ITransformer reloaded = mlContext.Model.Load(stream, out _);

            AssertSameScores(mlContext, reloaded, mlContext.Data.LoadFromEnumerable(Rows(500, 2, sites: 60)));
            (reloaded as IDisposable)?.Dispose();
        }

        [TestMethod]
        public void WhatCannotBeExpressedIsRefusedNamingTheFieldAndTheReason()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView train = mlContext.Data.LoadFromEnumerable(Rows(1500, 1));

            var hashed = Options(CtrModel.FM);
            hashed.HashBuckets = 8;
            using (CtrTransformer model = mlContext.BinaryClassification.Trainers.Ctr(hashed).Fit(train))
                ConformanceKit.AssertThrowsMentioning(() => OnnxScoring.Export(mlContext, model, train), "'Site'", "HashBuckets");

            var compressed = Options(CtrModel.FM);
            compressed.EmbeddingCompression = CtrEmbeddingCompression.QuotientRemainder;
            compressed.EmbeddingMemoryRatio = 0.5;
            using (CtrTransformer model = mlContext.BinaryClassification.Trainers.Ctr(compressed).Fit(train))
                ConformanceKit.AssertThrowsMentioning(() => OnnxScoring.Export(mlContext, model, train), "'Site'", "QuotientRemainder");

            var doubleField = Options(CtrModel.FM);
            doubleField.CategoricalColumnNames = new[] { "Site", "Age" };
            doubleField.NumericColumnNames = new[] { "Price" };
            using (CtrTransformer model = mlContext.BinaryClassification.Trainers.Ctr(doubleField).Fit(train))
                ConformanceKit.AssertThrowsMentioning(() => OnnxScoring.Export(mlContext, model, train), "'Age'", "Double");
        }
    }
}
