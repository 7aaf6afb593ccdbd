using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Runtime;
using MLExt.Devices;
using MLExt.Neural.Featurization;
using MLExt.Neural.Networks;
using MLExt.Neural.Tasks;
using MLExt.Neural.Training;
using MLExt.Trainers;
using TorchSharp;
using static TorchSharp.torch;

namespace MLExt.Neural.Gates
{
    /// <summary>The settings of an OptFS gate search (see <see cref="GatedTrainerOptions"/>).</summary>
    internal sealed record GateSearchSettings(float Strength, float FinalTemperature, int SearchEpochs, int RewindEpoch, float LearningRate)
    {
        /// <summary>The gates' learning rate: the one set, or the larger of the network's and 2 / the search's steps (Adam moves a
        /// logit about the rate per step, and a gate starting at 0.5 must be able to fall well below 0).</summary>
        public double GateLearningRate(float networkRate, int rows, int batchSize)
            => LearningRate > 0 ? LearningRate : Math.Max(networkRate, 2.0 / (SearchEpochs * Math.Ceiling(rows / (double)batchSize)));
    }

    /// <summary>
    /// What a gate search found: whether each id (the pad id's entry unused) and each standardized numeric field is kept, ids
    /// first, and the network's weights at the start of the rewind epoch. Dispose it to release the weights.
    /// </summary>
    internal sealed class GateSearchOutcome : IDisposable
    {
        public GateSearchOutcome(bool[] kept, Dictionary<string, Tensor> rewound)
        {
            Kept = kept;
            Rewound = rewound;
        }

        public bool[] Kept { get; }

        public Dictionary<string, Tensor> Rewound { get; }

        public void Dispose() => TrainingLoop.DisposeAll(Rewound);
    }

    /// <summary>
    /// OptFS's search: the network trains for the search epochs with a gate on every value, the loss plus strength / rows × Σ σ(t·m) and the
    /// gates on their own Adam; the temperature t starts at 1 and grows by FinalTemperature^(1/(epochs − 1)) after each epoch, so the
    /// gates harden (learning by continuation). The weights at the start of the rewind epoch are kept for the retraining.
    /// </summary>
    internal static class GateSearch
    {
        public static GateSearchOutcome Run(NetworkSpec spec, NeuralTask task, FeaturizedRows train, FeaturizedRows validation, NeuralTrainerOptions options,
            GateSearchSettings settings, TrainingDefaults sizes, IReadOnlyList<TrainingHook> hooks, Device device, int seed, IHost host, IChannel channel)
        {
            torch.manual_seed(seed);
            // The gates choose among full tables' values; compression, if asked for, applies to the kept values' tables after.
            using NeuralNetwork network = NeuralNetwork.Create(spec with { Tables = null });
            network.to(device);
            network.StartAt(task.StartingBias(train.Labels, train.Weights));
            using var gates = new ValueGates(spec.IdCount + 1, spec.NumericCount, device);
            using var optimizer = TrainingLoop.Optimizer(network, options);
            double gateRate = settings.GateLearningRate(options.LearningRate, train.Rows, sizes.BatchSize);
            using var gateOptimizer = ParameterOptimizer.For(CtrOptimizer.Adam, new[] { gates.Logits }, gateRate);
            channel.Info($"Gate search: {settings.SearchEpochs} epochs, strength {settings.Strength:G3} / {train.Rows} rows, temperature 1 to {settings.FinalTemperature:G4}, gate learning rate {gateRate:G3}.");
            network.Embedding.Gates = gates;
            // The strength is over the whole training set; the batch loss is a mean over rows.
            var all = hooks.Append(new GatePenalty(gates, gateOptimizer, settings.Strength / train.Rows)).ToList();
            var run = new TrainingRun(network, task, train, validation, device);
            foreach (TrainingHook hook in all)
                hook.Begin(run);

            Dictionary<string, Tensor> rewound = null;
            try
            {
                double growth = settings.SearchEpochs > 1 ? Math.Pow(settings.FinalTemperature, 1.0 / (settings.SearchEpochs - 1)) : 1;
                var random = new Random(seed);
                int[] order = Enumerable.Range(0, train.Rows).ToArray();
                var batch = new TensorBatch(sizes.BatchSize, train.IdWidth, train.NumericFields);
                int values = spec.IdCount + spec.NumericCount;
                for (int epoch = 0; epoch < settings.SearchEpochs; epoch++)
                {
                    if (epoch > 0)
                        gates.Temperature *= growth;
                    if (epoch == settings.RewindEpoch)
                        rewound = TrainingLoop.Snapshot(network);
                    network.train();
                    random.Shuffle(order);
                    var (lossSum, batches) = TrainingLoop.Epoch(network, optimizer, task, train, batch, order, all, options, epoch, device, host, channel);
                    foreach (TrainingHook hook in all)
                        hook.EndEpoch(epoch, channel.Info);
                    int kept = Kept(gates.Kept(), spec.IdCount);
                    string message = $"Gate search epoch {epoch + 1}/{settings.SearchEpochs}: temperature {gates.Temperature:G4}, loss {lossSum / Math.Max(1, batches):F5}, " +
                        $"{kept} of {values} values kept ({100.0 * kept / Math.Max(1, values):F1}%)";
                    if (validation != null)
                        message += $", validation {task.MetricName} {task.Metric(TrainingLoop.Predict(network, validation, batch, device), validation.Labels):F5}";
                    channel.Info(message + ".");
                }
                foreach (TrainingHook hook in all)
                    hook.End(channel.Info);
                var outcome = new GateSearchOutcome(gates.Kept(), rewound);
                rewound = null;
                return outcome;
            }
            finally
            {
                network.Embedding.Gates = null;
                TrainingLoop.DisposeAll(rewound);
            }
        }

        /// <summary>Kept values: ids (the pad id's entry, last of the ids, not counted) and numeric fields.</summary>
        public static int Kept(bool[] kept, int idCount) => kept.Where((open, i) => open && i != idCount).Count();

        /// <summary>
        /// Loads the rewound weights into <paramref name="network"/>, built over the kept values: its id tables take the rows
        /// <paramref name="rowOfId"/> names (each new id's row in the searched network's tables), every other weight as it was (the
        /// id tables are the only weights whose shape the kept values change).
        /// </summary>
        public static void Rewind(NeuralNetwork network, Dictionary<string, Tensor> rewound, long[] rowOfId)
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            Tensor rows = tensor(rowOfId, device: rewound.Values.First().device);
            foreach (var (name, target) in network.state_dict())
            {
                Tensor source = rewound[name];
                target.copy_(source.shape.SequenceEqual(target.shape) ? source : source.index_select(0, rows));
            }
        }

        // The penalty on the soft gates, and the gates' own optimizer stepped with the network's.
        private sealed class GatePenalty : TrainingHook
        {
            private readonly ValueGates _gates;
            private readonly ParameterOptimizer _optimizer;
            private readonly float _strength;

            public GatePenalty(ValueGates gates, ParameterOptimizer optimizer, float strength)
            {
                _gates = gates;
                _optimizer = optimizer;
                _strength = strength;
            }

            public override Tensor Loss(Tensor loss, TrainingStep step)
            {
                _optimizer.ZeroGrad();
                return loss.Plus(_gates.Penalty().Times(_strength));
            }

            public override void AfterStep(TrainingStep step) => _optimizer.Step();
        }
    }
}
