using System.Linq;
using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Testing;

namespace MLExt.Transforms.Tests.QuickSelecting
{
    [TestClass]
    public class QuickSelectionOnnxExportTests
    {
        [TestMethod]
        public void TheExportedGraphSelectsTheSameSlots()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.LoadFromEnumerable(QuickSelectionEstimatorTests.MakeRows(300, 2));
            var model = mlContext.Transforms.FeatureSelection.SelectFeaturesByQuickSelection(new QuickSelectionOptions
            {
                InputColumnName = "Pixels", OutputColumnName = "Selected", FeaturesToKeep = 4, HiddenUnits = 40, Epsilon = 4, Epochs = 4, BatchSize = 50,
            }).Fit(data);

            byte[] onnx = OnnxScoring.Export(mlContext, model, data);

            float[][] expected = OnnxScoring.Column(model.Transform(data), "Selected");
            float[][] actual = OnnxScoring.Score(onnx, data, "Selected")["Selected"];
            Assert.AreEqual(4, actual[0].Length);
            Assert.AreEqual(0, OnnxScoring.MaxAbsoluteDifference(expected, actual));
        }
    }
}
