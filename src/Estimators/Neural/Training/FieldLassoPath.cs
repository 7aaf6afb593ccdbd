using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Runtime;
using MLExt.Neural.Featurization;
using MLExt.Neural.Networks;
using MLExt.Neural.Tasks;
using static TorchSharp.torch;

namespace MLExt.Neural.Training
{
    /// <summary>
    /// A field ranking from a group-lasso path, as LassoNet ranks features: from the trained network, the field group lasso's
    /// strength rises geometrically from <see cref="First"/> to <see cref="Last"/>, one epoch per strength, warm-started; the
    /// strength at which a field's weights reach zero is its exit, and the order of exits ranks the fields (first out, least
    /// needed; fields leaving at the same strength in the order of their norms one strength before). The trained weights are
    /// restored afterwards: the path only reads.
    /// </summary>
    internal static class FieldLassoPath
    {
        public const double First = 0.01, Last = 1000;

        /// <summary>The fields in exit order, each with its exit strength (+∞ for one still in at the end).</summary>
        public static (int Field, double Strength)[] Walk(NeuralNetwork network, NeuralTask task, FeaturizedRows train, NeuralTrainerOptions options, TrainingDefaults sizes,
            Device device, int seed, IHost host, IChannel channel)
        {
            Dictionary<string, Tensor> trained = TrainingLoop.Snapshot(network);
            var optimizer = TrainingLoop.Optimizer(network, options);
            FieldLassoHook hook = options.FieldGroupLassoHierarchy > 0
                ? new HierarchicalFieldGroupLasso((float)First, options.FieldGroupLassoHierarchy)
                : new FieldGroupLasso((float)First);
            try
            {
                hook.Begin(new TrainingRun(network, task, train, null, device));
                var exits = Enumerable.Repeat(double.PositiveInfinity, network.Embedding.FieldCount).ToArray();
                // Each field's norm (frequency-weighted, as the lasso judges fields) at the strength before it left, or at the end: the
                // tie-break among fields leaving together, or never.
                var before = new double[exits.Length];
                var random = new Random(seed);
                int[] order = Enumerable.Range(0, train.Rows).ToArray();
                var batch = new TensorBatch(sizes.BatchSize, train.IdWidth, train.NumericFields);
                int steps = options.FieldGroupLassoPath;
                for (int i = 0; i < steps; i++)
                {
                    double strength = First * Math.Pow(Last / First, steps == 1 ? 0 : i / (double)(steps - 1));
                    hook.Strength = (float)strength;
                    network.train();
                    random.Shuffle(order);
                    TrainingLoop.Epoch(network, optimizer, task, train, batch, order, new[] { hook }, options, i, device, host, channel);
                    hook.Settle();
                    float[] norms;
                    using (no_grad())
                        norms = network.Embedding.FieldSquaredNorms(hook.RowWeights).cpu().data<float>().ToArray();
                    for (int f = 0; f < exits.Length; f++)
                    {
                        if (norms[f] == 0 && double.IsPositiveInfinity(exits[f]))
                            exits[f] = strength;
                        else if (norms[f] > 0)
                            before[f] = norms[f];
                    }
                    int left = exits.Count(double.IsPositiveInfinity);
                    channel.Info($"Field path: strength {strength:G3}, {left} of {exits.Length} fields left.");
                    if (left == 0)
                        break;
                }
                return Enumerable.Range(0, exits.Length).OrderBy(f => exits[f]).ThenBy(f => before[f]).Select(f => (f, exits[f])).ToArray();
            }
            finally
            {
                hook.End(_ => { });
                optimizer.Dispose();
                network.load_state_dict(trained);
                TrainingLoop.DisposeAll(trained);
            }
        }
    }
}
