using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.SearchSpace;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Testing;
using MLExt.Transforms;

namespace MLExt.Estimators.Tests.VectorCompression
{
    [TestClass]
    public class VectorCompressionEstimatorTests
    {
        private static VectorCompressionOptions Options(VectorCompressionMethod method) => new VectorCompressionOptions
        {
            InputColumnName = "Embedding",
            OutputColumnName = "Compressed",
            Method = method,
            Subspaces = 4,
            Centroids = 32,
            Rank = 3,
            MaxIterations = 10,
            Seed = 1,
        };

        [TestMethod]
        [DataRow(VectorCompressionMethod.ProductQuantization)]
        [DataRow(VectorCompressionMethod.Int8)]
        [DataRow(VectorCompressionMethod.LowRank)]
        public void PassesTheConformanceKit(VectorCompressionMethod method)
        {
            var mlContext = new MLContext(seed: 1);
            IDataView train = VectorData.View(mlContext, VectorData.Clustered(600, 16, 10, 0.3, seed: 1));
            IDataView test = VectorData.View(mlContext, VectorData.Clustered(200, 16, 10, 0.3, seed: 2));
            var estimator = mlContext.Transforms.CompressVectors(Options(method));
            VectorCompressionTransformer compressor = ConformanceKit.Check(mlContext, estimator, train, test,
                invalidInputs: new[]
                {
                    new InvalidInput("no Embedding column", mlContext.Transforms.CopyColumns("Other", "Embedding").Append(mlContext.Transforms.DropColumns("Embedding")).Fit(train).Transform(train), "Embedding"),
                    new InvalidInput("a Double vector", mlContext.Transforms.Conversion.ConvertType("Embedding", outputKind: DataKind.Double).Fit(train).Transform(train), "Embedding"),
                    new InvalidInput("a vector of unknown size", VectorData.View(mlContext, VectorData.Clustered(50, 16, 3, 0.3, seed: 3), knownSize: false), "Embedding"),
                },
                invalidForTransformer: new[]
                {
                    new InvalidInput("a vector of 8 values", VectorData.View(mlContext, VectorData.Clustered(50, 8, 3, 0.3, seed: 3)), "Embedding"),
                });
            Assert.AreEqual(method, compressor.Method);
            Assert.AreEqual(600, compressor.TrainingRows);
            Assert.IsTrue(compressor.ReconstructionError > 0 && compressor.ReconstructionError < 0.5, $"{method}: {compressor.ReconstructionError}");
        }

        [TestMethod]
        public void ReadoutsFollowTheirFormulasAndEncodeMatchesTheTransform()
        {
            var mlContext = new MLContext(seed: 1);
            float[][] rows = VectorData.Clustered(500, 16, 10, 0.3, seed: 4);
            IDataView data = VectorData.View(mlContext, rows);
            var expected = new Dictionary<VectorCompressionMethod, (int Bytes, long Codebook, int Subspaces, int Centroids, int Rank)>
            {
                // 4 one-byte parts; 32 centroids x 16 floats in all.
                [VectorCompressionMethod.ProductQuantization] = (4, 32 * 16 * 4, 4, 32, 0),
                // A byte per value; an offset and a scale per slot.
                [VectorCompressionMethod.Int8] = (16, 2 * 16 * 4, 0, 0, 0),
                // 3 Single coordinates; the mean and 3 directions.
                [VectorCompressionMethod.LowRank] = (3 * 4, (1 + 3) * 16 * 4, 0, 0, 3),
            };
            foreach (var (method, want) in expected)
            {
                VectorCompressionTransformer compressor = mlContext.Transforms.CompressVectors(Options(method)).Fit(data);
                Assert.AreEqual(want.Bytes, compressor.BytesPerRow, $"{method} BytesPerRow");
                Assert.AreEqual(64, compressor.UncompressedBytesPerRow, $"{method} UncompressedBytesPerRow");
                Assert.AreEqual(want.Codebook, compressor.CodebookBytes, $"{method} CodebookBytes");
                Assert.AreEqual(16, compressor.Dimension);
                Assert.AreEqual((want.Subspaces, want.Centroids, want.Rank), (compressor.Subspaces, compressor.Centroids, compressor.Rank), method.ToString());

                float[][] output = VectorData.Column(compressor.Transform(data), "Compressed");
                double squared = 0;
                for (int r = 0; r < rows.Length; r++)
                {
                    byte[] code = compressor.Encode(rows[r]);
                    Assert.AreEqual(compressor.BytesPerRow, code.Length);
                    CollectionAssert.AreEqual(output[r], compressor.Decode(code), $"{method}, row {r}: Decode(Encode(x)) is the transform's output");
                    squared += rows[r].Zip(output[r], (x, y) => (double)(x - y) * (x - y)).Sum();
                }
                // The error readouts, from their definitions.
                double[] mean = Enumerable.Range(0, 16).Select(j => rows.Average(r => (double)r[j])).ToArray();
                double variance = rows.Sum(r => r.Select((x, j) => (x - mean[j]) * (x - mean[j])).Sum());
                Assert.AreEqual(squared / variance, compressor.ReconstructionError, 1e-9 + 1e-6 * compressor.ReconstructionError, $"{method} ReconstructionError");
                Assert.AreEqual(squared / (rows.Length * 16.0), compressor.MeanSquaredError, 1e-6 * compressor.MeanSquaredError + 1e-12, $"{method} MeanSquaredError");
            }
        }

        [TestMethod]
        public void RejectsBadInputWithMessagesNamingTheColumnAndRow()
        {
            var mlContext = new MLContext(seed: 1);
            float[][] rows = VectorData.Clustered(40, 16, 3, 0.3, seed: 5);
            var compress = mlContext.Transforms.CompressVectors(Options(VectorCompressionMethod.ProductQuantization));

            float[][] withNaN = rows.Select(r => r.ToArray()).ToArray();
            withNaN[5][2] = float.NaN;
            ConformanceKit.AssertThrowsMentioning(() => compress.Fit(VectorData.View(mlContext, withNaN)), "row 5");
            ConformanceKit.AssertThrowsMentioning(() => compress.Fit(VectorData.View(mlContext, withNaN)), "'Embedding'");
            float[][] withInfinity = rows.Select(r => r.ToArray()).ToArray();
            withInfinity[17][0] = float.PositiveInfinity;
            ConformanceKit.AssertThrowsMentioning(() => compress.Fit(VectorData.View(mlContext, withInfinity)), "+Infinity in slot 0 of row 17");

            IDataView empty = VectorData.View(mlContext, Array.Empty<float[]>(), size: 16);
            ConformanceKit.AssertThrowsMentioning(() => compress.Fit(empty), "no rows");
            ConformanceKit.AssertThrowsMentioning(() => compress.Fit(empty), "'Embedding'");

            IDataView data = VectorData.View(mlContext, rows);
            IDataView doubles = mlContext.Transforms.Conversion.ConvertType("Embedding", outputKind: DataKind.Double).Fit(data).Transform(data);
            ConformanceKit.AssertThrowsMentioning(() => compress.Fit(doubles), "Double");

            VectorCompressionOptions With(Action<VectorCompressionOptions> change)
            {
                VectorCompressionOptions options = Options(VectorCompressionMethod.ProductQuantization);
                change(options);
                return options;
            }
            ConformanceKit.AssertThrowsMentioning(() => mlContext.Transforms.CompressVectors(With(o => o.Subspaces = 5)).Fit(data), "Subspaces is 5");
            ConformanceKit.AssertThrowsMentioning(() => mlContext.Transforms.CompressVectors(With(o => o.Subspaces = 5)).Fit(data), "'Embedding'");
            ConformanceKit.AssertThrowsMentioning(() => mlContext.Transforms.CompressVectors(With(o => o.Centroids = 300)).Fit(data), "Centroids");
            ConformanceKit.AssertThrowsMentioning(() => mlContext.Transforms.CompressVectors(With(o => { o.Method = VectorCompressionMethod.LowRank; o.Rank = 17; })).Fit(data), "Rank is 17");
            ConformanceKit.AssertThrowsMentioning(() => mlContext.Transforms.CompressVectors(With(o => o.MaxIterations = 0)).Fit(data), "MaxIterations");
            ConformanceKit.AssertThrowsMentioning(() => mlContext.Transforms.CompressVectors(With(o => o.OutputColumnName = "")).Fit(data), "OutputColumnName");

            VectorCompressionTransformer compressor = compress.Fit(data);
            ConformanceKit.AssertThrowsMentioning(() => compressor.Encode(new float[15]), "15 values");
            ConformanceKit.AssertThrowsMentioning(() => compressor.Encode(Enumerable.Repeat(float.NaN, 16).ToArray()), "Slot 0");
            ConformanceKit.AssertThrowsMentioning(() => compressor.Decode(new byte[3]), "3 bytes");
            ConformanceKit.AssertThrowsMentioning(() => compressor.Decode(new byte[] { 0, 1, 2, 200 }), "32 centroids");

            // Transforming a row that cannot be encoded gives NaN, not an exception mid-pipeline.
            float[][] output = VectorData.Column(compressor.Transform(VectorData.View(mlContext, withNaN)), "Compressed");
            Assert.IsTrue(output[5].All(float.IsNaN));
            Assert.IsTrue(output[4].All(float.IsFinite));
        }

        [TestMethod]
        public void TheSameSeedGivesTheSameModel()
        {
            IDataView Data(MLContext c) => VectorData.View(c, VectorData.Clustered(3000, 16, 20, 0.3, seed: 6));
            float[][] Fit(MLContext c, VectorCompressionOptions options)
            {
                IDataView data = Data(c);
                return VectorData.Column(c.Transforms.CompressVectors(options).Fit(data).Transform(data), "Compressed");
            }
            VectorCompressionOptions FromContext()
            {
                var options = Options(VectorCompressionMethod.ProductQuantization);
                options.Seed = null;
                options.MaximumTrainingRows = 1000;
                return options;
            }
            float[][] a = Fit(new MLContext(seed: 3), FromContext()), b = Fit(new MLContext(seed: 3), FromContext());
            for (int r = 0; r < a.Length; r++)
                CollectionAssert.AreEqual(a[r], b[r], $"row {r}");
            // An explicit seed wins over the context's.
            var seeded = Options(VectorCompressionMethod.ProductQuantization);
            float[][] c = Fit(new MLContext(seed: 1), seeded), d = Fit(new MLContext(seed: 2), seeded);
            for (int r = 0; r < c.Length; r++)
                CollectionAssert.AreEqual(c[r], d[r], $"row {r}");
        }

        [TestMethod]
        public void AnAutomaticRankKeeps95PercentOfTheVarianceWithTheFewestDirections()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = VectorData.View(mlContext, VectorData.LowRank(2000, 24, 8, noise: 0.2, seed: 7));
            VectorCompressionTransformer Fit(int rank)
            {
                var options = Options(VectorCompressionMethod.LowRank);
                options.Rank = rank;
                return mlContext.Transforms.CompressVectors(options).Fit(data);
            }
            VectorCompressionTransformer chosen = Fit(0);
            Assert.IsTrue(chosen.Rank >= 1 && chosen.Rank <= 8, $"rank {chosen.Rank}");
            Assert.IsTrue(chosen.ReconstructionError <= 0.05, $"{chosen.ReconstructionError}");
            // The fewest: one direction less would lose more than 5%.
            if (chosen.Rank > 1)
                Assert.IsTrue(Fit(chosen.Rank - 1).ReconstructionError > 0.05, $"rank {chosen.Rank - 1} would do");
            Assert.AreEqual(4 * chosen.Rank, chosen.BytesPerRow);

            double previous = 1;
            foreach (int rank in new[] { 1, 2, 4, 8, 16, 24 })
            {
                double error = Fit(rank).ReconstructionError;
                Assert.IsTrue(error <= previous, $"rank {rank}: {error} after {previous}");
                previous = error;
            }
            Assert.IsTrue(previous < 1e-6);
        }

        [TestMethod]
        public void PredictionEngineOnTheReloadedModelGivesTheBatchOutput()
        {
            var mlContext = new MLContext(seed: 1);
            float[][] rows = VectorData.Clustered(400, 16, 8, 0.3, seed: 8);
            IDataView data = VectorData.View(mlContext, rows);
            var pipeline = mlContext.Transforms.CompressVectors(new VectorCompressionOptions { InputColumnName = "Embedding", OutputColumnName = "Compressed", Subspaces = 8, Centroids = 16, Seed = 2 });
            ITransformer model = pipeline.Fit(data);
            float[][] batch = VectorData.Column(model.Transform(data), "Compressed");

            using var stream = new MemoryStream();
            mlContext.Model.Save(model, data.Schema, stream);
            stream.Position = 0;
            var fresh = new MLContext(seed: 9);
            ITransformer loaded = fresh.Model.Load(stream, out _);
            Assert.IsInstanceOfType(loaded, typeof(VectorCompressionTransformer));
            Assert.AreEqual(((VectorCompressionTransformer)model).ReconstructionError, ((VectorCompressionTransformer)loaded).ReconstructionError);
            Assert.AreEqual(((VectorCompressionTransformer)model).CodebookBytes, ((VectorCompressionTransformer)loaded).CodebookBytes);

            var definition = SchemaDefinition.Create(typeof(VectorData.Row));
            definition[nameof(VectorData.Row.Embedding)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 16);
            var outputDefinition = SchemaDefinition.Create(typeof(CompressedRow));
            outputDefinition[nameof(CompressedRow.Compressed)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 16);
            var engine = fresh.Model.CreatePredictionEngine<VectorData.Row, CompressedRow>(loaded, inputSchemaDefinition: definition, outputSchemaDefinition: outputDefinition);
            for (int r = 0; r < rows.Length; r += 37)
                CollectionAssert.AreEqual(batch[r], engine.Predict(new VectorData.Row { Embedding = rows[r] }).Compressed, $"row {r}");
        }

        [TestMethod]
        public void SlotNamesPassThrough()
        {
            var mlContext = new MLContext(seed: 1);
            var random = new Random(4);
            var rows = Enumerable.Range(0, 200).Select(_ => new NamedRow { A = (float)random.NextDouble(), B = (float)random.NextDouble(), C = random.Next(3) }).ToArray();
            IDataView data = mlContext.Transforms.Concatenate("Embedding", "A", "B", "C").Fit(mlContext.Data.LoadFromEnumerable(rows)).Transform(mlContext.Data.LoadFromEnumerable(rows));
            var compress = mlContext.Transforms.CompressVectors("Embedding", method: VectorCompressionMethod.Int8);
            SchemaShape promised = compress.GetOutputSchema(ConformanceKit.ShapeOf(data.Schema));
            Assert.IsTrue(promised.Single(c => c.Name == "Embedding").Annotations.Any(a => a.Name == "SlotNames"));
            IDataView output = compress.Fit(data).Transform(data);
            VBuffer<ReadOnlyMemory<char>> names = default;
            output.Schema["Embedding"].GetSlotNames(ref names);
            CollectionAssert.AreEqual(new[] { "A", "B", "C" }, names.DenseValues().Select(n => n.ToString()).ToArray());
        }

        [TestMethod]
        public void TheSampleCapsTrainingRowsButEveryRowIsChecked()
        {
            var mlContext = new MLContext(seed: 1);
            float[][] rows = VectorData.Clustered(1000, 8, 5, 0.3, seed: 9);
            var options = new VectorCompressionOptions { InputColumnName = "Embedding", Method = VectorCompressionMethod.Int8, MaximumTrainingRows = 100, Seed = 1 };
            Assert.AreEqual(100, mlContext.Transforms.CompressVectors(options).Fit(VectorData.View(mlContext, rows)).TrainingRows);
            rows[900][3] = float.NaN;
            ConformanceKit.AssertThrowsMentioning(() => mlContext.Transforms.CompressVectors(options).Fit(VectorData.View(mlContext, rows)), "row 900");
        }

        [TestMethod]
        public void FewerRowsThanCentroidsAreEachACentroid()
        {
            // 20 rows and the default 256 centroids per part: every row's parts become centroids, so nothing is lost.
            var mlContext = new MLContext(seed: 1);
            float[][] rows = VectorData.Clustered(20, 16, 20, 0.3, seed: 11);
            IDataView data = VectorData.View(mlContext, rows);
            VectorCompressionTransformer compressor = mlContext.Transforms.CompressVectors("Compressed", "Embedding").Fit(data);
            Assert.AreEqual((4, 256), (compressor.Subspaces, compressor.Centroids), "16 values: 4 parts of 4, 256 centroids");
            Assert.AreEqual(0.0, compressor.ReconstructionError);
            float[][] output = VectorData.Column(compressor.Transform(data), "Compressed");
            for (int r = 0; r < rows.Length; r++)
                CollectionAssert.AreEqual(rows[r], output[r]);
        }

        [TestMethod]
        public void ProgressReachesTheContextLog()
        {
            var mlContext = new MLContext(seed: 1);
            var messages = new List<string>();
            mlContext.Log += (_, e) => { lock (messages) messages.Add(e.RawMessage); };
            IDataView data = VectorData.View(mlContext, VectorData.Clustered(300, 16, 5, 0.3, seed: 10));
            mlContext.Transforms.CompressVectors(Options(VectorCompressionMethod.ProductQuantization)).Fit(data);
            Assert.IsTrue(messages.Any(m => m.Contains("4 of 4 subspaces fitted")), string.Join("\n", messages));
            Assert.IsTrue(messages.Any(m => m.Contains("reconstruction error")), string.Join("\n", messages));
        }

        [TestMethod]
        public void TheOptionsCarrySearchSpaceAttributesAroundTheirDefaults()
        {
            // AutoML's SearchSpace<T> reads these attributes (the SearchSpace package itself is not a dependency here): every method is a
            // choice, the default one too, and each swept range holds its property's default and only valid values.
            var defaults = new VectorCompressionOptions();
            ChoiceAttribute choice = Attribute<ChoiceAttribute>(nameof(VectorCompressionOptions.Method));
            CollectionAssert.AreEquivalent(Enum.GetNames<VectorCompressionMethod>(), choice.Candidates.Select(c => c.ToString()).ToArray());
            Assert.AreEqual(defaults.Method.ToString(), choice.DefaultValue.ToString());
            foreach (var (property, value, low, high) in new[]
            {
                (nameof(VectorCompressionOptions.Centroids), defaults.Centroids, 1, 256),
                (nameof(VectorCompressionOptions.MaxIterations), defaults.MaxIterations, 1, int.MaxValue),
            })
            {
                RangeAttribute range = Attribute<RangeAttribute>(property);
                double min = Convert.ToDouble(range.Min), max = Convert.ToDouble(range.Max);
                Assert.AreEqual(value, Convert.ToDouble(range.Init), property);
                Assert.IsTrue(low <= min && min <= value && value <= max && max <= high, $"{property}: [{min}, {max}]");
            }
        }

        private static T Attribute<T>(string property) where T : Attribute
            => typeof(VectorCompressionOptions).GetProperty(property).GetCustomAttributes(typeof(T), false).Cast<T>().Single();

        private sealed class CompressedRow
        {
            public float[] Compressed { get; set; }
        }

        private sealed class NamedRow
        {
            public float A { get; set; }
            public float B { get; set; }
            public float C { get; set; }
        }
    }
}
