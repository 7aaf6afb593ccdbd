using System;
using System.Collections.Generic;

namespace MLExt.Neural.Featurization
{
    /// <summary>
    /// Remembers the value each key of a field was first made from while its vocabulary is learned, so the saved model can name
    /// its vocabulary (what an ONNX export maps raw values with, since the key hash has no ONNX operator). The reading thread
    /// hands over the value of every present key in read order (<see cref="For{T}"/>); the encoding thread, which numbers the
    /// keys, keeps the value of each new one (<see cref="Take"/>): its count table already tells new keys apart, so the reading
    /// thread, which bounds the learning pass, probes no table for it. A value is kept once per distinct key: text as a string,
    /// whole numbers (keys, Booleans as 1 and 0, bucket numbers) as longs, other numbers as doubles.
    /// </summary>
    internal sealed class ValueRecorder
    {
        private readonly int _capacity;
        private readonly List<object> _values = new List<object>();
        private Handover _handover;
        // The ring position of the next value to take.
        private int _taken;

        /// <param name="capacity">The most values the reading thread can be ahead of the encoding thread.</param>
        public ValueRecorder(int capacity)
        {
            _capacity = capacity;
        }

        /// <summary>The hand-over of the field's values of type <typeparamref name="T"/>, for the reading thread (made once, when
        /// the field binds to its column).</summary>
        public Handover<T> For<T>() => (Handover<T>)(_handover ??= new Handover<T>(_capacity));

        /// <summary>On the encoding thread, for the next present key in read order: keeps its value when the key is new.</summary>
        public void Take(bool isNew)
        {
            if (isNew)
                _values.Add(_handover.Stored(_taken));
            if (++_taken == _capacity)
                _taken = 0;
        }

        /// <summary>The value key number <paramref name="number"/> was first seen with; null when none was handed over.</summary>
        public object ValueOf(int number) => number < _values.Count ? _values[number] : null;

        internal abstract class Handover
        {
            /// <summary>The value at <paramref name="position"/> of the ring, as kept.</summary>
            public abstract object Stored(int position);
        }

        /// <summary>A ring of the values read and not yet taken: values of text hold references into the rows read, which the
        /// data view does not reuse (ML.NET's cache keeps them the same way).</summary>
        internal sealed class Handover<T> : Handover
        {
            private readonly T[] _ring;
            private int _written;

            public Handover(int capacity)
            {
                _ring = new T[capacity];
            }

            /// <summary>On the reading thread: the value of the next present key (neither missing nor an unused place).</summary>
            public void Hold(T value)
            {
                _ring[_written] = value;
                if (++_written == _ring.Length)
                    _written = 0;
            }

            public override object Stored(int position) => ValueRecorder.Stored(_ring[position]);
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
