using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Testing;
using MLExt.Trainers;
using MLExt.Transforms;

namespace MLExt.Estimators.Tests.LearnedEmbeddings
{
    [TestClass]
    public class LearnEmbeddingsEstimatorTests
    {
        private static LearnEmbeddingsOptions Small(string label = "Label") => new LearnEmbeddingsOptions
        {
            OutputColumnName = "Embeddings",
            LabelColumnName = label,
            CategoricalColumnNames = new[] { "Signal", "Noise" },
            EmbeddingDimension = 4,
            HiddenLayers = new[] { 16 },
            BatchSize = 256,
            NumberOfEpochs = 5,
            LearningRate = 0.01f,
            Seed = 1,
        };

        [TestMethod]
        public void LearnsEmbeddingsALinearTrainerUsesAndPassesTheConformanceKit()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView train = mlContext.Data.LoadFromEnumerable(PlantedClicks.Rows(6000, 1));
            IDataView test = mlContext.Data.LoadFromEnumerable(PlantedClicks.Rows(3000, 2));
            var estimator = mlContext.Transforms.Categorical.LearnEmbeddings(Small());
            LearnedEmbeddingsTransformer embeddings = ConformanceKit.Check(mlContext, estimator, train, test,
                invalidInputs: new[]
                {
                    new InvalidInput("no Signal column", mlContext.Transforms.DropColumns("Signal").Fit(train).Transform(train), "Signal"),
                    new InvalidInput("a text label", mlContext.Transforms.Conversion.ConvertType("Label", outputKind: DataKind.String).Fit(train).Transform(train), "Label"),
                });

            var column = embeddings.GetOutputSchema(train.Schema)["Embeddings"];
            Assert.AreEqual(8, ((VectorDataViewType)column.Type).Size, "four numbers for each of the two categorical columns");
            VBuffer<ReadOnlyMemory<char>> slotNames = default;
            column.GetSlotNames(ref slotNames);
            Assert.AreEqual("Signal.0", slotNames.GetValues()[0].ToString());
            Assert.AreEqual("Noise.3", slotNames.GetValues()[7].ToString());

            // Signal's effect reaches a linear model only through the embeddings: with them it ranks clicks far better than on Amount alone.
            double Auc(IEstimator<ITransformer> features)
            {
                var model = features.Append(mlContext.BinaryClassification.Trainers.SdcaLogisticRegression()).Fit(embeddings.Transform(train));
                return mlContext.BinaryClassification.Evaluate(model.Transform(embeddings.Transform(test))).AreaUnderRocCurve;
            }
            double amountOnly = Auc(mlContext.Transforms.Concatenate("Features", "Amount"));
            double withEmbeddings = Auc(mlContext.Transforms.Concatenate("Features", "Embeddings", "Amount"));
            Assert.IsTrue(withEmbeddings > amountOnly + 0.05, $"AUC {withEmbeddings:F4} with the embeddings, {amountOnly:F4} without");
            embeddings.Dispose();
        }

        [TestMethod]
        public void ARegressionLabelLearnsEmbeddingsToo()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.LoadFromEnumerable(PlantedClicks.Rows(2000, 3));
            using LearnedEmbeddingsTransformer embeddings = mlContext.Transforms.Categorical.LearnEmbeddings(Small(label: "Amount")).Fit(data);
            float[][] rows = embeddings.Transform(data).GetColumn<float[]>("Embeddings").Take(5).ToArray();
            Assert.IsTrue(rows.All(r => r.Length == 8 && r.All(float.IsFinite)));
        }

        [TestMethod]
        public void RejectsBadSettingsWithClearMessages()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.LoadFromEnumerable(PlantedClicks.Rows(300, 4));
            LearnEmbeddingsOptions With(Action<LearnEmbeddingsOptions> change)
            {
                LearnEmbeddingsOptions options = Small();
                change(options);
                return options;
            }
            var categorical = mlContext.Transforms.Categorical;
            ConformanceKit.AssertThrowsMentioning(() => categorical.LearnEmbeddings(With(o => o.Model = CtrModel.LogisticRegression)).Fit(data), "no embeddings");
            ConformanceKit.AssertThrowsMentioning(() => categorical.LearnEmbeddings(With(o => { o.CategoricalColumnNames = null; o.NumericColumnNames = new[] { "Amount" }; })).Fit(data), "categorical");
            ConformanceKit.AssertThrowsMentioning(() => categorical.LearnEmbeddings(With(o => o.OutputColumnName = " ")).Fit(data), "OutputColumnName");
        }
    }
}
