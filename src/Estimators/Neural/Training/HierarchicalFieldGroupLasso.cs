using System;
using System.Linq;
using MLExt.Devices;
using static TorchSharp.torch;

namespace MLExt.Neural.Training
{
    /// <summary>
    /// The LassoNet-style hierarchical variant of the field group lasso (Lemhadri, Ruan, Abraham and Tibshirani, "LassoNet: A
    /// Neural Network with Feature Sparsity", JMLR 2021), per input field: the field's linear skip path (its first-order weights θ_g)
    /// carries the lasso penalty, and every hidden unit k's weights on the field's embedding in the first hidden layer (W_gk) are
    /// bounded by M times the skip path's norm, ‖W_gk‖ ≤ M ‖θ_g‖_D. After each optimizer step the hierarchical proximal operator
    /// (Hier-Prox) projects each field onto that constraint while soft-thresholding θ_g by η λ, so a field leaves the network, linear
    /// and deep paths together, exactly when its skip path reaches zero; its embedding is then zeroed too. For networks whose
    /// first hidden layer is the only deep reader of the embeddings (Wide &amp; Deep, TabularNet).
    /// </summary>
    internal sealed class HierarchicalFieldGroupLasso : FieldLassoHook
    {
        private readonly float _bound;
        private TorchSharp.Modules.Linear _reader;
        private int _dimension;

        public HierarchicalFieldGroupLasso(float strength, float bound) : base(strength) => _bound = bound;

        public override void Begin(TrainingRun run)
        {
            base.Begin(run);
            _reader = run.Network.FieldReader ?? throw new InvalidOperationException($"{run.Network.Spec.Model} has no first hidden layer reading the fields alone.");
            _dimension = run.Network.Spec.EmbeddingDimension;
        }

        protected override void Step(double threshold)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            int fields = Embedding.FieldCount;
            double[] linear = Embedding.LinearSquaredNorms(RowWeights).cpu().data<float>().ToArray().Select(v => Math.Sqrt(v)).ToArray();
            // The first layer's weights [units, fields × d] as [units, fields, d]: each unit's norm on each field.
            Tensor blocks = _reader.weight.view(_reader.weight.shape[0], fields, _dimension);
            float[] unitNorms = blocks.Squared().sum(-1).sqrt().cpu().data<float>().ToArray();
            int units = (int)blocks.shape[0];
            var linearFactors = new float[fields];
            var fieldFactors = new float[fields];
            var unitFactors = new float[units * fields];
            for (int g = 0; g < fields; g++)
            {
                double[] r = Enumerable.Range(0, units).Select(k => (double)unitNorms[k * fields + g]).ToArray();
                var (theta, w) = HierProx(linear[g], r, threshold, _bound);
                linearFactors[g] = linear[g] > 0 ? (float)(theta / linear[g]) : 0;
                fieldFactors[g] = theta > 0 ? 1 : 0;
                for (int k = 0; k < units; k++)
                    unitFactors[k * fields + g] = r[k] > 0 ? (float)(w[k] / r[k]) : 0;
            }
            Device device = _reader.weight.device;
            blocks.mul_(tensor(unitFactors, device: device).view(units, fields, 1));
            Embedding.ScaleLinear(tensor(linearFactors, device: device));
            // A field out of the skip path is out of the network: its embedding goes too.
            Embedding.ScaleFields(tensor(fieldFactors, device: device));
        }

        /// <summary>
        /// Hier-Prox on norms: the skip path's norm <paramref name="theta"/> and each unit's norm <paramref name="w"/> mapped to the
        /// closest pair with every unit at most <paramref name="bound"/> × the skip path, the skip path soft-thresholded by
        /// <paramref name="lambda"/>. With the units sorted by norm, m of them (the largest) are clipped to a common value
        /// w_m = M / (1 + m M²) · max(θ + M Σ_{i ≤ m} w_(i) − λ, 0); m is the first with w_(m+1) ≤ w_m ≤ w_(m); then θ ← w_m / M and
        /// each unit's norm becomes min(w_m, its own).
        /// </summary>
        internal static (double Theta, double[] W) HierProx(double theta, double[] w, double lambda, double bound)
        {
            double[] sorted = w.OrderByDescending(v => v).ToArray();
            double prefix = 0, common = 0;
            for (int m = 0; m <= sorted.Length; m++)
            {
                if (m > 0)
                    prefix += sorted[m - 1];
                common = bound / (1 + m * bound * bound) * Math.Max(theta + bound * prefix - lambda, 0);
                double above = m == 0 ? double.PositiveInfinity : sorted[m - 1], below = m == sorted.Length ? 0 : sorted[m];
                if (below <= common && common <= above)
                    break;
            }
            return (common / bound, w.Select(v => Math.Min(common, v)).ToArray());
        }
    }
}
