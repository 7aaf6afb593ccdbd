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
            options.FieldGroupLasso = 1;
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

            // Four training rows: field 0 holds ids 0, 0, 1, 2 (shares 0.5, 0.25, 0.25), field 1 ids 3, 4, 3, 3 (0.75, 0.25).
            var rows = MLExt.Neural.Featurization.FeaturizedRows.InMemory(2, 1, new[] { 0, 3, 0, 4, 1, 3, 2, 3 }, new float[] { 0, 0, 0, 0 }, 4);
            Tensor shares = MLExt.Neural.Training.FieldNormWeights.Of(rows, 5, CPU);
            CollectionAssert.AreEqual(new float[] { 0.5f, 0.25f, 0.25f, 0.75f, 0.25f, 0 }, shares.data<float>().ToArray());
            // Weighted norms: field 0 √(0.5·9 + 0.25·16) = √8.5, field 1 √(0.75·0.01), the numeric field √3 (weight 1).
            // With η λ = 0.1 each shrinks by 0.1 in that norm, and field 1 (0.087) reaches exactly zero.
            var hook = new FieldGroupLasso(0.1f);
            hook.Begin(new TrainingRun(network, null, rows, null, CPU));
            hook.AfterStep(new TrainingStep { LearningRate = 1 });
            float[] after = network.Embedding.FieldSquaredNorms(shares).sqrt().data<float>().ToArray();
            Assert.AreEqual(Math.Sqrt(8.5) - 0.1, after[0], 1e-5, "shrunk by the threshold");
            Assert.AreEqual(0, after[1], "below the threshold: exactly zero");
            Assert.AreEqual(Math.Sqrt(3) - 0.1, after[2], 1e-5);
            CollectionAssert.AreEqual(new float[] { 7, 7 }, state["embedding.embeddings.weight"][5].data<float>().ToArray(), "the pad row is no field's");
        }

        [TestMethod]
        public void SparseFieldCountLeavesAtMostKFieldsAndFindsInformativeOnes()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.Cache(Clicks);
            var options = Options(CtrModel.FM);
            options.SparseFieldCount = 5;
            var log = new List<string>();
            mlContext.Log += (_, e) => log.Add(e.Message);
            using CtrTransformer model = mlContext.BinaryClassification.Trainers.Ctr(options).Fit(data);
            string[] kept = model.FieldNorms.Where(p => p.Value > 0).Select(p => p.Key).ToArray();
            string describe = string.Join(", ", model.FieldNorms.Select(p => $"{p.Key} {p.Value:G3}"));
            Assert.IsTrue(kept.Length <= 5 && kept.Length >= 1, describe);
            // Five fields carry the label; most of the kept ones must be among them.
            Assert.IsTrue(kept.Count(Clicks.InformativeColumns.Contains) >= 4, describe);
            Assert.IsTrue(log.Any(m => m.Contains($"k-sparsity: {kept.Length} fields left", StringComparison.Ordinal)), "the achieved count is reported");
        }

        [TestMethod]
        public void TheSparseEnvelopeStepSharesOutKAndZeroesTheWeakGroups()
        {
            double[] norms = { 5, 4, 3, 0.5, 0.2, 0 };
            const double tau = 0.1;
            float[] factors = MLExt.Neural.Training.SparseFieldCount.ShrinkFactors(norms, 2, tau);
            // Recover u from the factor f = u / (u + τ): u = τ f / (1 − f); the u must sum to k and lie in [0, 1].
            double[] u = factors.Select(f => f == 0 ? 0 : tau * f / (1 - f)).ToArray();
            Assert.AreEqual(2, u.Sum(), 1e-4);
            Assert.IsTrue(u.All(x => x >= 0 && x <= 1 + 1e-6));
            // Stronger groups keep more; the weakest and the zero group are zeroed.
            for (int g = 1; g < norms.Length; g++)
                Assert.IsTrue(factors[g] <= factors[g - 1]);
            Assert.AreEqual(0f, factors[4]);
            Assert.AreEqual(0f, factors[5]);
            // k or fewer live groups: none is thresholded, each shrinks by 1 / (1 + τ) like a ridge step.
            CollectionAssert.AreEqual(new[] { (float)(1 / 1.1), (float)(1 / 1.1), 0f }, MLExt.Neural.Training.SparseFieldCount.ShrinkFactors(new double[] { 1, 2, 0 }, 2, tau));
        }

        public sealed class NoisyRow
        {
            public bool Label { get; set; }
            public bool Clean { get; set; }
            public string A { get; set; }
            public string B { get; set; }
            public float X { get; set; }
        }

        // The label depends on A, B and X; a share of the training labels is flipped, the test labels are clean.
        private static List<NoisyRow> Noisy(int count, double flip, int seed)
        {
            var random = new Random(seed);
            return Enumerable.Range(0, count).Select(_ =>
            {
                int a = random.Next(40), b = random.Next(40);
                float x = (float)(random.NextDouble() * 2 - 1);
                double logit = 2.5 * Math.Sin(a) + 1.5 * Math.Cos(b * 1.7) + 2 * x;
                bool clean = random.NextDouble() < 1 / (1 + Math.Exp(-logit));
                return new NoisyRow { A = "a" + a, B = "b" + b, X = x, Clean = clean, Label = random.NextDouble() < flip ? !clean : clean };
            }).ToList();
        }

        [TestMethod]
        public void EarlyLearningRegularizationResistsMemorizingNoisyLabels()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView train = mlContext.Data.LoadFromEnumerable(Noisy(6000, 0.4, 1));
            IDataView test = mlContext.Data.LoadFromEnumerable(Noisy(4000, 0, 2));
            double Auc(float elr)
            {
                var options = new CtrTrainer.Options
                {
                    CategoricalColumnNames = new[] { "A", "B" }, NumericColumnNames = new[] { "X" }, Model = CtrModel.DeepFM,
                    EmbeddingDimension = 8, HiddenLayers = new[] { 64, 64 }, BatchSize = 128, NumberOfEpochs = 25, LearningRate = 0.01f,
                    // No early stopping: the plain loss goes on to memorize the flipped labels.
                    ValidationFraction = 0, EarlyLearningRegularization = elr, Seed = 3,
                };
                using CtrTransformer model = mlContext.BinaryClassification.Trainers.Ctr(options).Fit(train);
                return mlContext.BinaryClassification.Evaluate(model.Transform(test)).AreaUnderRocCurve;
            }
            double plain = Auc(0), regularized = Auc(3);
            Assert.IsTrue(regularized > plain + 0.005, $"plain {plain:F4}, ELR {regularized:F4}");
        }

        [TestMethod]
        public void MultiSampleDropoutTrainsThroughTheSharedHead()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.Cache(Clicks);
            IDataView train = mlContext.Data.TakeRows(data, 24_000), test = mlContext.Data.SkipRows(data, 24_000);
            double Auc(int samples)
            {
                var options = Options(CtrModel.DeepFM);
                options.Dropout = 0.3f;
                options.DropoutSamples = samples;
                using CtrTransformer model = mlContext.BinaryClassification.Trainers.Ctr(options).Fit(train);
                return mlContext.BinaryClassification.Evaluate(model.Transform(test)).AreaUnderRocCurve;
            }
            double one = Auc(1), four = Auc(4);
            Assert.AreNotEqual(one, four, "four masks train a different model");
            Assert.IsTrue(four > one - 0.01, $"plain dropout {one:F4}, four samples {four:F4}");
        }

        [TestMethod]
        public void RegularizerOptionsOutOfRangeFailWithAClearMessage()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.TakeRows(Clicks, 500);
            void Fails(Action<CtrTrainer.Options> change, string expected, CtrModel model = CtrModel.DeepFM)
            {
                var options = Options(model);
                change(options);
                var error = Assert.Throws<ArgumentOutOfRangeException>(() => mlContext.BinaryClassification.Trainers.Ctr(options).Fit(data).Dispose());
                StringAssert.Contains(error.Message, expected);
            }
            Fails(o => o.FieldGroupLasso = -1, "FieldGroupLasso");
            Fails(o => o.SparseFieldCount = 14, "more than the 13 input fields");
            Fails(o => o.SparseFieldCount = -1, "SparseFieldCount");
            Fails(o => o.EarlyLearningRegularization = -0.5f, "EarlyLearningRegularization");
            Fails(o => { o.EarlyLearningRegularization = 1; o.EarlyLearningMomentum = 1; }, "EarlyLearningMomentum must be in [0, 1)");
            Fails(o => o.DropoutSamples = 0, "DropoutSamples");
            Fails(o => o.DropoutSamples = 4, "set Dropout above 0");
            Fails(o => { o.Dropout = 0.2f; o.DropoutSamples = 4; }, "FM has no hidden layers", CtrModel.FM);
            Fails(o => o.Polarization = 1e-3f, "set BatchNorm too");
            Fails(o => o.FieldGroupLassoHierarchy = -1, "FieldGroupLassoHierarchy");
            Fails(o => o.FieldGroupLassoPath = -1, "FieldGroupLassoPath");
            Fails(o => o.FieldGroupLassoHierarchy = 10, "DeepFM does not");
            Fails(o => { o.Polarization = 1e-3f; o.PolarizationSkew = 3; }, "PolarizationSkew in [0, 2]");
            Fails(o => { o.Polarization = 1e-3f; o.BatchNorm = true; }, "no hidden neurons", CtrModel.LogisticRegression);
        }

        [TestMethod]
        public void PolarizationDrivesHiddenScalesToZeroOrApart()
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.Cache(Clicks);
            float[] Scales(float strength, List<string> log)
            {
                mlContext.Log += (_, e) => log.Add(e.Message);
                var options = Options(CtrModel.DeepFM);
                options.BatchNorm = true;
                options.HiddenLayers = new[] { 64, 64 };
                options.Polarization = strength;
                using CtrTransformer model = mlContext.BinaryClassification.Trainers.Ctr(options).Fit(data);
                return model.Network.modules().OfType<TorchSharp.Modules.BatchNorm1d>().SelectMany(b => b.weight.data<float>().ToArray()).ToArray();
            }
            var messages = new List<string>();
            float[] polarized = Scales(2e-3f, messages);
            Assert.AreEqual(128, polarized.Length);
            Assert.IsTrue(polarized.All(g => g >= 0 && g <= 1), "scales stay in [0, 1]");
            int zero = polarized.Count(g => g < 0.01f);
            // t = 1.2 leaves about a fifth of the neurons on: most go to zero, some stay well above.
            Assert.IsTrue(zero >= 64, $"{zero} of 128 scales at zero");
            Assert.IsTrue(polarized.Count(g => g > 0.3f) >= 5, string.Join(" ", polarized.Select(g => g.ToString("F2"))));
            Assert.IsTrue(messages.Any(m => m.Contains($"Polarization: {zero} of 128 hidden neurons", StringComparison.Ordinal)));
        }

        [TestMethod]
        public void HierProxSoftThresholdsTheSkipPathAndBoundsTheUnits()
        {
            // No hidden units: the plain soft threshold.
            Assert.AreEqual(1.5, MLExt.Neural.Training.HierarchicalFieldGroupLasso.HierProx(2, new double[0], 0.5, 10).Theta, 1e-12);
            // Units already within M × (θ − λ): θ is soft-thresholded, the units are kept.
            var (theta, w) = MLExt.Neural.Training.HierarchicalFieldGroupLasso.HierProx(3, new[] { 1.0, 0.5 }, 1, 1);
            Assert.AreEqual(2, theta, 1e-12);
            CollectionAssert.AreEqual(new[] { 1.0, 0.5 }, w);
            // θ = 0 with one strong unit (M = 1, λ = 0.5): m = 1 gives w₁ = 1/2 · (0 + 2 − 0.5) = 0.75, within [0, 2]; θ rises to 0.75
            // to carry the unit, which is clipped to it.
            (theta, w) = MLExt.Neural.Training.HierarchicalFieldGroupLasso.HierProx(0, new[] { 2.0 }, 0.5, 1);
            Assert.AreEqual(0.75, theta, 1e-12);
            Assert.AreEqual(0.75, w[0], 1e-12);
            // A weak field leaves both paths: nothing is left above the threshold.
            (theta, w) = MLExt.Neural.Training.HierarchicalFieldGroupLasso.HierProx(0.1, new[] { 0.2, 0.1 }, 1, 1);
            Assert.AreEqual(0, theta);
            CollectionAssert.AreEqual(new[] { 0.0, 0.0 }, w);
            // The constraint holds on random inputs: every unit at most M θ.
            var random = new Random(3);
            for (int trial = 0; trial < 200; trial++)
            {
                double[] units = Enumerable.Range(0, 6).Select(_ => random.NextDouble() * 3).ToArray();
                double bound = 0.2 + random.NextDouble() * 5;
                (theta, w) = MLExt.Neural.Training.HierarchicalFieldGroupLasso.HierProx(random.NextDouble() * 2, units, random.NextDouble(), bound);
                Assert.IsTrue(theta >= 0 && w.All(v => v >= 0 && v <= bound * theta + 1e-9), $"trial {trial}");
            }
        }

        // The fields in the order a group-lasso path removed them, for a Wide & Deep model of the planted clicks.
        private static IReadOnlyList<MLExt.Neural.FieldExit> Path(float hierarchy)
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.Cache(Clicks);
            var options = Options(CtrModel.WideAndDeep);
            options.FieldGroupLassoHierarchy = hierarchy;
            options.FieldGroupLassoPath = 16;
            var log = new List<string>();
            mlContext.Log += (_, e) => log.Add(e.Message);
            using CtrTransformer model = mlContext.BinaryClassification.Trainers.Ctr(options).Fit(data);
            IReadOnlyList<MLExt.Neural.FieldExit> exits = model.FieldExitOrder;
            Assert.AreEqual(13, exits.Count);
            for (int i = 1; i < exits.Count; i++)
                Assert.IsTrue(exits[i].Strength >= exits[i - 1].Strength, Describe(exits));
            Assert.IsTrue(log.Any(m => m.Contains("Field path: strength", StringComparison.Ordinal)));
            // The path only reads: the model keeps the trained (dense) weights.
            Assert.IsTrue(model.FieldNorms.Values.All(norm => norm > 0));
            return exits;
        }

        private static string Describe(IEnumerable<MLExt.Neural.FieldExit> exits) => string.Join(", ", exits.Select(e => $"{e.Field} {e.Strength:G3}"));

        // The mean place in the exit order of the informative fields, and of the noise fields.
        private static (double Informative, double Noise) MeanPlaces(IReadOnlyList<MLExt.Neural.FieldExit> exits)
        {
            var places = exits.Select((e, i) => (e.Field, Place: i)).ToArray();
            return (places.Where(p => Clicks.InformativeColumns.Contains(p.Field)).Average(p => p.Place),
                places.Where(p => Clicks.NoiseColumns.Contains(p.Field)).Average(p => p.Place));
        }

        [TestMethod]
        public void AGroupLassoPathRanksInformativeFieldsLast()
        {
            var exits = Path(0);
            // The fields that carry the label leave last: the last five are mostly informative, the first five mostly noise.
            Assert.IsTrue(exits.TakeLast(5).Count(e => Clicks.InformativeColumns.Contains(e.Field)) >= 4, Describe(exits));
            Assert.IsTrue(exits.Take(5).Count(e => Clicks.NoiseColumns.Contains(e.Field)) >= 4, Describe(exits));
        }

        [TestMethod]
        public void AHierarchicalGroupLassoPathRemovesNoiseFieldsFirst()
        {
            var exits = Path(1);
            Assert.IsTrue(exits.Take(4).All(e => Clicks.NoiseColumns.Contains(e.Field)), Describe(exits));
            var (informative, noise) = MeanPlaces(exits);
            Assert.IsTrue(informative > noise + 1, $"{Describe(exits)}: informative fields' mean place {informative:F1}, noise {noise:F1}");
        }
    }
}
