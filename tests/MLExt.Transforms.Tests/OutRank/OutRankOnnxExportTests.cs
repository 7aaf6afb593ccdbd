using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Testing;

namespace MLExt.Transforms.Tests.OutRanking
{
    [TestClass]
    public class OutRankOnnxExportTests
    {
        [TestMethod]
        public void TheExportedGraphKeepsTheSameSlotsAndDropsTheLosingColumns()
        {
            var mlContext = new MLContext(seed: 1);
            var random = new Random(5);
            IDataView data = mlContext.Data.LoadFromEnumerable(Enumerable.Range(0, 2000).Select(_ =>
            {
                float[] pixels = Enumerable.Range(0, 6).Select(_ => (float)random.Next(4)).ToArray();
                // Slots 2 and 5 carry the label; the text column is noise.
                double logit = (pixels[2] - 1.5) + 0.8 * (pixels[5] - 1.5);
                return new OutRankEstimatorTests.VectorRow { Pixels = pixels, Other = "o" + random.Next(5), Label = random.NextDouble() < 1 / (1 + Math.Exp(-logit)) };
            }).ToList());
            var model = mlContext.Transforms.FeatureSelection.SelectFeaturesByOutRank(new OutRankOptions
            {
                FeatureColumnNames = new[] { "Pixels", "Other" },
                FeaturesToKeep = 2,
                TreatNumericAsNominal = true,
            }).Fit(data);
            CollectionAssert.AreEquivalent(new[] { "Pixels[2]", "Pixels[5]" }, model.SelectedColumns.ToArray());

            byte[] onnx = OnnxScoring.Export(mlContext, model, data);

            float[][] expected = OnnxScoring.Column(model.Transform(data), "Pixels");
            float[][] actual = OnnxScoring.Score(onnx, data, "Pixels")["Pixels"];
            Assert.AreEqual(2, actual[0].Length, "only the two winning slots leave the graph");
            Assert.AreEqual(0, OnnxScoring.MaxAbsoluteDifference(expected, actual));
            Assert.IsFalse(OnnxScoring.OutputNames(onnx).Any(name => name.StartsWith("Other")), "the losing text column is not an output");
        }
    }
}
