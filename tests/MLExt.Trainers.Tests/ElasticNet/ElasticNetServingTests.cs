using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Testing;
using MLExt.Trainers.ElasticNet.Core;

namespace MLExt.Trainers.Tests.ElasticNet
{
    /// <summary>What ML.NET users expect of a linear model once trained: ONNX export, weights, contributions, importance.</summary>
    [TestClass]
    public class ElasticNetServingTests
    {
        // Parity the issue asks of linear models between ML.NET and ONNX Runtime.
        private const double LinearTolerance = 1e-5;

        public sealed class NamedRow
        {
            public float F0 { get; set; }
            public float F1 { get; set; }
            public float F2 { get; set; }
            public float F3 { get; set; }
            public float F4 { get; set; }
            public float F5 { get; set; }
            public float F6 { get; set; }
            public float F7 { get; set; }
            public bool Label { get; set; }
            public float Value { get; set; }
        }

        private static readonly string[] FeatureNames = Enumerable.Range(0, 8).Select(j => "F" + j).ToArray();

        // Eight features of which the first four carry the signal (SyntheticGlmData plants them).
        private static IDataView MakeData(MLContext mlContext, int count, int seed)
        {
            var binary = new SyntheticGlmData(count, 8, 4, GlmFamily.Binomial, seed);
            var gaussian = new SyntheticGlmData(count, 8, 4, GlmFamily.Gaussian, seed + 1);
            float X(SyntheticGlmData d, int j, int i) => (float)d.X[j][i];
            return mlContext.Data.LoadFromEnumerable(Enumerable.Range(0, count).Select(i => new NamedRow
            {
                F0 = X(binary, 0, i), F1 = X(binary, 1, i), F2 = X(binary, 2, i), F3 = X(binary, 3, i),
                F4 = X(binary, 4, i), F5 = X(binary, 5, i), F6 = X(binary, 6, i), F7 = X(binary, 7, i),
                Label = binary.Labels[i] == 1,
                Value = (float)(gaussian.Labels[i] - gaussian.X[0][i] + binary.X[0][i]),
            }).ToList());
        }

        // The named columns concatenated into Features, then the trainer.
        private static EstimatorChain<TTransformer> Pipeline<TTransformer>(MLContext mlContext, IEstimator<TTransformer> trainer)
            where TTransformer : class, ITransformer
            => mlContext.Transforms.Concatenate("Features", FeatureNames).Append(trainer);

        [TestMethod]
        public void BinaryPipelineScoresTheSameInOnnxRuntime()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = MakeData(mlContext, 400, 1);
            var model = Pipeline(mlContext, mlContext.BinaryClassification.Trainers.ElasticNet(lambda: 0.01, alpha: 0.5)).Fit(data);
            IDataView scored = model.Transform(data);

            var onnx = OnnxScoring.Score(OnnxScoring.Export(mlContext, model, data), data, "Score", "Probability", "PredictedLabel");

            foreach (string column in new[] { "Score", "Probability", "PredictedLabel" })
                Assert.IsTrue(OnnxScoring.MaxAbsoluteDifference(OnnxScoring.Column(scored, column), onnx[column]) <= LinearTolerance, column);
        }

        [TestMethod]
        public void RegressionPipelineScoresTheSameInOnnxRuntime()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = MakeData(mlContext, 400, 2);
            var model = Pipeline(mlContext, mlContext.Regression.Trainers.ElasticNet(labelColumnName: "Value", lambda: 0.05, alpha: 1)).Fit(data);

            var onnx = OnnxScoring.Score(OnnxScoring.Export(mlContext, model, data), data, "Score");

            Assert.IsTrue(OnnxScoring.MaxAbsoluteDifference(OnnxScoring.Column(model.Transform(data), "Score"), onnx["Score"]) <= LinearTolerance);
        }

        [TestMethod]
        public void FeatureContributionsAddUpToTheScore()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = MakeData(mlContext, 300, 3);
            var model = Pipeline(mlContext, mlContext.BinaryClassification.Trainers.ElasticNet(lambda: 0.01, alpha: 0.5)).Fit(data);
            var predictor = model.LastTransformer;

            IDataView explained = mlContext.Transforms.CalculateFeatureContribution(predictor, numberOfPositiveContributions: 8,
                numberOfNegativeContributions: 8, normalize: false).Fit(model.Transform(data)).Transform(model.Transform(data));

            float[] scores = explained.GetColumn<float>("Score").ToArray();
            float[][] contributions = OnnxScoring.Column(explained, "FeatureContributions");
            float[][] features = OnnxScoring.Column(explained, "Features");
            for (int i = 0; i < scores.Length; i++)
            {
                float[] c = contributions[i], x = features[i];
                // A linear score is the bias plus each slot's weight times its value.
                Assert.AreEqual(scores[i], predictor.Model.Bias + c.Sum(), 1e-4, $"row {i}");
                for (int j = 0; j < c.Length; j++)
                    Assert.AreEqual(predictor.Model.Weights[j] * x[j], c[j], 1e-5, $"row {i} slot {j}");
            }
        }

        [TestMethod]
        public void PermutationImportanceOnThePipelineRanksTheSignalFeaturesFirst()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = MakeData(mlContext, 1000, 4);
            var model = Pipeline(mlContext, mlContext.BinaryClassification.Trainers.ElasticNet(lambda: 0.02, alpha: 1)).Fit(data);

            var importance = mlContext.BinaryClassification.PermutationFeatureImportanceNonCalibrated(model, model.Transform(data), permutationCount: 2);

            double Drop(string feature) => -importance[feature].AreaUnderRocCurve.Mean;
            double weakestSignal = FeatureNames.Take(4).Min(Drop);
            double strongestNoise = FeatureNames.Skip(4).Max(Drop);
            Assert.IsTrue(weakestSignal > strongestNoise, $"signal drop {weakestSignal:F4}, noise drop {strongestNoise:F4}");
        }
    }
}
