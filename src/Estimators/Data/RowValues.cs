using System.Collections.Generic;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExt.Data
{
    /// <summary>Reads values of a cursor's current row: scalars directly, vectors once per row for all their slots.</summary>
    internal sealed class RowValues
    {
        private readonly Dictionary<int, object> _vectors = new Dictionary<int, object>();

        /// <summary>A scalar column's own getter (slot −1: no extra call on the hot path), or a getter of one slot of a vector read
        /// once per row for all the slots asked for.</summary>
        public ValueGetter<T> Of<T>(DataViewRow row, DataViewSchema.Column column, int slot)
        {
            if (slot < 0)
                return row.GetGetter<T>(column);
            if (!_vectors.TryGetValue(column.Index, out object reader))
                _vectors[column.Index] = reader = new VectorReader<T>(row, column);
            var vector = (VectorReader<T>)reader;
            return (ref T value) => value = vector.Slot(slot);
        }

        private sealed class VectorReader<T>
        {
            private readonly DataViewRow _row;
            private readonly ValueGetter<VBuffer<T>> _getter;
            private VBuffer<T> _buffer;
            private long _position = -1;

            public VectorReader(DataViewRow row, DataViewSchema.Column column)
            {
                _row = row;
                _getter = row.GetGetter<VBuffer<T>>(column);
            }

            public T Slot(int slot)
            {
                if (_row.Position != _position)
                {
                    _getter(ref _buffer);
                    _position = _row.Position;
                }
                return _buffer.GetItemOrDefault(slot);
            }
        }
    }
}
