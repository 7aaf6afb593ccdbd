using System;
using MLExt.Neural.Featurization;
using TorchSharp;
using static TorchSharp.torch;

namespace MLExt.Neural.Training
{
    /// <summary>
    /// Buffers that gather a batch's rows from the cache into tensors, reused from batch to batch: fresh arrays of this size
    /// (hundreds of kilobytes) would go to the large-object heap every step and bring on full garbage collections mid-training.
    /// </summary>
    internal sealed class TensorBatch
    {
        private readonly long[] _ids;
        private readonly float[] _numeric;
        private readonly float[] _labels;
        private readonly float[] _weights;

        public TensorBatch(int size, int idWidth, int numericWidth)
        {
            Size = size;
            _ids = new long[size * idWidth];
            _numeric = new float[size * numericWidth];
            _labels = new float[size];
            _weights = new float[size];
        }

        /// <summary>The most rows a batch holds.</summary>
        public int Size { get; }

        /// <summary>The rows' ids (int64, as embedding lookups take them) and numbers: the network's inputs.</summary>
        public (Tensor Ids, Tensor Numeric) Inputs(FeaturizedRows data, ReadOnlySpan<int> rows, Device device)
        {
            int n = rows.Length, idWidth = data.IdWidth, numericWidth = data.NumericFields;
            for (int r = 0; r < n; r++)
                data.CopyRow(rows[r], _ids.AsSpan(r * idWidth, idWidth), _numeric.AsSpan(r * numericWidth, numericWidth));
            return (Tensor(_ids.AsSpan(0, n * idWidth), n, idWidth, device), Tensor(_numeric.AsSpan(0, n * numericWidth), n, numericWidth, device));
        }

        /// <summary>The rows' labels and weights (null when unweighted): what training compares the outputs with.</summary>
        public (Tensor Labels, Tensor Weights) Targets(FeaturizedRows data, ReadOnlySpan<int> rows, Device device)
        {
            int n = rows.Length;
            for (int r = 0; r < n; r++)
            {
                _labels[r] = data.Labels[rows[r]];
                if (data.Weights != null)
                    _weights[r] = data.Weights[rows[r]];
            }
            return (Tensor(_labels.AsSpan(0, n), n, -1, device), data.Weights == null ? null : Tensor(_weights.AsSpan(0, n), n, -1, device));
        }

        // A tensor of shape [rows, width] (width −1: a vector) holding a copy of the values.
        private static Tensor Tensor<T>(ReadOnlySpan<T> values, int rows, int width, Device device) where T : unmanaged
        {
            ScalarType type = typeof(T) == typeof(long) ? ScalarType.Int64 : ScalarType.Float32;
            Tensor result = width < 0 ? empty(rows, dtype: type) : empty(rows, width, dtype: type);
            if (values.Length > 0)
            {
                using var accessor = result.data<T>();
                accessor.CopyFrom(values);
            }
            return result.to(device);
        }
    }
}
