using System;
using MLExt.Neural.Featurization;
using static TorchSharp.torch;

namespace MLExt.Neural.Training
{
    /// <summary>
    /// The weight of each id's row in a field's norm for the field-selection regularizers: the share of training rows that hold
    /// the id. A field's weighted norm, √(Σ_v share_v ‖w_v‖²), is then its weights' typical size over the rows the model sees, the
    /// same scale for a field of 3 values and one of 100,000: a large vocabulary of noise memorized in its rare values weighs
    /// little, and a large informative vocabulary whose frequent values carry effects weighs much. (Plain norms favour large
    /// vocabularies, norms per weight favour small ones.) The block soft-threshold in this weighted geometry is the exact proximal
    /// step of the weighted group norm.
    /// </summary>
    internal static class FieldNormWeights
    {
        /// <summary>Per id (and the pad id, weight 0): the share of the training rows holding it, on the device.</summary>
        public static Tensor Of(FeaturizedRows train, int idCount, Device device)
        {
            var counts = new double[idCount + 1];
            var ids = new long[train.IdWidth];
            var numbers = new float[train.NumericFields];
            for (int row = 0; row < train.Rows; row++)
            {
                train.CopyRow(row, ids, numbers);
                foreach (long id in ids)
                    counts[id]++;
            }
            counts[idCount] = 0;
            float[] shares = Array.ConvertAll(counts, c => (float)(c / Math.Max(1, train.Rows)));
            return tensor(shares, device: device);
        }
    }
}
