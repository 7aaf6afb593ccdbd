using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Testing;

namespace MLExt.Transforms.Tests.Sweeping
{
    /// <summary>Every point of each selector's declared search space fits on tiny data and keeps what it was asked to.</summary>
    [TestClass]
    public class SelectorSearchSpaceTests
    {
        public sealed class VectorRow
        {
            [VectorType(12)]
            public float[] Features { get; set; }
        }

        [TestMethod]
        public void EveryPointOfTheQuickSelectionSpaceFits()
        {
            var mlContext = new MLContext(seed: 1);
            var random = new Random(2);
            IDataView data = mlContext.Data.LoadFromEnumerable(Enumerable.Range(0, 150)
                .Select(_ => new VectorRow { Features = Enumerable.Range(0, 12).Select(_ => (float)random.NextDouble()).ToArray() }).ToList());
            SearchSpaceCheck.AssertEveryPointFits(() => new QuickSelectionOptions { FeaturesToKeep = 4, Seed = 1 }, options =>
            {
                // The epoch count changes no shape or value the other settings could clash with; capped to keep the corner with
                // 500 epochs of 5,000 hidden units short.
                options.Epochs = Math.Min(options.Epochs, 2);
                QuickSelectionTransformer selection = mlContext.Transforms.FeatureSelection.SelectFeaturesByQuickSelection(options).Fit(data);
                Assert.AreEqual(4, selection.SelectedIndices.Count());
            });
        }

        [TestMethod]
        public void EveryPointOfTheOutRankSpaceFits()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.LoadFromEnumerable(PlantedClicks.Rows(2000, 1));
            SearchSpaceCheck.AssertEveryPointFits(() => new OutRankOptions { FeatureColumnNames = new[] { "Signal", "Noise", "Amount", "Junk" }, FeaturesToKeep = 2, Seed = 1 },
                options =>
                {
                    OutRankTransformer selection = mlContext.Transforms.FeatureSelection.SelectFeaturesByOutRank(options).Fit(data);
                    Assert.AreEqual(2, selection.SelectedColumns.Count());
                });
        }

        [TestMethod]
        public void EveryPointOfTheOptFSSpaceFits()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.LoadFromEnumerable(PlantedClicks.Rows(400, 1));
            SearchSpaceCheck.AssertEveryPointFits(() => new OptFSOptions
            {
                CategoricalColumnNames = new[] { "Signal", "Noise" },
                NumericColumnNames = new[] { "Amount", "Junk" },
                HiddenLayers = new[] { 8 },
                Seed = 1,
            }, options =>
            {
                OptFSTransformer selection = mlContext.Transforms.FeatureSelection.SelectFeaturesByOptFS(options).Fit(data);
                Assert.IsTrue(selection.Transform(data).GetColumn<ReadOnlyMemory<char>>("Signal").Any(), "the selected data has rows");
            });
        }
    }
}
