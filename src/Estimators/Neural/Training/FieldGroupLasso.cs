using MLExt.Devices;
using static TorchSharp.torch;

namespace MLExt.Neural.Training
{
    /// <summary>
    /// Group lasso with one group per input field (Yuan and Lin 2006), as a proximal step: after each optimizer step, the block
    /// soft-threshold w_g ← w_g · max(0, 1 − η λ / ‖w_g‖_D) on all the weights field g owns (its embedding rows and first-order
    /// weights, or its numeric embedding and weight), η the learning rate, ‖·‖_D the field's norm with each id's row weighted by
    /// the share of training rows that hold it (see <see cref="FieldNormWeights"/>; the exact prox of that norm in its own
    /// geometry). A field whose norm falls under the threshold becomes exactly zero: it is out of the model.
    /// </summary>
    internal sealed class FieldGroupLasso : FieldLassoHook
    {
        public FieldGroupLasso(float strength) : base(strength)
        {
        }

        // max(0, 1 − t/‖w‖_D); a zero norm stays zero (its factor does not matter).
        protected override void Step(double threshold)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            Tensor norms = Embedding.FieldSquaredNorms(RowWeights).sqrt();
            Embedding.ScaleFields(norms.With(1e-30, static (t, least) => t.clamp_min(least)).reciprocal().Times(threshold).SubtractedFrom(1).With(0, static (t, zero) => t.clamp_min(zero)));
        }
    }
}
