using System;
using System.Linq;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Transforms.QuickSelecting.Core;
using TorchSharp;

namespace MLExt.Transforms.Tests.QuickSelecting
{
    [TestClass]
    public class SparseKernelTests
    {
        private const int Inputs = 9, Outputs = 7, Batch = 5;

        private static SparseLayer RandomLayer(int seed, out float[,] dense)
        {
            var random = new Random(seed);
            SparseLayer layer = SparseLayer.ErdosRenyi(Inputs, Outputs, epsilon: 1.5, random);
            dense = new float[Inputs, Outputs];
            foreach (Connection c in layer.Connections())
                dense[c.Input, c.Output] = c.Weight;
            return layer;
        }

        private static float[] RandomValues(int count, int seed)
        {
            var random = new Random(seed);
            return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        }

        [TestMethod]
        public void ForwardAndBackwardMatchDenseProducts()
        {
            SparseLayer layer = RandomLayer(1, out float[,] w);
            Assert.IsTrue(layer.ConnectionCount > 0 && layer.ConnectionCount < Inputs * Outputs, "sparse, not empty");
            float[] input = RandomValues(Inputs * Batch, 2);      // [input * Batch + sample]
            var output = new float[Outputs * Batch];
            layer.Forward(input, output, Batch);
            for (int j = 0; j < Outputs; j++)
                for (int b = 0; b < Batch; b++)
                {
                    double expected = layer.Bias[j];
                    for (int i = 0; i < Inputs; i++)
                        expected += w[i, j] * input[i * Batch + b];
                    Assert.AreEqual(expected, output[j * Batch + b], 1e-5, $"output {j}, sample {b}");
                }

            float[] gradient = RandomValues(Outputs * Batch, 3);
            var inputGradient = new float[Inputs * Batch];
            layer.BackwardInput(gradient, inputGradient, Batch);
            for (int i = 0; i < Inputs; i++)
                for (int b = 0; b < Batch; b++)
                {
                    double expected = 0;
                    for (int j = 0; j < Outputs; j++)
                        expected += w[i, j] * gradient[j * Batch + b];
                    Assert.AreEqual(expected, inputGradient[i * Batch + b], 1e-5, $"input {i}, sample {b}");
                }
        }

        [TestMethod]
        [DataRow(0.01f, 0f, DisplayName = "decay in the gradient")]
        [DataRow(0f, 0.01f, DisplayName = "decay after the step")]
        public void UpdatesOnlyExistingConnectionsLikeMaskedMomentumSgd(float gradientDecay, float stepDecay)
        {
            SparseLayer layer = RandomLayer(4, out float[,] w);
            float[] input = RandomValues(Inputs * Batch, 5), gradient = RandomValues(Outputs * Batch, 6);
            const float rate = 0.1f, momentum = 0.9f;
            // Two steps, so that momentum matters; the dense reference computes the full gradient and masks it.
            var velocity = new float[Inputs, Outputs];
            for (int step = 0; step < 2; step++)
            {
                layer.Update(input, gradient, Batch, rate, momentum, gradientDecay, stepDecay);
                for (int i = 0; i < Inputs; i++)
                    for (int j = 0; j < Outputs; j++)
                    {
                        if (w[i, j] == 0)
                            continue;
                        double g = gradientDecay * w[i, j];
                        for (int b = 0; b < Batch; b++)
                            g += input[i * Batch + b] * gradient[j * Batch + b];
                        velocity[i, j] = (float)(momentum * velocity[i, j] - rate * g);
                        w[i, j] = (1 - stepDecay) * w[i, j] + velocity[i, j];
                    }
            }
            var connections = layer.Connections().ToArray();
            foreach (Connection c in connections)
            {
                Assert.AreEqual(w[c.Input, c.Output], c.Weight, 1e-5, $"weight ({c.Input}, {c.Output})");
                Assert.AreEqual(velocity[c.Input, c.Output], c.Velocity, 1e-5, $"momentum ({c.Input}, {c.Output})");
            }
            Assert.AreEqual(connections.Length, connections.Select(c => (c.Input, c.Output)).Distinct().Count());
            // Input strength is the sum of absolute weights of the input's connections.
            float[] strengths = layer.InputStrengths();
            for (int i = 0; i < Inputs; i++)
                Assert.AreEqual(Enumerable.Range(0, Outputs).Sum(j => Math.Abs(w[i, j])), strengths[i], 1e-5);
        }

        [TestMethod]
        public void EvolutionRemovesTheWeakestOfEachSignAndRegrowsAsMany()
        {
            var layer = SparseLayer.ErdosRenyi(40, 30, epsilon: 5, new Random(7));
            Connection[] before = layer.Connections().ToArray();
            // Give connections momentum, so that new ones can be told apart by having none.
            layer.SetValues(before.Select(c => c.Weight).ToArray(), before.Select(_ => 1f).ToArray(), layer.Bias, layer.BiasVelocity);
            before = layer.Connections().ToArray();
            float[] prunedStrengths = layer.Evolve(zeta: 0.3, new Random(8));
            Connection[] after = layer.Connections().ToArray();

            Assert.AreEqual(before.Length, after.Length, "the connection count is kept");
            Assert.AreEqual(after.Length, after.Select(c => (c.Input, c.Output)).Distinct().Count(), "no position twice");
            var survivors = after.Where(c => c.Velocity == 1f).ToArray();
            var positives = before.Where(c => c.Weight > 0).OrderBy(c => c.Weight).ToArray();
            var negatives = before.Where(c => c.Weight < 0).OrderByDescending(c => c.Weight).ToArray();
            int removed = (int)(0.3 * positives.Length) + (int)(0.3 * negatives.Length);
            Assert.AreEqual(before.Length - removed, survivors.Length);
            Assert.IsTrue(after.Where(c => c.Velocity == 0).All(c => c.Weight != 0), "regrown connections get new weights and no momentum");
            var kept = survivors.Select(c => (c.Input, c.Output)).ToHashSet();
            foreach (var c in positives.Take((int)(0.3 * positives.Length)).Concat(negatives.Take((int)(0.3 * negatives.Length))))
                Assert.IsFalse(kept.Contains((c.Input, c.Output)) && after.Single(a => a.Input == c.Input && a.Output == c.Output).Velocity == 1f, "a weak connection survived");
            Assert.IsTrue(survivors.All(s => before.Any(b => b.Input == s.Input && b.Output == s.Output && b.Weight == s.Weight)), "survivors keep their weights");
            for (int i = 0; i < 40; i++)
                Assert.AreEqual(survivors.Where(c => c.Input == i).Sum(c => Math.Abs(c.Weight)), prunedStrengths[i], 1e-5, $"input {i}'s strength between pruning and regrowth");
        }

        [TestMethod]
        public void TheDenseMaskedTorchBackendTrainsLikeTheSparseOne()
        {
            var settings = new AutoencoderSettings(Hidden: 24, Epsilon: 4, Zeta: 0.2, NoiseFactor: 0.2, Epochs: 3, BatchSize: 16,
                LearningRate: 0.01f, Momentum: 0.9f, WeightDecay: 1e-5f, HiddenDropout: 0.2);
            var data = new Random(9);
            float[][] rows = Enumerable.Range(0, 16).Select(_ => Enumerable.Range(0, 12).Select(_ => (float)(data.NextDouble() * 2 - 1)).ToArray()).ToArray();

            float[] Train(Func<SparseLayer, SparseLayer, IAutoencoderBackend> make)
            {
                var random = new Random(10);
                var (encoder, decoder) = AutoencoderTraining.InitialLayers(12, settings, random);
                using IAutoencoderBackend backend = make(encoder, decoder);
                return AutoencoderTraining.Train(backend, rows, settings, random, null);
            }

            float[] sparse = Train((e, d) => new SparseAutoencoder(e, d, settings));
            float[] dense = Train((e, d) => new DenseMaskedAutoencoder(e, d, settings, torch.CPU));
            for (int i = 0; i < sparse.Length; i++)
                Assert.AreEqual(sparse[i], dense[i], 1e-3 * Math.Abs(sparse[i]), $"strength of input {i}");
        }
    }
}
