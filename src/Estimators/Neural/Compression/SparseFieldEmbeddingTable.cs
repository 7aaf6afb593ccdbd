using System;
using System.Linq;
using MLExt.Devices;
using MLExt.Neural.Networks;
using static TorchSharp.torch;

namespace MLExt.Neural.Compression
{
    /// <summary>
    /// A pruned table stored sparse: the kept entries' flat positions (row × dimension + column, 32-bit, sorted) and values, 8 bytes an
    /// entry. A lookup finds each id's entries by binary search. Holds buffers, not parameters: it scores, it does not train.
    /// </summary>
    internal sealed class SparseFieldEmbeddingTable : FieldEmbeddingTable
    {
        private readonly Tensor positions;
        private readonly Tensor values;
        private readonly int _dimension;

        public SparseFieldEmbeddingTable(int size, int dimension, long entries) : base(nameof(SparseFieldEmbeddingTable))
        {
            if ((long)size * dimension > int.MaxValue)
                throw new ArgumentOutOfRangeException(nameof(size), $"A pruned table holds at most {int.MaxValue:N0} entries; this one would hold {(long)size * dimension:N0}.");
            _dimension = dimension;
            positions = TorchScalars.Range(entries).to_type(ScalarType.Int32);
            values = zeros(entries);
            register_buffer(nameof(positions), positions);
            register_buffer(nameof(values), values);
        }

        public override long ParameterCount => 0;

        public override long ParameterBytes => 0;

        public override Tensor SquaredNorm() => values.Squared().sum();

        /// <summary>Keeps the largest-magnitude entries of <paramref name="rows"/> [size, dimension] that the table has room for.</summary>
        public override void SetRows(Tensor rows)
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            Tensor flat = rows.flatten();
            Tensor kept = flat.abs().topk((int)positions.shape[0]).indexes.sort().Values;
            positions.copy_(kept.to_type(ScalarType.Int32));
            values.copy_(flat.index_select(0, kept));
        }

        public override Tensor forward(Tensor localIds)
        {
            Tensor starts = localIds.flatten().to_type(ScalarType.Int32).Times(_dimension);
            // Each id's entries are the run of positions in [start, start + dimension): at most one per column.
            Tensor first = searchsorted(positions, starts), end = searchsorted(positions, starts.Plus(_dimension));
            Tensor slots = first.unsqueeze(1).Plus(TorchScalars.Range(_dimension, localIds.device));
            Tensor present = slots.lt(end.unsqueeze(1));
            Tensor entries = slots.With(Math.Max(0, positions.shape[0] - 1), static (t, last) => t.clamp_max(last)).flatten();
            Tensor columns = (positions.index_select(0, entries).view(slots.shape) - starts.unsqueeze(1)).to_type(ScalarType.Int64);
            columns = where(present, columns, zeros_like(columns));
            Tensor found = values.index_select(0, entries).view(slots.shape) * present.to_type(values.dtype);
            Tensor rows = zeros(slots.shape, dtype: values.dtype, device: values.device).scatter_add_(1, columns, found);
            return rows.view(localIds.shape.Append(_dimension).ToArray());
        }
    }
}
