using System;
using System.Linq;
using MLExt.Devices;
using static TorchSharp.torch;

namespace MLExt.Neural.Training
{
    /// <summary>L2 on the embeddings and first-order weights a batch uses, per row: rare values are not pulled toward 0 by every batch.</summary>
    internal sealed class EmbeddingL2 : TrainingHook
    {
        private readonly float _strength;
        private Networks.FieldEmbedding _embedding;

        public EmbeddingL2(float strength) => _strength = strength;

        public override void Begin(TrainingRun run) => _embedding = run.Network.Embedding;

        public override Tensor Loss(Tensor loss, TrainingStep step) => loss.Plus(_embedding.UsedSquaredNorm(step.Ids).Times(_strength).DividedBy(step.Rows.Length));
    }

    /// <summary>L2 on the weight matrices outside the embedding layer (biases excluded).</summary>
    internal sealed class NetworkL2 : TrainingHook
    {
        private readonly float _strength;
        private Tensor[] _weights = Array.Empty<Tensor>();

        public NetworkL2(float strength) => _strength = strength;

        public override void Begin(TrainingRun run)
            => _weights = run.Network.named_parameters().Where(p => !p.name.StartsWith("embedding.", StringComparison.Ordinal) && p.parameter.dim() > 1)
                .Select(p => (Tensor)p.parameter).ToArray();

        public override Tensor Loss(Tensor loss, TrainingStep step)
            => _weights.Length == 0 ? loss : loss.Plus(_weights.Select(w => w.Squared().sum()).Aggregate((a, b) => a.Plus(b)).Times(_strength));
    }
}
