using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Microsoft.ML.Runtime;
using MLExt.Neural.Featurization;
using MLExt.Neural.Networks;
using MLExt.Neural.Tasks;
using MLExt.Trainers;
using TorchSharp;
using static TorchSharp.torch;

namespace MLExt.Neural.Training
{
    /// <summary>
    /// Mini-batch training of a <see cref="NeuralNetwork"/> on the columnar cache: per-epoch shuffling with the seed, every batch in
    /// a dispose scope, the task's loss with the hooks' penalties and proximal steps, gradient clipping, and on validation data
    /// early stopping on the task's metric with restore-best and learning-rate reduction on plateau.
    /// </summary>
    internal static class TrainingLoop
    {
        /// <summary>
        /// Trains a new network, starting at the task's bias or where <paramref name="start"/> sets its weights; <paramref name="host"/>'s cancellation (<c>MLContext.CancelExecution</c>, as AutoML's time budget
        /// uses) stops it at the next batch. On any failure the network and the optimizer are released before the error leaves.
        /// </summary>
        public static NeuralNetwork Train(NetworkSpec spec, NeuralTask task, FeaturizedRows train, FeaturizedRows validation, NeuralTrainerOptions options,
            TrainingDefaults sizes, IReadOnlyList<TrainingHook> hooks, Device device, int seed, IHost host, IChannel channel, Action<NeuralNetwork> start = null)
        {
            torch.manual_seed(seed);
            NeuralNetwork network = NeuralNetwork.Create(spec);
            ParameterOptimizer optimizer = null;
            Dictionary<string, Tensor> best = null;
            try
            {
                network.to(device);
                if (start is null)
                    network.StartAt(task.StartingBias(train.Labels, train.Weights));
                else
                    start(network);
                optimizer = Optimizer(network, options);
                var run = new TrainingRun(network, task, train, validation, device);
                foreach (TrainingHook hook in hooks)
                    hook.Begin(run);

                var random = new Random(seed);
                int[] order = Enumerable.Range(0, train.Rows).ToArray();
                var batch = new TensorBatch(sizes.BatchSize, train.IdWidth, train.NumericFields);
                double bestMetric = double.NaN;
                int epochsWithoutGain = 0;
                for (int epoch = 0; epoch < sizes.NumberOfEpochs; epoch++)
                {
                    network.train();
                    random.Shuffle(order);
                    var watch = Stopwatch.StartNew();
                    var (lossSum, batches) = Epoch(network, optimizer, task, train, batch, order, hooks, options, epoch, device, host, channel);
                    double seconds = watch.Elapsed.TotalSeconds;
                    foreach (TrainingHook hook in hooks)
                        hook.EndEpoch(epoch, channel.Info);
                    string message = $"Epoch {epoch + 1}/{sizes.NumberOfEpochs}: {batches} batches, loss {lossSum / Math.Max(1, batches):F5}, {train.Rows / Math.Max(seconds, 1e-9):N0} samples/s";
                    if (validation == null)
                    {
                        channel.Info(message + ".");
                        continue;
                    }
                    double metric = task.Metric(Predict(network, validation, batch, device), validation.Labels);
                    channel.Info(message + $", validation {task.MetricName} {metric:F5}.");
                    if (double.IsNaN(bestMetric) || (task.HigherIsBetter ? metric > bestMetric : metric < bestMetric))
                    {
                        bestMetric = metric;
                        epochsWithoutGain = 0;
                        if (options.RestoreBestModel)
                        {
                            DisposeAll(best);
                            best = Snapshot(network);
                        }
                        continue;
                    }
                    epochsWithoutGain++;
                    if (epochsWithoutGain >= sizes.EarlyStoppingPatience)
                    {
                        channel.Info($"Validation {task.MetricName} has not improved for {epochsWithoutGain} epochs; stopping.");
                        break;
                    }
                    if (options.ReduceLearningRateOnPlateau)
                    {
                        optimizer.LearningRate *= 0.1;
                        channel.Info($"Validation {task.MetricName} did not improve; learning rate divided by 10.");
                    }
                }
                if (best != null)
                {
                    network.load_state_dict(best);
                    channel.Info($"Restored the weights of the best validation {task.MetricName}, {bestMetric:F5}.");
                }
                foreach (TrainingHook hook in hooks)
                    hook.End(channel.Info);
                return network;
            }
            catch
            {
                network.Dispose();
                throw;
            }
            finally
            {
                DisposeAll(best);
                optimizer?.Dispose();
            }
        }

        /// <summary>The options' optimizer over the network's parameters.</summary>
        public static ParameterOptimizer Optimizer(NeuralNetwork network, NeuralTrainerOptions options)
            => ParameterOptimizer.For(options.Optimizer, network.parameters(), options.LearningRate);

        /// <summary>
        /// One pass over the training rows in <paramref name="order"/>, in batches of the buffers' size: the task's loss with the hooks'
        /// penalties, the optimizer's step, the hooks' proximal steps. Returns the summed task loss and the number of batches.
        /// </summary>
        public static (double LossSum, int Batches) Epoch(NeuralNetwork network, ParameterOptimizer optimizer, NeuralTask task, FeaturizedRows train,
            TensorBatch batch, int[] order, IReadOnlyList<TrainingHook> hooks, NeuralTrainerOptions options, int epoch, Device device, IHost host, IChannel channel)
        {
            double lossSum = 0;
            int batches = 0;
            for (int start = 0; start < train.Rows; start += batch.Size)
            {
                host.CheckAlive();
                int[] rows = order[start..Math.Min(start + batch.Size, train.Rows)];
                using var scope = NewDisposeScope();
                var (ids, numeric) = batch.Inputs(train, rows, device);
                var (labels, weights) = batch.Targets(train, rows, device);
                var (outputs, loss) = Forward(network, task, ids, numeric, labels, weights, options);
                double taskLoss = loss.item<float>();
                var step = new TrainingStep
                {
                    Ids = ids, Numeric = numeric, Outputs = outputs, Labels = labels, Weights = weights, Rows = rows, Epoch = epoch,
                    LearningRate = optimizer.LearningRate,
                };
                foreach (TrainingHook hook in hooks)
                    loss = hook.Loss(loss, step);
                optimizer.ZeroGrad();
                loss.backward();
                if (options.GradientClipNorm > 0)
                    nn.utils.clip_grad_norm_(network.parameters(), options.GradientClipNorm);
                optimizer.Step();
                foreach (TrainingHook hook in hooks)
                    hook.AfterStep(step);
                if (double.IsNaN(taskLoss))
                    throw channel.Except($"Training diverged (loss NaN) in epoch {epoch + 1}; lower LearningRate or set GradientClipNorm.");
                lossSum += taskLoss;
                batches++;
            }
            return (lossSum, batches);
        }

        /// <summary>
        /// The batch's outputs and loss. With multi-sample dropout, the body runs once and the head M times over M dropout masks of
        /// its hidden features: the loss is the mean of the M losses, the outputs (what hooks see) the mean of the M outputs.
        /// </summary>
        private static (Tensor Outputs, Tensor Loss) Forward(NeuralNetwork network, NeuralTask task, Tensor ids, Tensor numeric, Tensor labels, Tensor weights,
            NeuralTrainerOptions options)
        {
            if (options.DropoutSamples <= 1)
            {
                Tensor outputs = network.forward(ids, numeric);
                return (outputs, task.Loss(outputs, labels, weights));
            }
            NetworkBody body = network.Body(ids, numeric);
            var samples = new Tensor[options.DropoutSamples];
            var losses = new Tensor[options.DropoutSamples];
            for (int m = 0; m < samples.Length; m++)
            {
                samples[m] = network.Head(body with { Hidden = nn.functional.dropout(body.Hidden, options.Dropout, training: true) });
                losses[m] = task.Loss(samples[m], labels, weights);
            }
            return (stack(samples).mean(new long[] { 0 }), stack(losses).mean());
        }

        /// <summary>
        /// Outputs for every row of <paramref name="data"/> (rows × outputs, row-major), computed without gradients in batches of the
        /// buffers' size.
        /// </summary>
        public static float[] Predict(NeuralNetwork network, FeaturizedRows data, TensorBatch batch, Device device)
        {
            network.eval();
            int width = network.Spec.Outputs;
            var outputs = new float[data.Rows * width];
            int[] all = Enumerable.Range(0, data.Rows).ToArray();
            using var noGrad = no_grad();
            for (int start = 0; start < data.Rows; start += batch.Size)
            {
                using var scope = NewDisposeScope();
                var (ids, numeric) = batch.Inputs(data, all.AsSpan(start, Math.Min(batch.Size, data.Rows - start)), device);
                using Tensor output = network.forward(ids, numeric).cpu();
                using var values = output.data<float>();
                values.CopyTo(outputs, start * width);
            }
            return outputs;
        }

        /// <summary>A copy of the network's weights and buffers, to load back later (dispose it with <see cref="DisposeAll"/>).</summary>
        public static Dictionary<string, Tensor> Snapshot(NeuralNetwork network) => network.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());

        public static void DisposeAll(Dictionary<string, Tensor> state)
        {
            foreach (Tensor t in state?.Values ?? Enumerable.Empty<Tensor>())
                t.Dispose();
        }
    }
}
