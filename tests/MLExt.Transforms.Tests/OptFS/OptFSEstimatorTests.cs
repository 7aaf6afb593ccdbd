using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Testing;
using MLExt.Trainers;

namespace MLExt.Transforms.Tests.OptFS
{
    [TestClass]
    public class OptFSEstimatorTests
    {
        public sealed class IntegerNoiseRow
        {
            public bool Label { get; set; }
            public string Signal { get; set; }
            public int Noise { get; set; }
            public float Amount { get; set; }
            public float Junk { get; set; }
        }

        private static List<PlantedClicks.Row> MakeRows(int count, int seed) => PlantedClicks.Rows(count, seed);

        internal static OptFSOptions SmallOptions() => new OptFSOptions
        {
            CategoricalColumnNames = new[] { "Signal", "Noise" },
            NumericColumnNames = new[] { "Amount", "Junk" },
            Backbone = CtrModel.DeepFM,
            EmbeddingDimension = 4,
            HiddenLayers = new[] { 16 },
            BatchSize = 256,
            LearningRate = 0.01f,
            SearchEpochs = 8,
            GateStrength = 7,
            Seed = 1,
        };

        private static HashSet<string> Values(IDataView data, string column)
            => data.GetColumn<ReadOnlyMemory<char>>(column).Select(v => v.ToString()).Where(v => v.Length > 0).ToHashSet();

        [TestMethod]
        public void KeepsTheValuesWithAnEffectDropsNoiseAndPassesTheConformanceKit()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.LoadFromEnumerable(MakeRows(8000, 1));
            var estimator = mlContext.Transforms.FeatureSelection.SelectFeaturesByOptFS(SmallOptions());
            IDataView integerNoise = mlContext.Data.LoadFromEnumerable(MakeRows(100, 1).Select(r => new IntegerNoiseRow
            {
                Label = r.Label, Signal = r.Signal, Noise = int.Parse(r.Noise[1..]), Amount = r.Amount, Junk = r.Junk,
            }));
            OptFSTransformer transformer = ConformanceKit.Check(mlContext, estimator, data,
                invalidInputs: new[]
                {
                    new InvalidInput("no Signal column", mlContext.Transforms.DropColumns("Signal").Fit(data).Transform(data), "Signal"),
                    new InvalidInput("an integer Noise column", integerNoise, "Noise"),
                },
                invalidForTransformer: new[]
                {
                    new InvalidInput("no Noise column", mlContext.Transforms.DropColumns("Noise").Fit(data).Transform(data), "Noise"),
                });

            var fields = transformer.Fields.ToDictionary(f => f.Name);
            CollectionAssert.AreEquivalent(new[] { "Signal", "Noise", "Amount", "Junk" }, fields.Keys.ToArray());
            Assert.AreEqual(11, fields["Signal"].Values, "ten values and the out-of-vocabulary one");
            Assert.AreEqual(1, fields["Amount"].Values, "a standardized numeric field is gated as a whole");
            Assert.AreEqual(1, fields["Amount"].KeptValues);

            IDataView selected = transformer.Transform(data);
            HashSet<string> signals = Values(selected, "Signal"), noise = Values(selected, "Noise");
            CollectionAssert.AreEquivalent(PlantedClicks.EffectiveSignals, signals.ToArray(), "the values with an effect are kept, the others dropped");
            Assert.IsTrue(noise.Count <= 4, $"at most a tenth of the 40 noise values kept; kept {noise.Count}");
            Assert.AreEqual(0, fields["Junk"].KeptValues, "a numeric field without an effect is dropped");
            Assert.IsTrue(transformer.KeptValueFraction < 0.5, $"kept {transformer.KeptValueFraction:P0} of the values");
            // The columns keep their names and types; a dropped value reads as missing.
            Assert.AreEqual(TextDataViewType.Instance, selected.Schema["Noise"].Type);
            Assert.IsTrue(selected.GetColumn<ReadOnlyMemory<char>>("Noise").Any(v => v.Length == 0));
        }

        [TestMethod]
        public void KeyColumnsAndDroppedNumericFieldsBecomeMissing()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Transforms.Conversion.MapValueToKey("Noise").Fit(mlContext.Data.LoadFromEnumerable(MakeRows(8000, 2)))
                .Transform(mlContext.Data.LoadFromEnumerable(MakeRows(8000, 2)));
            OptFSTransformer transformer = mlContext.Transforms.FeatureSelection.SelectFeaturesByOptFS(SmallOptions()).Fit(data);
            IDataView selected = transformer.Transform(data);

            Assert.IsTrue(selected.Schema["Noise"].Type is KeyDataViewType, "a key column stays a key column");
            uint[] before = data.GetColumn<uint>("Noise").ToArray(), after = selected.GetColumn<uint>("Noise").ToArray();
            Assert.IsTrue(after.Zip(before).All(p => p.First == p.Second || p.First == 0), "a key is kept or becomes 0");
            Assert.IsTrue(after.Count(k => k == 0) > after.Length / 2, "most noise keys are dropped");
            Assert.IsTrue(selected.Schema["Noise"].Annotations.Schema.GetColumnOrNull("KeyValues") != null, "the key values stay for MapKeyToValue");

            bool junkKept = transformer.Fields.Single(f => f.Name == "Junk").KeptValues == 1;
            float[] junk = selected.GetColumn<float>("Junk").ToArray();
            Assert.AreEqual(!junkKept, junk.All(float.IsNaN), "a dropped numeric field reads as missing in every row, a kept one as it was");
        }

        [TestMethod]
        public void RejectsBadSettingsAndDataWithClearMessages()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.LoadFromEnumerable(MakeRows(500, 3));
            var selection = mlContext.Transforms.FeatureSelection;
            OptFSOptions With(Action<OptFSOptions> change)
            {
                OptFSOptions options = SmallOptions();
                change(options);
                return options;
            }
            ConformanceKit.AssertThrowsMentioning(() => selection.SelectFeaturesByOptFS(With(o => o.GateStrength = -1)).Fit(data), "GateStrength");
            ConformanceKit.AssertThrowsMentioning(() => selection.SelectFeaturesByOptFS(With(o => o.FinalTemperature = 0.5f)).Fit(data), "FinalTemperature");
            ConformanceKit.AssertThrowsMentioning(() => selection.SelectFeaturesByOptFS(With(o => o.RewindEpoch = 8)).Fit(data), "RewindEpoch");
            ConformanceKit.AssertThrowsMentioning(() => selection.SelectFeaturesByOptFS(With(o => o.Backbone = CtrModel.LogisticRegression)).Fit(data), "no embeddings");
            ConformanceKit.AssertThrowsMentioning(() => selection.SelectFeaturesByOptFS(With(o => o.CategoricalColumnNames = null)).Fit(data), "categorical column");
            ConformanceKit.AssertThrowsMentioning(() => selection.SelectFeaturesByOptFS(With(o => { o.EmbeddingCompression = CtrEmbeddingCompression.Hashing; o.EmbeddingMemoryRatio = 0.1; })).Fit(data), "model downstream");

            var oneClass = mlContext.Data.LoadFromEnumerable(MakeRows(500, 3).Select(r => { r.Label = true; return r; }).ToList());
            ConformanceKit.AssertThrowsMentioning(() => selection.SelectFeaturesByOptFS(SmallOptions()).Fit(oneClass), "Label");
        }

        [TestMethod]
        public void CancellationStopsTheSearch()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.LoadFromEnumerable(MakeRows(4000, 4));
            var log = ConformanceKit.CancelAfterLogging(mlContext, "Gate search epoch", 1);
            Assert.Throws<OperationCanceledException>(() => mlContext.Transforms.FeatureSelection.SelectFeaturesByOptFS(SmallOptions()).Fit(data));
            Assert.AreEqual(1, log.Count(m => m.StartsWith("Gate search epoch", StringComparison.Ordinal)), "stopped within the second epoch");
        }
    }
}
