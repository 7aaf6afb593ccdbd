using System;
using System.Collections.Generic;
using MLExt.Hashing;

namespace MLExt.Neural.Featurization
{
    /// <summary>
    /// Remembers the value each key was first made from while a field's vocabulary is learned, so the saved model can name its
    /// vocabulary (what an ONNX export maps raw values with, since the key hash has no ONNX operator). One probe per value;
    /// a value is kept once per distinct key: text as a string, whole numbers (keys, Booleans as 1 and 0, bucket numbers) as
    /// longs, other numbers as doubles.
    /// </summary>
    internal sealed class ValueRecorder
    {
        private readonly KeyTable _keys = new KeyTable();
        private readonly List<object> _values = new List<object>();

        public void Observe<T>(ulong key, T value)
        {
            if (key == CategoricalField.Missing || key == ColumnReader.Unused || _keys.IndexOf(key) >= 0)
                return;
            _keys.Add(key);
            _values.Add(Stored(value));
        }

        /// <summary>The value first seen for the key; null when none was.</summary>
        public object ValueOf(ulong key)
        {
            int number = _keys.IndexOf(key);
            return number < 0 ? null : _values[number];
        }

        private static object Stored<T>(T value) => value switch
        {
            ReadOnlyMemory<char> text => text.ToString(),
            bool b => b ? 1L : 0L,
            float f => (double)f,
            double d => d,
            ulong u => unchecked((long)u),
            IConvertible number => number.ToInt64(null),
            _ => throw new NotSupportedException($"Values of type {typeof(T).Name} are not recorded."),
        };
    }
}
