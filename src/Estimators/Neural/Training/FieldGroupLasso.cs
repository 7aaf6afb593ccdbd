using System;
using static TorchSharp.torch;

namespace MLExt.Neural.Training
{
    /// <summary>A field group lasso (plain or hierarchical) as a field-ranking path drives it.</summary>
    internal interface IFieldGroupLasso
    {
        /// <summary>λ; a path raises it between epochs.</summary>
        float Strength { get; set; }

        /// <summary>
        /// One more step at the starting learning rate's threshold: Adam moves a zeroed field off zero by about a step each time,
        /// and learning-rate drops shrink the threshold with the steps, so fields can end hovering just above a tiny threshold.
        /// </summary>
        void Settle();
    }

    /// <summary>
    /// Group lasso with one group per input field (Yuan and Lin 2006), as a proximal step: after each optimizer step, the block
    /// soft-threshold w_g ← w_g · max(0, 1 − η λ / ‖w_g‖_D) on all the weights field g owns (its embedding rows and first-order
    /// weights, or its numeric embedding and weight), η the learning rate, ‖·‖_D the field's norm with each id's row weighted by
    /// the share of training rows that hold it (see <see cref="FieldNormWeights"/>; the exact prox of that norm in its own
    /// geometry). A field whose norm falls under the threshold becomes exactly zero: it is out of the model. Training ends with
    /// <see cref="Settle"/>.
    /// </summary>
    internal sealed class FieldGroupLasso : TrainingHook, IFieldGroupLasso
    {
        private Networks.FieldEmbedding _embedding;
        private Tensor _rowWeights;
        private double _startingRate = double.NaN;

        public FieldGroupLasso(float strength) => Strength = strength;

        /// <inheritdoc/>
        public float Strength { get; set; }

        public override void Begin(TrainingRun run)
        {
            _embedding = run.Network.Embedding;
            _rowWeights?.Dispose();
            _rowWeights = FieldNormWeights.Of(run.Train, run.Network.Spec.IdCount, run.Device).DetachFromDisposeScope();
        }

        public override void AfterStep(TrainingStep step)
        {
            if (double.IsNaN(_startingRate))
                _startingRate = step.LearningRate;
            Shrink(step.LearningRate * Strength);
        }

        /// <inheritdoc/>
        public void Settle()
        {
            if (!double.IsNaN(_startingRate))
                Shrink(_startingRate * Strength);
        }

        public override void End(Action<string> log)
        {
            Settle();
            _rowWeights?.Dispose();
            _rowWeights = null;
        }

        // The block soft-threshold at threshold t: w ← w · max(0, 1 − t/‖w‖_D); a zero norm stays zero (its factor does not matter).
        private void Shrink(double threshold)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            Tensor norms = _embedding.FieldSquaredNorms(_rowWeights).sqrt();
            _embedding.ScaleFields((1 - threshold / norms.clamp_min(1e-30)).clamp_min(0));
        }
    }
}
