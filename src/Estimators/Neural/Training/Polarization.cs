using System;
using System.Linq;
using MLExt.Devices;
using Modules = TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExt.Neural.Training
{
    /// <summary>
    /// The polarization regularizer for neuron-level pruning (Zhuang, Tao, Yang, Rao, Zhou, Wang and Zhou, "Neuron-level Structured
    /// Pruning using Polarization Regularizer", NeurIPS 2020) on the scale factors γ of the hidden layers' batch normalization:
    /// the loss adds λ Σ_i (t |γ_i| − |γ_i − γ̄|), γ̄ the mean over all of them, and after each step γ is clipped to [0, 1]; the
    /// scales start at 0.5. At its optimum about a share ρ = 1/2 − t/4 of the neurons (for −2 ≤ t ≤ 2) sits at 1 and the rest at
    /// 0, instead of all shrinking together as under L1: the neurons at 0 can be pruned.
    /// </summary>
    internal sealed class Polarization : TrainingHook
    {
        // Neurons whose scale ends below this count as pruned in the log (the paper reads a threshold off the scales' histogram).
        private const float PrunedScale = 0.01f;

        private readonly float _strength;
        private readonly float _skew;
        private Tensor[] _scales = Array.Empty<Tensor>();

        public Polarization(float strength, float skew)
        {
            _strength = strength;
            _skew = skew;
        }

        public override void Begin(TrainingRun run)
        {
            _scales = run.Network.modules().OfType<Modules.BatchNorm1d>().Select(b => (Tensor)b.weight).ToArray();
            using var noGrad = no_grad();
            foreach (Tensor gamma in _scales)
                gamma.With(0.5, static (t, half) => t.fill_(half));
        }

        public override Tensor Loss(Tensor loss, TrainingStep step)
        {
            if (_scales.Length == 0)
                return loss;
            Tensor all = cat(_scales, 0);
            return loss.Plus((all.abs().sum().Times(_skew) - (all - all.mean()).abs().sum()).Times(_strength));
        }

        public override void AfterStep(TrainingStep step)
        {
            using var noGrad = no_grad();
            foreach (Tensor gamma in _scales)
                gamma.ClampInPlace(0, 1);
        }

        public override void End(Action<string> log)
        {
            using var scope = NewDisposeScope();
            long total = _scales.Sum(g => g.numel()), pruned = _scales.Sum(g => g.With(PrunedScale, static (t, limit) => t.lt(limit)).sum().item<long>());
            log($"Polarization: {pruned} of {total} hidden neurons have a scale below {PrunedScale} (prunable).");
        }
    }
}
