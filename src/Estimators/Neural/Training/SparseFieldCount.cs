using System;
using System.Linq;
using static TorchSharp.torch;

namespace MLExt.Neural.Training
{
    /// <summary>
    /// k-level group sparsity over the input fields through the proximal operator of a weighted group sparse envelope function (the
    /// group form of the sparse envelope, ½ min { Σ_g ‖x_g‖² / (d_g² u_g) : u ∈ [0, 1]^G, Σ u = k }, Beck and Refael; Refael, Arbel and
    /// Huleihel for neural networks). After each optimizer step, with step-scaled strength τ = η λ, field g shrinks by
    /// u_g / (u_g + τ), where u_g = clip(s a_g − τ, 0, 1), a_g = ‖x_g‖_D its norm with each id's row weighted by the share of
    /// training rows holding it (see <see cref="FieldNormWeights"/>: a large vocabulary is neither favoured nor penalized for its
    /// size), and s is found by a search over the breakpoints of the piecewise-linear Σ u_g(s) so that Σ u_g = k. Fields with u_g = 0 become exactly zero; the k strongest keep u_g near 1. Training ends with at most k
    /// fields: the weakest beyond k, if any survived, are zeroed.
    /// </summary>
    internal sealed class SparseFieldCount : FieldNormHook
    {
        private readonly int _k;
        private readonly float _strength;

        public SparseFieldCount(int k, float strength)
        {
            _k = k;
            _strength = strength;
        }

        public override void AfterStep(TrainingStep step)
        {
            using var scope = NewDisposeScope();
            double[] a = Norms();
            float[] factors = ShrinkFactors(a, _k, step.LearningRate * _strength);
            Embedding.ScaleFields(tensor(factors, device: Embedding.parameters().First().device));
        }

        /// <summary>Zeroes every field past the k strongest, and says how many are left.</summary>
        public override void End(Action<string> log)
        {
            log($"k-sparsity: {Finish()} fields left of at most {_k}.");
            base.End(log);
        }

        private int Finish()
        {
            using var scope = NewDisposeScope();
            double[] a = Norms();
            int[] keep = Enumerable.Range(0, a.Length).Where(g => a[g] > 0).OrderByDescending(g => a[g]).Take(_k).ToArray();
            float[] factors = Enumerable.Range(0, a.Length).Select(g => keep.Contains(g) ? 1f : 0f).ToArray();
            Embedding.ScaleFields(tensor(factors, device: Embedding.parameters().First().device));
            return keep.Length;
        }

        // a_g = ‖x_g‖_D.
        private double[] Norms()
        {
            using var noGrad = no_grad();
            return Embedding.FieldSquaredNorms(RowWeights).cpu().data<float>().ToArray().Select(s => Math.Sqrt(s)).ToArray();
        }

        /// <summary>
        /// The prox's factor u_g / (u_g + τ) per group, u_g = clip(s a_g − τ, 0, 1) with Σ u_g = k (all groups with a_g > 0 kept
        /// whole, u = 1, when there are k or fewer of them).
        /// </summary>
        internal static float[] ShrinkFactors(double[] a, int k, double tau)
        {
            int positive = a.Count(v => v > 0);
            double[] u;
            if (positive <= k)
            {
                u = a.Select(v => v > 0 ? 1.0 : 0).ToArray();
            }
            else
            {
                double Sum(double s) => a.Sum(v => Math.Clamp(s * v - tau, 0, 1));
                // Σ u(s) is piecewise linear and nondecreasing in s, with breakpoints where a group starts (s a = τ) or saturates
                // (s a = τ + 1): find the two breakpoints that bracket k and interpolate between them.
                double[] breakpoints = a.Where(v => v > 0).SelectMany(v => new[] { tau / v, (tau + 1) / v }).Distinct().OrderBy(s => s).ToArray();
                int lo = 0, hi = breakpoints.Length - 1;
                while (hi - lo > 1)
                {
                    int mid = (lo + hi) / 2;
                    if (Sum(breakpoints[mid]) < k)
                        lo = mid;
                    else
                        hi = mid;
                }
                double sumLo = Sum(breakpoints[lo]), sumHi = Sum(breakpoints[hi]);
                double s = sumHi == sumLo ? breakpoints[hi] : breakpoints[lo] + (k - sumLo) * (breakpoints[hi] - breakpoints[lo]) / (sumHi - sumLo);
                u = a.Select(v => Math.Clamp(s * v - tau, 0, 1)).ToArray();
            }
            return u.Select(x => x > 0 ? (float)(x / (x + tau)) : 0f).ToArray();
        }
    }
}
