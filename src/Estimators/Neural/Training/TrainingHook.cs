using System;
using MLExt.Neural.Featurization;
using MLExt.Neural.Networks;
using MLExt.Neural.Tasks;
using static TorchSharp.torch;

namespace MLExt.Neural.Training
{
    /// <summary>One training run, as the hooks see it when it begins: the network, the task, the training rows and the validation rows (null when none).</summary>
    internal sealed record TrainingRun(NeuralNetwork Network, NeuralTask Task, FeaturizedRows Train, FeaturizedRows Validation, Device Device);

    /// <summary>
    /// One optimizer step, as the hooks see it: the batch's inputs, outputs [batch, outputs], labels and weights (null when
    /// unweighted), the positions of its rows in the training cache (for state kept per example across epochs), and the
    /// learning rate in force.
    /// </summary>
    internal sealed class TrainingStep
    {
        public Tensor Ids { get; init; }

        public Tensor Numeric { get; init; }

        public Tensor Outputs { get; init; }

        public Tensor Labels { get; init; }

        public Tensor Weights { get; init; }

        public int[] Rows { get; init; }

        public double LearningRate { get; init; }

        public int Epoch { get; init; }
    }

    /// <summary>
    /// A piece of training that is not the loop itself, so several can run at once without the loop knowing them: a penalty or
    /// wrapper on the loss (L2, early-learning regularization), a proximal step after the optimizer's (group lasso, k-sparsity),
    /// an epoch callback (schedules, logging). Hooks run in the order given.
    /// </summary>
    internal abstract class TrainingHook
    {
        /// <summary>Before the first epoch, once the network starts at the task's bias.</summary>
        public virtual void Begin(TrainingRun run)
        {
        }

        /// <summary>The loss to minimize given the batch's loss so far: the loss plus a penalty, or a wrapped loss.</summary>
        public virtual Tensor Loss(Tensor loss, TrainingStep step) => loss;

        /// <summary>After the optimizer's step: a proximal step on the weights, without gradients.</summary>
        public virtual void AfterStep(TrainingStep step)
        {
        }

        /// <summary>After each epoch (before validation), with a log to write to.</summary>
        public virtual void EndEpoch(int epoch, Action<string> log)
        {
        }

        /// <summary>Once training is over (the best weights restored), with a log to write to.</summary>
        public virtual void End(Action<string> log)
        {
        }
    }
}
