using System;
using MLExt.Devices;
using static TorchSharp.torch;

namespace MLExt.Neural.Training
{
    /// <summary>
    /// Early-learning regularization (Liu, Niles-Weed, Razavian and Fernandez-Granda 2020, "Early-Learning Regularization Prevents
    /// Memorization of Noisy Labels"): every training row keeps a target t, a running average of the model's (detached, clipped,
    /// normalized) class probabilities, t ← β t + (1 − β) p, and the loss adds λ · mean log(1 − ⟨t, p⟩). Early in training the
    /// model fits the clean majority, so t holds that; the term then pulls p toward t and away from a wrong label it would memorize.
    /// </summary>
    internal sealed class EarlyLearningRegularization : TrainingHook
    {
        private readonly float _strength;
        private readonly float _momentum;
        private Tasks.NeuralTask _task;
        private int _classes;
        // Rows × classes, by the row's position in the training cache.
        private float[] _targets;

        public EarlyLearningRegularization(float strength, float momentum)
        {
            _strength = strength;
            _momentum = momentum;
        }

        public override void Begin(TrainingRun run)
        {
            _task = run.Task;
            _classes = run.Task.Outputs == 1 ? 2 : run.Task.Outputs;
            _targets = new float[run.Train.Rows * _classes];
        }

        public override Tensor Loss(Tensor loss, TrainingStep step)
        {
            int n = step.Rows.Length, c = _classes;
            Tensor p = _task.Probabilities(step.Outputs).Clamp(1e-4, 1 - 1e-4);
            var batchTargets = new float[n * c];
            for (int r = 0; r < n; r++)
                Array.Copy(_targets, step.Rows[r] * c, batchTargets, r * c, c);
            Tensor target;
            using (no_grad())
            {
                Tensor detached = p.detach();
                Tensor previous = tensor(batchTargets, device: p.device).view(n, c);
                target = previous.Times(_momentum).Plus(detached.Times(1 - _momentum) / detached.sum(1, keepdim: true));
                float[] updated = target.cpu().data<float>().ToArray();
                for (int r = 0; r < n; r++)
                    Array.Copy(updated, r * c, _targets, step.Rows[r] * c, c);
            }
            return loss.Plus((target * p).sum(1).SubtractedFrom(1).log().mean().Times(_strength));
        }
    }
}
