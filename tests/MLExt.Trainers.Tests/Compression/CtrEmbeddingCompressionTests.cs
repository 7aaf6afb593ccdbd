using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Data;
using MLExt.Neural;
using MLExt.Testing;

namespace MLExt.Trainers.Tests.Compression
{
    [TestClass]
    public class CtrEmbeddingCompressionTests
    {
        private static readonly CriteoLikeData Clicks = new CriteoLikeData(new CriteoLikeDataOptions
        {
            RowCount = 16_000, NumericFieldCount = 2, CategoricalFieldCount = 6, MaxCardinality = 3000, LabelNoise = 0, Seed = 5,
        });

        private static (IDataView Train, IDataView Test) Split(MLContext mlContext)
        {
            IDataView cached = mlContext.Data.Cache(Clicks);
            return (mlContext.Data.TakeRows(cached, 12_000), mlContext.Data.SkipRows(cached, 12_000));
        }

        private static CtrTrainer.Options Options(CtrEmbeddingCompression method, double ratio) => new CtrTrainer.Options
        {
            CategoricalColumnNames = Clicks.CategoricalColumnNames.ToArray(),
            NumericColumnNames = Clicks.NumericColumnNames.ToArray(),
            Model = CtrModel.DeepFM,
            EmbeddingDimension = 8,
            HiddenLayers = new[] { 32 },
            BatchSize = 256,
            NumberOfEpochs = 4,
            LearningRate = 0.003f,
            EmbeddingCompression = method,
            EmbeddingMemoryRatio = ratio,
            Seed = 1,
        };

        [TestMethod]
        [DataRow(CtrEmbeddingCompression.Hashing, 0.1)]
        [DataRow(CtrEmbeddingCompression.QuotientRemainder, 0.2)]
        [DataRow(CtrEmbeddingCompression.MultiHash, 0.1)]
        [DataRow(CtrEmbeddingCompression.TensorTrain, 0.1)]
        [DataRow(CtrEmbeddingCompression.Robe, 0.1)]
        [DataRow(CtrEmbeddingCompression.Int8, 1.0)]
        [DataRow(CtrEmbeddingCompression.MixedDimension, 0.3)]
        [DataRow(CtrEmbeddingCompression.DeepHashEmbedding, 0.2)]
        [DataRow(CtrEmbeddingCompression.Unified, 0.1)]
        [DataRow(CtrEmbeddingCompression.Pruning, 0.2)]
        [DataRow(CtrEmbeddingCompression.Int4, 1.0)]
        public void EveryMethodMeetsItsBudgetLearnsScoresAlikeAndSurvivesSaveAndLoad(CtrEmbeddingCompression method, double ratio)
        {
            var mlContext = new MLContext(seed: 1);
            var (train, test) = Split(mlContext);
            using CtrTransformer full = mlContext.BinaryClassification.Trainers.Ctr(Options(CtrEmbeddingCompression.None, 1)).Fit(train);
            using CtrTransformer compressed = mlContext.BinaryClassification.Trainers.Ctr(Options(method, ratio)).Fit(train);

            Assert.AreEqual(full.EmbeddingBytes, full.UncompressedEmbeddingBytes, "a full model's embeddings are uncompressed");
            Assert.AreEqual(full.UncompressedEmbeddingBytes, compressed.UncompressedEmbeddingBytes);
            if (method is CtrEmbeddingCompression.Int8 or CtrEmbeddingCompression.Int4)
            {
                // A byte (or half a byte) a value and a float scale per row; the first-order weights stay floats.
                long expected = compressed.EmbeddingTables.Sum(t => t.Rows * ((method == CtrEmbeddingCompression.Int8 ? t.Dimension : (t.Dimension + 1) / 2) + 4 + 4));
                Assert.AreEqual(expected, compressed.EmbeddingTables.Sum(t => t.Bytes));
            }
            else
            {
                // Sized methods keep the ratio of the id fields' tables (the numeric fields' few weights stay full).
                Assert.IsTrue(compressed.EmbeddingBytes <= ratio * 1.05 * compressed.UncompressedEmbeddingBytes,
                    $"{method}: {compressed.EmbeddingBytes} embedding bytes of {compressed.UncompressedEmbeddingBytes}");
            }
            Assert.AreEqual(compressed.EmbeddingBytes, compressed.EmbeddingTables.Sum(t => t.Bytes) + 4L * (8 + 1) * Clicks.NumericColumnNames.Count,
                "the per-field table adds up to the embedding bytes, the numeric fields' weights aside");
            Assert.IsTrue(compressed.EmbeddingTables.Any(t => t.Method == method), "the largest fields are compressed");
            Assert.IsTrue(ConformanceKit.SavedBytes(mlContext, compressed, train.Schema) < ConformanceKit.SavedBytes(mlContext, full, train.Schema), "the saved model shrinks");

            double fullAuc = mlContext.BinaryClassification.Evaluate(full.Transform(test)).AreaUnderRocCurve;
            double auc = mlContext.BinaryClassification.Evaluate(compressed.Transform(test)).AreaUnderRocCurve;
            Assert.IsTrue(auc > 0.6 && auc > fullAuc - 0.08, $"{method}: test AUC {auc:F4}, the full model's {fullAuc:F4}");

            ConformanceKit.AssertRowMapperAgreesWithBatch(compressed, test, compressed.Transform(test));
            ConformanceKit.AssertSaveLoadRoundTrip(mlContext, compressed, train.Schema, test, compressed.Transform(test));
        }

        [TestMethod]
        [DataRow(CtrEmbeddingPrecision.Int8)]
        [DataRow(CtrEmbeddingPrecision.Int4)]
        public void AQuantizedUnifiedTableHoldsMoreRowsInTheSameBudgetAndSurvivesSaveAndLoad(CtrEmbeddingPrecision precision)
        {
            var mlContext = new MLContext(seed: 1);
            var (train, test) = Split(mlContext);
            using CtrTransformer floats = mlContext.BinaryClassification.Trainers.Ctr(Options(CtrEmbeddingCompression.Unified, 0.1)).Fit(train);
            var options = Options(CtrEmbeddingCompression.Unified, 0.1);
            options.EmbeddingPrecision = precision;
            using CtrTransformer quantized = mlContext.BinaryClassification.Trainers.Ctr(options).Fit(train);

            EmbeddingTableInfo shared = quantized.EmbeddingTables.First(t => t.Method == CtrEmbeddingCompression.Unified);
            Assert.AreEqual(precision, shared.Precision);
            long floatRows = floats.EmbeddingTables.First(t => t.Method == CtrEmbeddingCompression.Unified).Rows;
            double more = precision == CtrEmbeddingPrecision.Int8 ? 16 / 4.25 : 16 / 2.25;
            Assert.AreEqual(floatRows * more, shared.Rows, more + 1, "the bytes of a float row hold more quantized rows");
            Assert.IsTrue(quantized.EmbeddingBytes <= 0.1 * 1.05 * quantized.UncompressedEmbeddingBytes,
                $"{quantized.EmbeddingBytes} embedding bytes of {quantized.UncompressedEmbeddingBytes}");
            Assert.AreEqual(quantized.EmbeddingBytes, quantized.EmbeddingTables.Sum(t => t.Bytes) + 4L * (8 + 1) * Clicks.NumericColumnNames.Count,
                "the per-field table adds up to the embedding bytes");

            double floatAuc = mlContext.BinaryClassification.Evaluate(floats.Transform(test)).AreaUnderRocCurve;
            double auc = mlContext.BinaryClassification.Evaluate(quantized.Transform(test)).AreaUnderRocCurve;
            Assert.IsTrue(auc > floatAuc - 0.02, $"{precision}: test AUC {auc:F4}, in floats {floatAuc:F4}");

            ConformanceKit.AssertRowMapperAgreesWithBatch(quantized, test, quantized.Transform(test));
            ConformanceKit.AssertSaveLoadRoundTrip(mlContext, quantized, train.Schema, test, quantized.Transform(test));
        }

        [TestMethod]
        public void PerFieldMethodsOverrideTheDefaultAndSmallFieldsStayFull()
        {
            var mlContext = new MLContext(seed: 1);
            var (train, _) = Split(mlContext);
            var options = Options(CtrEmbeddingCompression.Hashing, 0.2);
            options.EmbeddingCompressionByField = new Dictionary<string, CtrEmbeddingCompression> { ["C6"] = CtrEmbeddingCompression.QuotientRemainder };
            using CtrTransformer model = mlContext.BinaryClassification.Trainers.Ctr(options).Fit(train);
            var tables = model.EmbeddingTables.ToDictionary(t => t.Field);
            Assert.AreEqual(CtrEmbeddingCompression.QuotientRemainder, tables["C6"].Method);
            Assert.AreEqual(CtrEmbeddingCompression.None, tables["C1"].Method, "a two-value field keeps its full table");
            Assert.AreEqual(CtrEmbeddingCompression.Hashing, tables["C5"].Method);
        }

        [TestMethod]
        public void RejectsBadSettingsWithClearMessages()
        {
            var mlContext = new MLContext(seed: 1);
            var (train, _) = Split(mlContext);
            var ctr = mlContext.BinaryClassification.Trainers;
            ConformanceKit.AssertThrowsMentioning(() => ctr.Ctr(Options(CtrEmbeddingCompression.Hashing, 0)).Fit(train), "EmbeddingMemoryRatio");
            ConformanceKit.AssertThrowsMentioning(() => ctr.Ctr(Options(CtrEmbeddingCompression.Hashing, 1.5)).Fit(train), "EmbeddingMemoryRatio");
            ConformanceKit.AssertThrowsMentioning(() => ctr.Ctr(Options(CtrEmbeddingCompression.None, 0.1)).Fit(train), "needs an EmbeddingCompression");
            // Two tables of about √3000 rows each cannot fit in 0.0001 of the field's parameters: the message names the field and why.
            ConformanceKit.AssertThrowsMentioning(() => ctr.Ctr(Options(CtrEmbeddingCompression.QuotientRemainder, 1e-4)).Fit(train), "cannot meet the budget of field");
            var unknown = Options(CtrEmbeddingCompression.Hashing, 0.1);
            unknown.EmbeddingCompressionByField = new Dictionary<string, CtrEmbeddingCompression> { ["Nope"] = CtrEmbeddingCompression.Robe };
            ConformanceKit.AssertThrowsMentioning(() => ctr.Ctr(unknown).Fit(train), "Nope");

            // EmbeddingPrecision stores the Unified fields' shared table: refused without it, with another method, or on a quantized field.
            var noMethod = Options(CtrEmbeddingCompression.None, 1);
            noMethod.EmbeddingPrecision = CtrEmbeddingPrecision.Int8;
            ConformanceKit.AssertThrowsMentioning(() => ctr.Ctr(noMethod).Fit(train), "set EmbeddingCompression to Unified");
            var hashed = Options(CtrEmbeddingCompression.Unified, 0.1);
            hashed.EmbeddingPrecision = CtrEmbeddingPrecision.Int8;
            hashed.EmbeddingCompressionByField = new Dictionary<string, CtrEmbeddingCompression> { ["C5"] = CtrEmbeddingCompression.Hashing };
            ConformanceKit.AssertThrowsMentioning(() => ctr.Ctr(hashed).Fit(train), "field 'C5' uses Hashing");
            var twice = Options(CtrEmbeddingCompression.Int8, 1);
            twice.EmbeddingPrecision = CtrEmbeddingPrecision.Int4;
            ConformanceKit.AssertThrowsMentioning(() => ctr.Ctr(twice).Fit(train), "quantizes it already");
        }

        [TestMethod]
        public void OptFSGatesChooseTheValuesAndCompressionShrinksTheirTables()
        {
            var mlContext = new MLContext(seed: 1);
            var (train, test) = Split(mlContext);
            var options = Options(CtrEmbeddingCompression.Hashing, 0.3);
            options.FeatureGates = CtrFeatureGates.OptFS;
            options.SearchEpochs = 3;
            options.GateStrength = 0.5f;
            using CtrTransformer model = mlContext.BinaryClassification.Trainers.Ctr(options).Fit(train);
            Assert.IsTrue(model.KeptValueFraction < 1, $"the gates dropped values: kept {model.KeptValueFraction:P1}");
            Assert.IsTrue(model.EmbeddingTables.Any(t => t.Method == CtrEmbeddingCompression.Hashing), "the kept values' largest tables are hashed");
            Assert.IsTrue(model.EmbeddingBytes <= 0.3 * 1.05 * model.UncompressedEmbeddingBytes, $"{model.EmbeddingBytes} of {model.UncompressedEmbeddingBytes} bytes");
            double auc = mlContext.BinaryClassification.Evaluate(model.Transform(test)).AreaUnderRocCurve;
            Assert.IsTrue(auc > 0.6, $"test AUC {auc:F4}");
            ConformanceKit.AssertSaveLoadRoundTrip(mlContext, model, train.Schema, test, model.Transform(test));
        }
    }
}
