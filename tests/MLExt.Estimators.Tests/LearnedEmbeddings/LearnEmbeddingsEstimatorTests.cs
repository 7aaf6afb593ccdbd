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
            Assert.AreEqual(8, ((VectorDataViewType)column.Type).Size, "four embedding numbers for each of the two categorical columns");
            VBuffer<ReadOnlyMemory<char>> slotNames = default;
            column.GetSlotNames(ref slotNames);
            CollectionAssert.AreEqual(new[] { "Signal.0", "Signal.1", "Signal.2", "Signal.3", "Noise.0", "Noise.1", "Noise.2", "Noise.3" },
                slotNames.DenseValues().Select(n => n.ToString()).ToArray());

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
        public void ValuesSeenFewerThanTwentyTimesShareTheUnseenValuesEmbedding()
        {
            var mlContext = new MLContext(seed: 1);
            var rows = PlantedClicks.Rows(2000, 3);
            for (int i = 0; i < 12; i++)
                rows[i * 100].Signal = "rare";
            using LearnedEmbeddingsTransformer embeddings = mlContext.Transforms.Categorical.LearnEmbeddings(Small()).Fit(mlContext.Data.LoadFromEnumerable(rows));
            var probe = new[] { rows[0], rows[1] }.Select(r => new PlantedClicks.Row { Signal = r.Signal, Noise = r.Noise, Amount = r.Amount, Label = r.Label }).ToList();
            probe.Add(new PlantedClicks.Row { Signal = "never seen", Noise = rows[0].Noise, Amount = rows[0].Amount });
            float[][] output = embeddings.Transform(mlContext.Data.LoadFromEnumerable(probe)).GetColumn<float[]>("Embeddings").ToArray();
            Assert.AreEqual("rare", probe[0].Signal);
            CollectionAssert.AreEqual(output[2].Take(4).ToArray(), output[0].Take(4).ToArray(), "a value seen 12 times is out of vocabulary");
            CollectionAssert.AreNotEqual(output[2].Take(4).ToArray(), output[1].Take(4).ToArray(), "a frequent value has its own embedding");
        }

        [TestMethod]
        public void FirstOrderWeightsLeadEachBlockWhenAskedFor()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.LoadFromEnumerable(PlantedClicks.Rows(2000, 3));
            var options = Small();
            options.IncludeFirstOrderWeights = true;
            using LearnedEmbeddingsTransformer both = mlContext.Transforms.Categorical.LearnEmbeddings(options).Fit(data);
            using LearnedEmbeddingsTransformer embeddingsOnly = mlContext.Transforms.Categorical.LearnEmbeddings(Small()).Fit(data);
            Assert.IsTrue(both.IncludesFirstOrderWeights && !embeddingsOnly.IncludesFirstOrderWeights);
            float[][] withWeights = both.Transform(data).GetColumn<float[]>("Embeddings").Take(50).ToArray();
            float[][] without = embeddingsOnly.Transform(data).GetColumn<float[]>("Embeddings").Take(50).ToArray();
            // The flag changes the output, not the training: the same seed learns the same embeddings, and the weights come first.
            for (int row = 0; row < 50; row++)
            {
                Assert.AreEqual(8, without[row].Length);
                CollectionAssert.AreEqual(without[row], withWeights[row].Skip(1).Take(4).Concat(withWeights[row].Skip(6)).ToArray());
            }
            Assert.IsTrue(withWeights.Select(r => r[0]).Distinct().Count() > 1, "Signal's values have first-order weights of their own");
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
