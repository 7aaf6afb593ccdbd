using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Microsoft.ML.Runtime;
using MLExt.Trainers.Ctr.Featurization;
using MLExt.Trainers.Ctr.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace MLExt.Trainers.Ctr.Training
{
    /// <summary>
    /// Mini-batch training of a <see cref="CtrNetwork"/> on the columnar cache: per-epoch shuffling with the seed, every batch in
    /// a dispose scope, weighted log loss plus separate embedding and network L2, gradient clipping, and on validation data
    /// early stopping on AUC with restore-best and learning-rate reduction on plateau.
    /// </summary>
    internal static class CtrTrainingLoop
    {
        /// <summary>
        /// Trains a new network; <paramref name="host"/>'s cancellation (<c>MLContext.CancelExecution</c>, as AutoML's time budget
        /// uses) stops it at the next batch.
        /// </summary>
        public static CtrNetwork Train(CtrNetworkSpec spec, CtrData train, CtrData validation, CtrTrainer.Options options, Device device, int seed,
            IHost host, IChannel channel)
        {
            torch.manual_seed(seed);
            CtrNetwork network = CtrNetwork.Create(spec);
            network.to(device);
            network.TracksEmbeddingNorm = options.EmbeddingL2 > 0;
            network.StartAtBaseRate(train.Weights == null ? train.Labels.Average()
                : train.Labels.Zip(train.Weights, (label, weight) => (double)label * weight).Sum() / Math.Max(train.Weights.Sum(w => (double)w), double.Epsilon));
            // The network L2 covers weight matrices outside the embedding layer (registered as "embedding").
            var networkWeights = network.named_parameters().Where(p => !p.name.StartsWith("embedding.", StringComparison.Ordinal) && p.parameter.dim() > 1)
                .Select(p => (Tensor)p.parameter).ToArray();
            torch.optim.Optimizer optimizer = options.Optimizer == CtrOptimizer.Adagrad
                ? torch.optim.Adagrad(network.parameters(), lr: options.LearningRate)
                : torch.optim.Adam(network.parameters(), lr: options.LearningRate);

            var random = new Random(seed);
            int[] order = Enumerable.Range(0, train.Rows).ToArray();
            var batch = new TensorBatch(options.BatchSize, train.IdWidth, train.NumericFields);
            double bestAuc = double.NegativeInfinity;
            Dictionary<string, Tensor> best = null;
            int epochsWithoutGain = 0;
            for (int epoch = 0; epoch < options.NumberOfEpochs; epoch++)
            {
                network.train();
                random.Shuffle(order);
                var watch = Stopwatch.StartNew();
                double lossSum = 0;
                int batches = 0;
                for (int start = 0; start < train.Rows; start += options.BatchSize)
                {
                    host.CheckAlive();
                    ReadOnlySpan<int> rows = order.AsSpan(start, Math.Min(options.BatchSize, train.Rows - start));
                    using var scope = NewDisposeScope();
                    var (ids, numeric) = batch.Inputs(train, rows, device);
                    var (labels, weights) = batch.Targets(train, rows, device);
                    Tensor logits = network.forward(ids, numeric);
                    Tensor loss = nn.functional.binary_cross_entropy_with_logits(logits, labels, weight: weights);
                    double logLoss = loss.item<float>();
                    if (options.EmbeddingL2 > 0)
                        loss = loss + options.EmbeddingL2 * network.LastEmbeddingSquaredNorm / rows.Length;
                    if (options.NetworkL2 > 0 && networkWeights.Length > 0)
                        loss = loss + options.NetworkL2 * networkWeights.Select(w => w.square().sum()).Aggregate((a, b) => a + b);
                    optimizer.zero_grad();
                    loss.backward();
                    if (options.GradientClipNorm > 0)
                        nn.utils.clip_grad_norm_(network.parameters(), options.GradientClipNorm);
                    optimizer.step();
                    if (double.IsNaN(logLoss))
                        throw channel.Except($"Training diverged (log loss NaN) in epoch {epoch + 1}; lower LearningRate or set GradientClipNorm.");
                    lossSum += logLoss;
                    batches++;
                }
                double seconds = watch.Elapsed.TotalSeconds;
                string message = $"Epoch {epoch + 1}/{options.NumberOfEpochs}: {batches} batches, log loss {lossSum / Math.Max(1, batches):F5}, {train.Rows / Math.Max(seconds, 1e-9):N0} samples/s";
                if (validation == null)
                {
                    channel.Info(message + ".");
                    continue;
                }
                double auc = Auc.Of(Predict(network, validation, batch, device), validation.Labels);
                channel.Info(message + $", validation AUC {auc:F5}.");
                if (auc > bestAuc)
                {
                    bestAuc = auc;
                    epochsWithoutGain = 0;
                    if (options.RestoreBestModel)
                    {
                        DisposeAll(best);
                        best = network.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());
                    }
                    continue;
                }
                epochsWithoutGain++;
                if (epochsWithoutGain >= options.EarlyStoppingPatience)
                {
                    channel.Info($"Validation AUC has not improved for {epochsWithoutGain} epochs; stopping.");
                    break;
                }
                if (options.ReduceLearningRateOnPlateau)
                {
                    foreach (var group in optimizer.ParamGroups)
                        group.LearningRate *= 0.1;
                    channel.Info("Validation AUC did not improve; learning rate divided by 10.");
                }
            }
            if (best != null)
            {
                network.load_state_dict(best);
                DisposeAll(best);
                channel.Info($"Restored the weights of the best validation AUC, {bestAuc:F5}.");
            }
            optimizer.Dispose();
            network.TracksEmbeddingNorm = false;
            return network;
        }

        /// <summary>Logits for every row of <paramref name="data"/>, computed without gradients in batches of the buffers' size.</summary>
        public static float[] Predict(CtrNetwork network, CtrData data, TensorBatch batch, Device device)
        {
            network.eval();
            var logits = new float[data.Rows];
            int[] all = Enumerable.Range(0, data.Rows).ToArray();
            using var noGrad = no_grad();
            for (int start = 0; start < data.Rows; start += batch.Size)
            {
                using var scope = NewDisposeScope();
                var (ids, numeric) = batch.Inputs(data, all.AsSpan(start, Math.Min(batch.Size, data.Rows - start)), device);
                using Tensor output = network.forward(ids, numeric).cpu();
                using var values = output.data<float>();
                values.CopyTo(logits, start);
            }
            return logits;
        }

        private static void DisposeAll(Dictionary<string, Tensor> state)
        {
            foreach (Tensor t in state?.Values ?? Enumerable.Empty<Tensor>())
                t.Dispose();
        }
    }
}
