using System;
using static TorchSharp.torch;

namespace MLExt.Neural.Training
{
    /// <summary>A hook that judges fields by their frequency-weighted norms (<see cref="FieldNormWeights"/>): the field-selection regularizers.</summary>
    internal abstract class FieldNormHook : TrainingHook
    {
        protected Networks.FieldEmbedding Embedding { get; private set; }

        /// <summary>Per id (and the pad id, 0): its weight in a field's norm, from <see cref="Begin"/> to <see cref="End"/>.</summary>
        public Tensor RowWeights { get; private set; }

        public override void Begin(TrainingRun run)
        {
            Embedding = run.Network.Embedding;
            RowWeights?.Dispose();
            RowWeights = FieldNormWeights.Of(run.Train, run.Network.Spec.IdCount, run.Device).DetachFromDisposeScope();
        }

        public override void End(Action<string> log)
        {
            RowWeights?.Dispose();
            RowWeights = null;
        }
    }

    /// <summary>
    /// What the field group lassos (plain and hierarchical) share: the strength λ (a field-ranking path raises it between epochs)
    /// and a proximal step at threshold η λ after every
    /// optimizer step, η the learning rate in force. Training ends with <see cref="Settle"/>.
    /// </summary>
    internal abstract class FieldLassoHook : FieldNormHook
    {
        private double _startingRate = double.NaN;

        protected FieldLassoHook(float strength) => Strength = strength;

        /// <summary>λ.</summary>
        public float Strength { get; set; }

        public override void AfterStep(TrainingStep step)
        {
            if (double.IsNaN(_startingRate))
                _startingRate = step.LearningRate;
            Step(step.LearningRate * Strength);
        }

        /// <summary>
        /// One more step at the starting learning rate's threshold: Adam moves a zeroed field off zero by about a step each time,
        /// and learning-rate drops shrink the threshold with the steps, so fields can end hovering just above a tiny threshold.
        /// </summary>
        public void Settle()
        {
            if (!double.IsNaN(_startingRate))
                Step(_startingRate * Strength);
        }

        public override void End(Action<string> log)
        {
            Settle();
            base.End(log);
        }

        /// <summary>The proximal step at threshold <paramref name="threshold"/>, without gradients.</summary>
        protected abstract void Step(double threshold);
    }
}
