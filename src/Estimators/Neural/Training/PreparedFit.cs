using System;
using Microsoft.ML.Runtime;
using MLExt.Neural.Featurization;
using MLExt.Neural.Networks;
using MLExt.Neural.Tasks;
using static TorchSharp.torch;

namespace MLExt.Neural.Training
{
    /// <summary>
    /// Featurized data ready to train on (see <see cref="NeuralFit.Prepare"/>): the featurizer, the training cache and the
    /// validation rows, the task adapted to the labels, the network's spec, the batch size, epochs and patience, the device, the
    /// seed and the training channel. Dispose it to release the cache.
    /// </summary>
    internal sealed class PreparedFit : IDisposable
    {
        private readonly FeaturizedRows _all;
        private readonly bool _ownsValidation;

        public PreparedFit(NeuralFeaturizer featurizer, FeaturizedRows all, FeaturizedRows train, FeaturizedRows validation, bool ownsValidation,
            NeuralTask task, NetworkSpec spec, TrainingDefaults sizes, Device device, int seed, IChannel channel)
        {
            Featurizer = featurizer;
            _all = all;
            Train = train;
            Validation = validation;
            _ownsValidation = ownsValidation;
            Task = task;
            Spec = spec;
            Sizes = sizes;
            Device = device;
            Seed = seed;
            Channel = channel;
        }

        public NeuralFeaturizer Featurizer { get; private set; }

        public FeaturizedRows Train { get; }

        /// <summary>Null when there is none.</summary>
        public FeaturizedRows Validation { get; }

        public NeuralTask Task { get; }

        /// <summary>The network over the featurizer's fields as first learned.</summary>
        public NetworkSpec Spec { get; }

        public TrainingDefaults Sizes { get; }

        public Device Device { get; }

        public int Seed { get; }

        public IChannel Channel { get; }

        /// <summary>
        /// Restricts the featurizer and the cached rows to the kept values (see <see cref="NeuralFeaturizer.Restrict"/>) and returns,
        /// for each id of the restricted featurizer, the id it had before (the row to take from tables trained before).
        /// </summary>
        public long[] Restrict(bool[] kept)
        {
            NeuralFeaturizer restricted = Featurizer.Restrict(kept, out int[] newIdOfOld);
            int numericStart = Featurizer.PadId + 1;
            RowStore.RowRewrite rewrite = (ids, numeric) =>
            {
                for (int k = 0; k < ids.Length; k++)
                    ids[k] = newIdOfOld[ids[k]];
                for (int n = 0; n < numeric.Length; n++)
                {
                    if (!kept[numericStart + n])
                        numeric[n] = 0;
                }
            };
            _all.Rewrite(rewrite);
            if (_ownsValidation)
                Validation.Rewrite(rewrite);
            var rowOfId = new long[restricted.PadId + 1];
            for (int old = newIdOfOld.Length - 1; old >= 0; old--)
                rowOfId[newIdOfOld[old]] = old;
            Featurizer = restricted;
            return rowOfId;
        }

        public void Dispose()
        {
            if (_ownsValidation)
                Validation?.Dispose();
            _all.Dispose();
            Channel.Dispose();
        }
    }
}
