using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Transforms.QuickSelecting.Core;

namespace MLExt.Transforms.Tests.QuickSelecting
{
    /// <summary>The training loop behaves as the QuickSelection authors' code does, unless a departure is asked for.</summary>
    [TestClass]
    public class TrainingLoopTests
    {
        private static AutoencoderSettings Settings(int epochs, TrainingDepartures departures = null, double dropout = 0.2)
            => new(Hidden: 20, Epsilon: 3, Zeta: 0.2, NoiseFactor: 0.2, Epochs: epochs, BatchSize: 4, LearningRate: 0.01f, Momentum: 0.9f,
                WeightDecay: 1e-5f, HiddenDropout: dropout, departures);

        private static float[][] Rows(int count, int features, int seed)
        {
            var random = new Random(seed);
            return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, features).Select(_ => (float)random.NextDouble()).ToArray()).ToArray();
        }

        /// <summary>Records what the loop hands a backend; its strengths tell where they came from.</summary>
        private sealed class RecordingBackend : IAutoencoderBackend
        {
            public List<(float[] Clean, float[] Noisy, float[] Dropout, int Size)> Batches { get; } = new();

            public int Evolutions { get; private set; }

            public void Step(TrainingBatch batch)
                => Batches.Add((batch.Clean.ToArray(), batch.Noisy.ToArray(), batch.Dropout.ToArray(), batch.Size));

            public double TakeEpochLoss() => 0;

            public float[] Evolve(double zeta, Random random) => new[] { (float)++Evolutions };

            public float[] InputStrengths() => new[] { -1f };

            public long WeightBytes => 0;

            public void Dispose()
            {
            }
        }

        [TestMethod]
        public void EachRowGetsOneNoisyCopyForAllEpochsUnlessFreshNoiseIsAsked()
        {
            float[][] rows = Rows(8, 3, 1);
            // Per clean row (told apart by its values), the distinct noisy inputs it was given over 3 epochs.
            Dictionary<string, HashSet<string>> NoisyInputs(TrainingDepartures departures)
            {
                var backend = new RecordingBackend();
                AutoencoderTraining.Train(backend, rows, Settings(3, departures), new Random(2), null);
                var seen = new Dictionary<string, HashSet<string>>();
                foreach (var (clean, noisy, _, size) in backend.Batches)
                    for (int b = 0; b < size; b++)
                    {
                        string row = string.Join(",", Enumerable.Range(0, 3).Select(f => clean[f * size + b]));
                        string input = string.Join(",", Enumerable.Range(0, 3).Select(f => noisy[f * size + b]));
                        if (!seen.TryGetValue(row, out var inputs))
                            seen[row] = inputs = new HashSet<string>();
                        inputs.Add(input);
                    }
                return seen;
            }

            var once = NoisyInputs(new TrainingDepartures());
            Assert.AreEqual(8, once.Count);
            Assert.IsTrue(once.Values.All(inputs => inputs.Count == 1), "one noisy copy per row, reused every epoch");
            Assert.IsTrue(NoisyInputs(new TrainingDepartures(FreshNoisePerBatch: true)).Values.All(inputs => inputs.Count == 3), "fresh noise each epoch");
        }

        [TestMethod]
        public void AnEpochIsWholeBatchesUnlessNoWholeBatchFits()
        {
            int[] BatchSizes(int rowCount)
            {
                var backend = new RecordingBackend();
                AutoencoderTraining.Train(backend, Rows(rowCount, 3, 1), Settings(2), new Random(2), null);
                return backend.Batches.Select(b => b.Size).ToArray();
            }

            // 10 rows in batches of 4: two whole batches an epoch, the 2 rows left over wait for another epoch's shuffle.
            CollectionAssert.AreEqual(new[] { 4, 4, 4, 4 }, BatchSizes(10));
            CollectionAssert.AreEqual(new[] { 3, 3 }, BatchSizes(3));
        }

        [TestMethod]
        public void DropoutKeepsUnitsUnscaledUnlessInverted()
        {
            float[][] rows = Rows(40, 3, 3);
            float[] Multipliers(TrainingDepartures departures)
            {
                var backend = new RecordingBackend();
                AutoencoderTraining.Train(backend, rows, Settings(1, departures, dropout: 0.5), new Random(4), null);
                return backend.Batches.SelectMany(b => b.Dropout.Take(20 * b.Size)).ToArray();
            }

            float[] plain = Multipliers(new TrainingDepartures());
            CollectionAssert.AreEquivalent(new[] { 0f, 1f }, plain.Distinct().ToArray());
            Assert.AreEqual(0.5, plain.Average(), 0.05, "about half the units dropped");
            CollectionAssert.AreEquivalent(new[] { 0f, 2f }, Multipliers(new TrainingDepartures(InvertedDropout: true)).Distinct().ToArray());
        }

        [TestMethod]
        public void FeaturesAreRankedOnTheEncoderAfterTheLastPruningUnlessTheFinalWeightsAreAsked()
        {
            float[][] rows = Rows(8, 3, 5);
            var backend = new RecordingBackend();
            float[] strengths = AutoencoderTraining.Train(backend, rows, Settings(4), new Random(6), null);
            Assert.AreEqual(3, backend.Evolutions, "no topology step after the last epoch");
            CollectionAssert.AreEqual(new[] { 3f }, strengths, "the strengths the third (last) topology step reported between pruning and regrowth");

            CollectionAssert.AreEqual(new[] { -1f }, AutoencoderTraining.Train(new RecordingBackend(), rows, Settings(4, new TrainingDepartures(RankFinalWeights: true)), new Random(6), null));
            CollectionAssert.AreEqual(new[] { -1f }, AutoencoderTraining.Train(new RecordingBackend(), rows, Settings(1), new Random(6), null), "one epoch: no pruning, the final weights");
        }

        [TestMethod]
        public void DroppedUnitsStillPassTheirGradientToTheEncoderUnlessDropoutIsInverted()
        {
            // Every hidden unit dropped: the decoder sees zeros, yet the authors' backward pass updates the encoder as if the units
            // had fired; inverted dropout masks that gradient, leaving only the weight decay.
            float[][] rows = Rows(4, 5, 7);
            float EncoderChange(TrainingDepartures departures)
            {
                AutoencoderSettings settings = Settings(1, departures);
                var (encoder, decoder) = AutoencoderTraining.InitialLayers(5, settings, new Random(8));
                float[] before = encoder.Connections().Select(c => c.Weight).ToArray();
                using var backend = new SparseAutoencoder(encoder, decoder, settings);
                // A batch's dropout multipliers start at zero: every unit dropped.
                var batch = new TrainingBatch(5, settings.Hidden, 4) { Size = 4 };
                for (int b = 0; b < 4; b++)
                    for (int f = 0; f < 5; f++)
                        batch.Clean[f * 4 + b] = batch.Noisy[f * 4 + b] = rows[b][f];
                backend.Step(batch);
                return encoder.Connections().Select((c, i) => Math.Abs(c.Weight - before[i]) - Math.Abs(before[i]) * settings.WeightDecay).Max();
            }

            Assert.IsTrue(EncoderChange(new TrainingDepartures()) > 1e-5f, "the encoder learns from dropped units");
            Assert.IsTrue(EncoderChange(new TrainingDepartures(InvertedDropout: true)) < 1e-6f, "only decay moves the encoder");
        }

        [TestMethod]
        public void WeightsStartAndRegrowAsTheAuthorsDrawThem()
        {
            // ε(inputs + outputs) draws at random positions, weights N(0, 1) / 10.
            var layer = SparseLayer.ErdosRenyi(200, 300, epsilon: 10, new Random(9));
            float[] weights = layer.Connections().Select(c => c.Weight).ToArray();
            double expected = 200 * 300 * (1 - Math.Pow(1 - 1.0 / (200 * 300), 5000));
            Assert.AreEqual(expected, weights.Length, 3 * Math.Sqrt(expected), "distinct positions of 5,000 draws");
            Assert.AreEqual(0, weights.Average(), 0.005);
            Assert.AreEqual(0.1, Math.Sqrt(weights.Average(w => w * w)), 0.005, "standard deviation 0.1");

            var (grown, _) = RegrownWeights(glorot: false);
            Assert.AreEqual(0.1, Math.Sqrt(grown.Average(w => w * w)), 0.01, "regrown like the initial ones");
            var (glorot, limit) = RegrownWeights(glorot: true);
            Assert.IsTrue(glorot.All(w => Math.Abs(w) <= limit) && glorot.Max(Math.Abs) > 0.9 * limit, "Glorot-uniform within its limit");

            (float[] Weights, double GlorotLimit) RegrownWeights(bool glorot)
            {
                var evolving = SparseLayer.ErdosRenyi(200, 300, epsilon: 10, new Random(9), glorot);
                var before = evolving.Connections().Select(c => (c.Input, c.Output)).ToHashSet();
                evolving.Evolve(0.3, new Random(10), glorot);
                float[] weights = evolving.Connections().Where(c => !before.Contains((c.Input, c.Output))).Select(c => c.Weight).ToArray();
                return (weights, Math.Sqrt(6.0 / (evolving.ConnectionCount / (200.0 * 300) * 500)));
            }
        }
    }
}
