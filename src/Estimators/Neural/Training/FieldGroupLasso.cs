using System;
using static TorchSharp.torch;

namespace MLExt.Neural.Training
{
    /// <summary>
    /// Group lasso with one group per input field (Yuan and Lin 2006; for embeddings, as in field-level sparse CTR models): after
    /// each optimizer step, the block soft-threshold w_g ← w_g · max(0, 1 − η λ √p_g / ‖w_g‖) on all the weights field g owns
    /// (its embedding rows and first-order weights, or its numeric embedding and weight; p_g of them), η the learning rate. A
    /// field whose norm falls under the threshold becomes exactly zero: it is out of the model.
    /// </summary>
    internal sealed class FieldGroupLasso : TrainingHook
    {
        private readonly float _strength;
        private Networks.FieldEmbedding _embedding;
        // √p_g per field.
        private float[] _groupWeights;

        public FieldGroupLasso(float strength) => _strength = strength;

        public override void Begin(TrainingRun run)
        {
            _embedding = run.Network.Embedding;
            _groupWeights = Array.ConvertAll(_embedding.FieldParameterCounts(), count => (float)Math.Sqrt(count));
        }

        public override void AfterStep(TrainingStep step)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            Tensor norms = _embedding.FieldSquaredNorms().sqrt();
            Tensor threshold = tensor(_groupWeights, device: norms.device) * (step.LearningRate * _strength);
            // max(0, 1 − t/‖w‖); a zero norm stays zero (its factor does not matter).
            Tensor factors = (1 - threshold / norms.clamp_min(1e-30)).clamp_min(0);
            _embedding.ScaleFields(factors);
        }
    }
}
