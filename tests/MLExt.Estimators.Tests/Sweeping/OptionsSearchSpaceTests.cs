using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.SearchSpace;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Estimators.Tests.VectorCompression;
using MLExt.Sweeping;
using MLExt.Testing;
using MLExt.Transforms;

namespace MLExt.Estimators.Tests.Sweeping
{
    [TestClass]
    public class OptionsSearchSpaceTests
    {
        public enum Colour
        {
            Red,
            Green,
            Blue,
        }

        public sealed class Example
        {
            [Range(1, 100, 10, true)]
            public int Count { get; set; } = 10;

            [Range(0.0f, 2.0f, 1.0f)]
            public float Rate { get; set; } = 1;

            [Range(1e-4, 1e-2, 1e-3, true)]
            public double? Ratio { get; set; }

            [Choice(new object[] { Colour.Red, Colour.Green, Colour.Blue }, Colour.Green)]
            public Colour Colour { get; set; } = Colour.Green;

            [BooleanChoice(false)]
            public bool Flag { get; set; }

            public string Untouched { get; set; } = "kept";
        }

        public sealed class RangeOnAnEnum
        {
            [Range(0, 2)]
            public Colour Colour { get; set; }
        }

        [TestMethod]
        public void CoordinatesMapOntoRangesChoicesAndBooleans()
        {
            var space = new OptionsSearchSpace<Example>();
            CollectionAssert.AreEqual(new[] { "Colour", "Count", "Flag", "Rate", "Ratio" }, space.PropertyNames.ToArray(), "sorted by name; unattributed properties are not swept");

            Example low = space.Apply(new Example(), new[] { 0.0, 0, 0, 0, 0 });
            Assert.AreEqual((Colour.Red, 1, false, 0f, 1e-4, "kept"), (low.Colour, low.Count, low.Flag, low.Rate, low.Ratio.Value, low.Untouched));
            Example high = space.Apply(new Example(), new[] { 1.0, 1, 1, 1, 1 });
            Assert.AreEqual((Colour.Blue, 100, true, 2f), (high.Colour, high.Count, high.Flag, high.Rate));
            Assert.AreEqual(1e-2, high.Ratio.Value, 1e-12);

            // The middle of a log range is the geometric mean; of a linear one the arithmetic; a choice's thirds pick its candidates.
            Example middle = space.Apply(new Example(), new[] { 0.5, 0.5, 0.5, 0.5, 0.5 });
            Assert.AreEqual((Colour.Green, 10, true, 1f), (middle.Colour, middle.Count, middle.Flag, middle.Rate));
            Assert.AreEqual(1e-3, middle.Ratio.Value, 1e-12);
            Assert.AreEqual(Colour.Red, space.Apply(new Example(), new[] { 0.33, 0, 0, 0, 0 }).Colour);
            Assert.AreEqual(Colour.Green, space.Apply(new Example(), new[] { 0.34, 0, 0, 0, 0 }).Colour);
        }

        [TestMethod]
        public void BadPointsAndMisplacedAttributesFailWithAClearMessage()
        {
            var space = new OptionsSearchSpace<Example>();
            ConformanceKit.AssertThrowsMentioning(() => space.Apply(new Example(), new[] { 0.5 }), "5 (Colour, Count, Flag, Rate, Ratio)");
            ConformanceKit.AssertThrowsMentioning(() => space.Apply(new Example(), new[] { 0.5, 0.5, 1.5, 0.5, 0.5 }), "Flag");
            ConformanceKit.AssertThrowsMentioning(() => space.Apply(new Example(), new[] { 0.5, 0.5, double.NaN, 0.5, 0.5 }), "[0, 1]");
            ConformanceKit.AssertThrowsMentioning(() => new OptionsSearchSpace<RangeOnAnEnum>(), "RangeOnAnEnum.Colour");
        }

        [TestMethod]
        public void EveryPointOfTheLearnedEmbeddingsSpaceTrains()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.LoadFromEnumerable(PlantedClicks.Rows(400, 1));
            SearchSpaceCheck.AssertEveryPointFits(() => new LearnEmbeddingsOptions
            {
                CategoricalColumnNames = new[] { "Signal", "Noise" },
                NumericColumnNames = new[] { "Amount" },
                HiddenLayers = new[] { 8 },
                Seed = 1,
            }, options =>
            {
                using LearnedEmbeddingsTransformer embeddings = mlContext.Transforms.Categorical.LearnEmbeddings(options).Fit(data);
                Assert.IsTrue(embeddings.Transform(data).GetColumn<float[]>("Embeddings").All(row => row.All(float.IsFinite)));
            });
        }

        [TestMethod]
        public void EveryPointOfTheVectorCompressionSpaceTrains()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = VectorData.View(mlContext, VectorData.Clustered(600, 16, 10, 0.3, seed: 1));
            SearchSpaceCheck.AssertEveryPointFits(() => new VectorCompressionOptions { InputColumnName = "Embedding", OutputColumnName = "Compressed", Seed = 1 },
                options =>
                {
                    VectorCompressionTransformer compressor = mlContext.Transforms.CompressVectors(options).Fit(data);
                    Assert.IsTrue(compressor.Transform(data).GetColumn<float[]>("Compressed").All(row => row.All(float.IsFinite)));
                });
        }
    }
}
