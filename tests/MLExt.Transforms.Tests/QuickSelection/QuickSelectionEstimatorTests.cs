using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Data;
using MLExt.Testing;

namespace MLExt.Transforms.Tests.QuickSelecting
{
    [TestClass]
    public class QuickSelectionEstimatorTests
    {
        private const int Slots = 10;

        public sealed class Row
        {
            [VectorType(Slots)] public float[] Pixels { get; set; }
            public float Other { get; set; }
        }

        public sealed class VariableRow
        {
            [VectorType] public float[] Pixels { get; set; }
        }

        // Slots 0-3 are noisy copies of one hidden factor and 4-5 of another; 6-8 are independent noise; 9 is constant.
        internal static List<Row> MakeRows(int count, int seed)
        {
            var random = new Random(seed);
            double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            return Enumerable.Range(0, count).Select(_ =>
            {
                double a = Gaussian(), b = Gaussian();
                var pixels = new float[Slots];
                for (int s = 0; s < 4; s++)
                    pixels[s] = (float)(a + 0.1 * Gaussian());
                for (int s = 4; s < 6; s++)
                    pixels[s] = (float)(b + 0.1 * Gaussian());
                for (int s = 6; s < 9; s++)
                    pixels[s] = (float)Gaussian();
                pixels[9] = 3;
                return new Row { Pixels = pixels, Other = (float)random.NextDouble() };
            }).ToList();
        }

        private static IDataView WithSlotNames(MLContext mlContext, IEnumerable<Row> rows)
        {
            var schema = SchemaDefinition.Create(typeof(Row));
            var names = new VBuffer<ReadOnlyMemory<char>>(Slots, Enumerable.Range(0, Slots).Select(s => ("px" + s).AsMemory()).ToArray());
            schema[nameof(Row.Pixels)].AddAnnotation("SlotNames", names, new VectorDataViewType(TextDataViewType.Instance, Slots));
            return mlContext.Data.LoadFromEnumerable(rows, schema);
        }

        private static QuickSelectionOptions SmallOptions(int keep) => new QuickSelectionOptions
        {
            InputColumnName = "Pixels", OutputColumnName = "Selected", FeaturesToKeep = keep, HiddenUnits = 40, Epsilon = 4, Epochs = 8, BatchSize = 50,
        };

        [TestMethod]
        public void KeepsTheStrongestSlotsInOrderWithNamesAndPassesTheConformanceKit()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = WithSlotNames(mlContext, MakeRows(600, 1));
            var estimator = mlContext.Transforms.FeatureSelection.SelectFeaturesByQuickSelection(SmallOptions(4));
            QuickSelectionTransformer transformer = ConformanceKit.Check(mlContext, estimator, data,
                invalidInputs: new[]
                {
                    new InvalidInput("no Pixels column", mlContext.Transforms.DropColumns("Pixels").Fit(data).Transform(data), "Pixels"),
                    new InvalidInput("Pixels of the wrong type", mlContext.Transforms.Conversion.ConvertType("Pixels", outputKind: DataKind.Double).Fit(data).Transform(data), "Pixels"),
                });

            Assert.AreEqual(Slots, transformer.FeatureStrengths.Count);
            Assert.AreEqual(0, transformer.FeatureStrengths[9], "a constant slot has no strength");
            int[] chosen = transformer.SelectedIndices.ToArray();
            Assert.AreEqual(4, chosen.Length);
            CollectionAssert.AreEqual(chosen.OrderBy(c => c).ToArray(), chosen, "kept slots stay in their original order");
            float weakestChosen = chosen.Min(c => transformer.FeatureStrengths[c]);
            Assert.IsTrue(Enumerable.Range(0, Slots).Except(chosen).All(s => transformer.FeatureStrengths[s] <= weakestChosen));

            IDataView output = transformer.Transform(data);
            var column = output.Schema["Selected"];
            Assert.AreEqual(4, ((VectorDataViewType)column.Type).Size);
            VBuffer<ReadOnlyMemory<char>> names = default;
            column.GetSlotNames(ref names);
            CollectionAssert.AreEqual(chosen.Select(c => "px" + c).ToArray(), names.DenseValues().Select(n => n.ToString()).ToArray());
            float[] first = output.GetColumn<float[]>("Selected").First();
            float[] input = data.GetColumn<float[]>("Pixels").First();
            CollectionAssert.AreEqual(chosen.Select(c => input[c]).ToArray(), first, "values are the input's, unscaled");
            Assert.IsNotNull(output.Schema.GetColumnOrNull("Pixels"), "the input column stays");
        }

        [TestMethod]
        public void TheSameSeedGivesTheSameStrengthsAndBothBackendsAgree()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.LoadFromEnumerable(MakeRows(300, 3));
            float[] Strengths(QuickSelectionBackend backend, int seed)
            {
                var options = SmallOptions(3);
                options.Seed = seed;
                options.Epochs = 3;
                options.Backend = backend;
                return mlContext.Transforms.FeatureSelection.SelectFeaturesByQuickSelection(options).Fit(data).FeatureStrengths.ToArray();
            }
            float[] sparse = Strengths(QuickSelectionBackend.Sparse, 5);
            CollectionAssert.AreEqual(sparse, Strengths(QuickSelectionBackend.Sparse, 5));
            CollectionAssert.AreNotEqual(sparse, Strengths(QuickSelectionBackend.Sparse, 6));
            float[] dense = Strengths(QuickSelectionBackend.DenseMasked, 5);
            for (int s = 0; s < Slots; s++)
                Assert.AreEqual(sparse[s], dense[s], 1e-3 * Math.Max(1, sparse[s]), $"slot {s}");
        }

        [TestMethod]
        public void RankingOnTheFinalWeightsReadsTheEncoderAfterTheLastEpoch()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.LoadFromEnumerable(MakeRows(300, 3));
            float[] Strengths(bool final, int epochs)
            {
                var options = SmallOptions(3);
                options.Seed = 5;
                options.Epochs = epochs;
                options.RankOnFinalWeights = final;
                return mlContext.Transforms.FeatureSelection.SelectFeaturesByQuickSelection(options).Fit(data).FeatureStrengths.ToArray();
            }
            // Same training either way; after several epochs the last epoch's updates and regrown connections separate the two.
            CollectionAssert.AreNotEqual(Strengths(false, 3), Strengths(true, 3));
            // With one epoch there is no pruning, so both read the final encoder.
            CollectionAssert.AreEqual(Strengths(false, 1), Strengths(true, 1));
        }

        [TestMethod]
        public void CancelExecutionStopsTrainingAfterTheEpoch()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.LoadFromEnumerable(MakeRows(300, 5));
            var options = SmallOptions(3);
            options.Epochs = 20;
            var log = ConformanceKit.CancelAfterLogging(mlContext, "Epoch ", 2);
            Assert.Throws<OperationCanceledException>(() => mlContext.Transforms.FeatureSelection.SelectFeaturesByQuickSelection(options).Fit(data));
            Assert.AreEqual(2, log.Count(m => m.StartsWith("Epoch ", StringComparison.Ordinal)), "no epoch ends after the cancellation");
        }

        [TestMethod]
        public void FindsAtLeastFifteenOfTheTwentyInformativeFeaturesOfMadelonLikeData()
        {
            // Madelon's construction and size: 5 base features and 15 combinations among 480 noise features, 2,600 rows. With the
            // paper's settings the informative neurons grow strongest as evolution moves connections to them.
            var madelon = new MadelonLikeData(new MadelonLikeDataOptions { Seed = 4 });
            var mlContext = new MLContext(seed: 1);
            var transformer = mlContext.Transforms.FeatureSelection.SelectFeaturesByQuickSelection(new QuickSelectionOptions
            {
                InputColumnName = "Features", OutputColumnName = "Features", FeaturesToKeep = 20, Epochs = 30, Seed = 3,
            }).Fit(madelon.ToDataView(mlContext));
            int found = transformer.SelectedIndices.Intersect(madelon.InformativeIndices).Count();
            Assert.IsTrue(found >= 15, $"{found} of the 20 informative features chosen");
        }

        [TestMethod]
        public void BadInputFailsWithAClearMessage()
        {
            var mlContext = new MLContext(seed: 1);
            var rows = MakeRows(50, 4);
            IDataView data = mlContext.Data.LoadFromEnumerable(rows);
            var selection = mlContext.Transforms.FeatureSelection;
            ConformanceKit.AssertThrowsMentioning(() => selection.SelectFeaturesByQuickSelection(SmallOptions(11)).Fit(data), "FeaturesToKeep");
            ConformanceKit.AssertThrowsMentioning(() => selection.SelectFeaturesByQuickSelection(SmallOptions(0)).Fit(data), "FeaturesToKeep");
            rows[7].Pixels[2] = float.NaN;
            ConformanceKit.AssertThrowsMentioning(() => selection.SelectFeaturesByQuickSelection(SmallOptions(3)).Fit(mlContext.Data.LoadFromEnumerable(rows)), "row 7");
            ConformanceKit.AssertThrowsMentioning(() => selection.SelectFeaturesByQuickSelection(SmallOptions(3)).Fit(mlContext.Data.LoadFromEnumerable(MakeRows(1, 5))), "at least 2 rows");
            IDataView variable = mlContext.Data.LoadFromEnumerable(new[] { new VariableRow { Pixels = new float[3] }, new VariableRow { Pixels = new float[3] } });
            ConformanceKit.AssertThrowsMentioning(() => selection.SelectFeaturesByQuickSelection(SmallOptions(1)).Fit(variable), "Pixels");
            ConformanceKit.AssertThrowsMentioning(() => selection.SelectFeaturesByQuickSelection(new QuickSelectionOptions
            {
                InputColumnName = "Pixels", FeaturesToKeep = 1, Device = "cuda:7", Backend = QuickSelectionBackend.DenseMasked,
            }).Fit(mlContext.Data.LoadFromEnumerable(MakeRows(50, 6))), "cuda:7");
        }
    }
}
