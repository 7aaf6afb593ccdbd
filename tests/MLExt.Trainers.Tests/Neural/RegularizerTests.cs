using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Data;
using MLExt.Neural.Networks;
using MLExt.Neural.Training;
using static TorchSharp.torch;

namespace MLExt.Trainers.Tests.Neural
{
    [TestClass]
    public class RegularizerTests
    {
        // Informative fields: C1, C4, C7 (and their pair terms), I1, I2; the rest are noise of cardinalities 4 to 1,000.
        private static readonly CriteoLikeData Clicks = new CriteoLikeData(new CriteoLikeDataOptions
        {
            RowCount = 30_000, NumericFieldCount = 4, CategoricalFieldCount = 9, MaxCardinality = 1000, LabelNoise = 0, Seed = 5,
        });

        private static CtrTrainer.Options Options(CtrModel model) => new CtrTrainer.Options
        {
            CategoricalColumnNames = Clicks.CategoricalColumnNames.ToArray(),
            NumericColumnNames = Clicks.NumericColumnNames.ToArray(),
            Model = model,
            EmbeddingDimension = 8,
            HiddenLayers = new[] { 32 },
            BatchSize = 256,
            NumberOfEpochs = 6,
            LearningRate = 0.01f,
            Seed = 7,
        };

        [TestMethod]
        public void FieldGroupLassoRemovesNoiseFieldsAndKeepsTheInformativeOnes()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.Cache(Clicks);
            var options = Options(CtrModel.FM);
            options.FieldGroupLasso = 0.3f;
            using CtrTransformer model = mlContext.BinaryClassification.Trainers.Ctr(options).Fit(data);
            IReadOnlyDictionary<string, double> norms = model.FieldNorms;
            string Describe() => string.Join(", ", norms.Select(p => $"{p.Key} {p.Value:G3}"));
            Assert.AreEqual(13, norms.Count);
            foreach (string field in Clicks.InformativeColumns)
                Assert.IsTrue(norms[field] > 0, $"informative {field} was removed: {Describe()}");
            string[] removed = Clicks.NoiseColumns.Where(f => norms[f] == 0).ToArray();
            Assert.IsTrue(removed.Length >= Clicks.NoiseColumns.Count / 2, $"only {removed.Length} of {Clicks.NoiseColumns.Count} noise fields removed: {Describe()}");

            // A removed field is out of the model: changing its values changes no score.
            string gone = removed.First(f => f.StartsWith("C", StringComparison.Ordinal));
            var rows = mlContext.Data.CreateEnumerable<CriteoRow>(mlContext.Data.TakeRows(data, 200), false, ignoreMissingColumns: true).ToList();
            float[] before = Scores(mlContext, model, rows);
            var property = typeof(CriteoRow).GetProperty(gone);
            foreach (CriteoRow row in rows)
                property.SetValue(row, "changed");
            CollectionAssert.AreEqual(before, Scores(mlContext, model, rows));
        }

        private static float[] Scores(MLContext mlContext, ITransformer model, List<CriteoRow> rows)
            => model.Transform(mlContext.Data.LoadFromEnumerable(rows)).GetColumn<float>("Score").ToArray();

        [TestMethod]
        public void TheFieldGroupLassoStepIsTheBlockSoftThreshold()
        {
            // Two id fields of 3 and 2 ids, one numeric field, dimension 2: each field's weights set by hand.
            var spec = new NetworkSpec(CtrModel.LogisticRegression, 1, new[] { 3, 2 }, new[] { 1, 1 }, 1, 2, new[] { 4 }, 0, false, 1, 1, 1);
            using var network = NeuralNetwork.Create(spec);
            var state = network.state_dict();
            using (no_grad())
            {
                // Field 0 (rows 0-2): norm 5 (one entry of 3, one of 4); field 1 (rows 3-4): norm 0.1; the pad row (5) holds 7.
                state["embedding.embeddings.weight"].copy_(tensor(new float[] { 3, 0, 0, 0, 0, 0, 0, 0.1f, 0, 0, 7, 7 }).view(6, 2));
                state["embedding.firstOrder.weight"].copy_(tensor(new float[] { 0, 4, 0, 0, 0, 0 }).view(6, 1));
                state["embedding.numericEmbeddings"].copy_(tensor(new float[] { 1, 1 }).view(1, 2));
                state["embedding.numericFirstOrder"].copy_(tensor(new float[] { 1 }));
            }
            CollectionAssert.AreEqual(new float[] { 25, 0.01f, 3 }, network.Embedding.FieldSquaredNorms().data<float>().ToArray().Select(v => (float)Math.Round(v, 5)).ToArray());

            // Threshold η λ √p: with η λ = 0.1, field 0 (9 weights) 0.3, field 1 (6) 0.245, the numeric field (3) 0.173.
            var hook = new FieldGroupLasso(0.1f);
            hook.Begin(new TrainingRun(network, null, null, CPU));
            hook.AfterStep(new TrainingStep { LearningRate = 1 });
            float[] after = network.Embedding.FieldSquaredNorms().sqrt().data<float>().ToArray();
            Assert.AreEqual(5 - 0.3, after[0], 1e-5, "shrunk by the threshold");
            Assert.AreEqual(0, after[1], "below the threshold: exactly zero");
            Assert.AreEqual(Math.Sqrt(3) - 0.1 * Math.Sqrt(3), after[2], 1e-5);
            CollectionAssert.AreEqual(new float[] { 7, 7 }, state["embedding.embeddings.weight"][5].data<float>().ToArray(), "the pad row is no field's");
        }
    }
}
