using System;
using System.Linq;
using System.Diagnostics;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLExt.Data;
using MLExt.Trainers;
using MLExt.Neural.Featurization;
using MLExt.Neural.Networks;
using MLExt.Neural.Tasks;
using static TorchSharp.torch;

namespace MLExt.Benchmarks.Ctr
{
    /// <summary>
    /// Where an AutoInt+ training step goes, against DeepFM's: both in the bare loop, and libtorch's fused attention alone
    /// (forward and backward, every layer) on tensors of the shapes and layout AutoInt+ hands it. What AutoInt+ spends beyond
    /// DeepFM and beyond the attention itself is what its own code could still cut.
    /// </summary>
    internal static class AttentionCostBenchmark
    {
        public const string Heading = "### AutoInt+ per training step";

        private const int Rows = 40_960;
        private const int Repeats = 3;

        public static string Run(Action<string> log)
        {
            var mlContext = new MLContext(seed: 1);
            var clicks = new CriteoLikeData(new CriteoLikeDataOptions { RowCount = Rows, Seed = 2026 });
            IDataView data = mlContext.Data.Cache(clicks);
            string[] categorical = clicks.CategoricalColumnNames.ToArray(), numeric = clicks.NumericColumnNames.ToArray();
            CtrTrainer.Options deepFm = CtrBenchmark.Options(CtrModel.DeepFM, categorical, numeric, 1), autoInt = CtrBenchmark.Options(CtrModel.AutoIntPlus, categorical, numeric, 1);
            var host = ((IHostEnvironment)mlContext).Register("benchmark");
            var (featurizer, cache) = NeuralFeaturizer.Learn(host, data, deepFm, NeuralTask.Binary, deepFm.Seed.Value, long.MaxValue);
            using (cache)
            {
                NetworkSpec deepSpec = CtrTrainer.NetworkSpec(deepFm, featurizer), autoSpec = CtrTrainer.NetworkSpec(autoInt, featurizer);
                int steps = cache.Rows / deepFm.BatchSize;
                // Warm-up, then alternating, so each side sees the same share of a busy machine.
                CtrBenchmark.BareLoop(deepSpec, cache, deepFm, 1);
                CtrBenchmark.BareLoop(autoSpec, cache, autoInt, 1);
                AttentionAlone(autoSpec, deepFm.BatchSize, 1);
                double deep = double.MaxValue, auto = double.MaxValue, attention = double.MaxValue;
                for (int r = 0; r < Repeats; r++)
                {
                    deep = Math.Min(deep, CtrBenchmark.BareLoop(deepSpec, cache, deepFm, 1) / steps);
                    auto = Math.Min(auto, CtrBenchmark.BareLoop(autoSpec, cache, autoInt, 1) / steps);
                    attention = Math.Min(attention, AttentionAlone(autoSpec, deepFm.BatchSize, steps) / steps);
                }
                log($"Per step: DeepFM {deep * 1000:F0} ms, AutoInt+ {auto * 1000:F0} ms, attention alone {attention * 1000:F0} ms");

                int batch = deepFm.BatchSize, heads = autoSpec.AttentionHeads, headWidth = autoSpec.EmbeddingDimension / heads;
                var text = new StringBuilder();
                text.AppendLine(Heading);
                text.AppendLine();
                text.AppendLine($"Bare-loop training steps (forward, log loss, backward, Adam) of batch {batch:N0} over {Rows:N0} generated rows, one epoch ({steps} steps), " +
                    $"embedding {autoSpec.EmbeddingDimension}, MLP 400-400-400; AutoInt+ with {autoSpec.AttentionLayers} attention layers of {heads} heads over " +
                    $"{autoSpec.Fields} fields. \"Attention alone\" is libtorch's fused `scaled_dot_product_attention`, forward and backward, on " +
                    $"{autoSpec.AttentionLayers} inputs of shape [{batch:N0}, {heads}, {autoSpec.Fields}, {headWidth}] laid out as AutoInt+ passes them. " +
                    $"Best of {Repeats}, alternating, after a warm-up of each.");
                text.AppendLine();
                text.AppendLine("| | ms per step | samples/s | vs DeepFM |");
                text.AppendLine("|---|---|---|---|");
                string Row(string name, double seconds) => $"| {name} | {seconds * 1000:F0} | {batch / seconds:N0} | {seconds / deep:F2}x |";
                text.AppendLine(Row("DeepFM", deep));
                text.AppendLine(Row("AutoInt+", auto));
                text.AppendLine(Row("attention alone", attention));
                text.AppendLine(Row("AutoInt+ less the attention", auto - attention));
                text.AppendLine();
                return text.ToString();
            }
        }

        // The attention AutoInt+ computes per step, alone: every layer's fused attention forward and backward, on queries, keys
        // and values that are [batch, fields, heads, head width] tensors seen as [batch, heads, fields, head width].
        private static double AttentionAlone(NetworkSpec spec, int batch, int steps)
        {
            int heads = spec.AttentionHeads, headWidth = spec.EmbeddingDimension / heads;
            manual_seed(1);
            Tensor Input() => randn(batch, spec.Fields, heads, headWidth).transpose(1, 2).requires_grad_();
            using Tensor q = Input(), k = Input(), v = Input();
            var watch = Stopwatch.StartNew();
            for (int s = 0; s < steps; s++)
            {
                using var scope = NewDisposeScope();
                for (int layer = 0; layer < spec.AttentionLayers; layer++)
                    nn.functional.scaled_dot_product_attention(q, k, v, null, 0, false).sum().backward();
            }
            return watch.Elapsed.TotalSeconds;
        }
    }
}
