using System;
using System.Collections.Generic;
using System.Numerics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExt.Transforms.OutRanking.Core;
using MLExt.Data;
using MLExt.Hashing;

namespace MLExt.Transforms.OutRanking
{
    /// <summary>
    /// Turns one feature's values (a scalar column, or one slot of a vector column) into dense integer codes for counting:
    /// 0 is "missing" (NaN, empty text, key 0), other values get codes 1, 2, ... in order of first appearance; numeric
    /// features are cut at quantile edges.
    /// </summary>
    internal abstract class ColumnEncoder
    {
        /// <summary>Rows read before their values are turned into codes (<see cref="BlockReader"/>).</summary>
        public const int BlockRows = 256;

        /// <summary>A reader of the feature's values in <paramref name="row"/>'s rows, a block of rows at a time.</summary>
        /// <param name="row">The cursor.</param>
        /// <param name="column">The column.</param>
        /// <param name="slot">The slot of a vector column, or −1 for a scalar column.</param>
        /// <param name="values">Shares one read of a vector per row among the slots of that vector.</param>
        public abstract BlockReader Bind(DataViewRow row, DataViewSchema.Column column, int slot, RowValues values);

        /// <summary>
        /// Stores one feature's values row by row, then codes a block of them at once. For text, coding is a lookup in a
        /// table of up to millions of keys, mostly a cache miss; looked up back to back, a block's misses overlap in the
        /// processor, where one lookup per feature between the reads of a row waited for each miss in turn.
        /// </summary>
        internal abstract class BlockReader
        {
            /// <summary>Stores the value of the cursor's current row at <paramref name="index"/> of the block.</summary>
            public abstract void Read(int index);

            /// <summary>Writes the codes of the first <paramref name="count"/> stored values, in row order.</summary>
            public abstract void Encode(Span<int> codes, int count);
        }

        // Reads values into a block with the column's getter; TStored is what a value is kept as until the block is coded.
        private abstract class Reader<TValue, TStored> : BlockReader
        {
            private readonly ValueGetter<TValue> _getter;
            protected readonly TStored[] Stored = new TStored[BlockRows];

            protected Reader(DataViewRow row, DataViewSchema.Column column, int slot, RowValues values)
            {
                _getter = values.Of<TValue>(row, column, slot);
            }

            /// <summary>The value in the cursor's current row.</summary>
            protected TValue Next()
            {
                // A local, not a field: text values hold a reference, and storing one in the heap costs a GC write barrier.
                TValue value = default;
                _getter(ref value);
                return value;
            }
        }

        /// <summary>Whether this encoder needs a sample of values (<see cref="SetSample"/>) before it can encode.</summary>
        public virtual bool NeedsSample => false;

        /// <summary>A function that returns the current value as a double for sampling (numeric encoders only).</summary>
        public virtual Func<double> BindSample(DataViewRow row, DataViewSchema.Column column, int slot, RowValues values) => throw new NotSupportedException();

        public virtual void SetSample(IReadOnlyList<double> sample) => throw new NotSupportedException();

        /// <summary>The estimated number of distinct values when there were more than the encoder counts exactly; null while
        /// every value has a code of its own (the count table then tells the exact number).</summary>
        public virtual long? EstimatedCardinality => null;

        /// <summary>Hands back the memory that coding needed once every value is coded (<see cref="EstimatedCardinality"/> stays).</summary>
        public virtual void Release()
        {
        }

        /// <summary>Whether OutRank can rank values of this (item) type.</summary>
        public static bool Supports(DataViewType type)
            => type is TextDataViewType || type is KeyDataViewType || type is BooleanDataViewType || IsNumeric(type.RawType);

        /// <summary>Scalars and known-size vectors (ranked slot by slot) of a supported item type.</summary>
        public static bool Supports(SchemaShape.Column column)
            => column.Kind != SchemaShape.Column.VectorKind.VariableVector && (column.IsKey || Supports(column.ItemType));

        /// <param name="itemType">The feature's (item) type.</param>
        /// <param name="binNumeric">Cut Single and Double values at quantile edges rather than treat each value as a category.</param>
        /// <param name="bins">How many quantile bins.</param>
        /// <param name="maxExactCardinality">Nominal values beyond this many distinct ones share hashed overflow codes, and their
        /// number is estimated with a HyperLogLog sketch: memory stays bounded whatever the column holds.</param>
        public static ColumnEncoder For(DataViewType itemType, bool binNumeric, int bins, int maxExactCardinality)
        {
            Type raw = itemType.RawType;
            int cap = maxExactCardinality;
            if (itemType is TextDataViewType)
                return new Nominal<ReadOnlyMemory<char>, TextKey>(cap);
            if (itemType is KeyDataViewType)
                return new KeyEncoder();
            if (itemType is BooleanDataViewType)
                return new Nominal<bool, BooleanKey>(cap);
            if (raw == typeof(float))
                return binNumeric ? new Binned<float>(v => v, bins) : new Nominal<float, NumberKey<float>>(cap);
            if (raw == typeof(double))
                return binNumeric ? new Binned<double>(v => v, bins) : new Nominal<double, NumberKey<double>>(cap);
            if (raw == typeof(int)) return new Nominal<int, IntegerKey<int>>(cap);
            if (raw == typeof(long)) return new Nominal<long, IntegerKey<long>>(cap);
            if (raw == typeof(short)) return new Nominal<short, IntegerKey<short>>(cap);
            if (raw == typeof(sbyte)) return new Nominal<sbyte, IntegerKey<sbyte>>(cap);
            if (raw == typeof(byte)) return new Nominal<byte, IntegerKey<byte>>(cap);
            if (raw == typeof(ushort)) return new Nominal<ushort, IntegerKey<ushort>>(cap);
            if (raw == typeof(uint)) return new Nominal<uint, IntegerKey<uint>>(cap);
            if (raw == typeof(ulong)) return new Nominal<ulong, IntegerKey<ulong>>(cap);
            throw new NotSupportedException($"OutRank cannot encode values of type {itemType}.");
        }

        // The key of a missing value; every present value's key is a non-zero hash.
        private const ulong Missing = 0;

        // A present value whose hash is 0 (the hash of the number 0) takes key 1.
        private static ulong Present(ulong hash) => hash == Missing ? 1 : hash;

        // How a nominal value becomes its 64-bit key. A struct per kind of value, so that each encoder is compiled with its
        // key inlined rather than calling a delegate per value.
        private interface IValueKey<TValue>
        {
            static abstract ulong Of(TValue value);
        }

        private readonly struct TextKey : IValueKey<ReadOnlyMemory<char>>
        {
            public static ulong Of(ReadOnlyMemory<char> value) => value.Length == 0 ? Missing : Present(StableHash.OfText(value.Span));
        }

        private readonly struct BooleanKey : IValueKey<bool>
        {
            public static ulong Of(bool value) => value ? 1UL : 2UL;
        }

        // NaN is missing; −0 and +0 are one value, as they are to float equality.
        private readonly struct NumberKey<T> : IValueKey<T> where T : INumberBase<T>
        {
            public static ulong Of(T value)
            {
                double number = double.CreateTruncating(value);
                return double.IsNaN(number) ? Missing : Present(StableHash.Of(number == 0 ? 0.0 : number));
            }
        }

        // Unsigned 64-bit values above long.MaxValue wrap to negative longs: one to one all the same.
        private readonly struct IntegerKey<T> : IValueKey<T> where T : IBinaryInteger<T>
        {
            public static ulong Of(T value) => Present(StableHash.Of(long.CreateTruncating(value)));
        }

        private static bool IsNumeric(Type raw)
            => raw == typeof(float) || raw == typeof(double) || raw == typeof(int) || raw == typeof(long) || raw == typeof(short)
            || raw == typeof(sbyte) || raw == typeof(byte) || raw == typeof(ushort) || raw == typeof(uint) || raw == typeof(ulong);

        // Each distinct value gets the next code, up to the cap; values first seen after that share OverflowBuckets hashed
        // codes above it, and a sketch counts how many distinct ones there were. Values are told apart by their 64-bit keys,
        // not compared, as in the CTR featurizer: two text values with one hash share a code (odds of about 1 in 37 million
        // for a million distinct values), the price of hashing the text in place of making a string of each value. Numbers
        // hash one to one; only 0, moved to key 1, can share a key, with one other 64-bit value.
        private sealed class Nominal<TValue, TKey> : ColumnEncoder where TKey : IValueKey<TValue>
        {
            private const int OverflowBuckets = 1 << 16;

            private readonly int _cap;
            // Key number n has code n + 1.
            private readonly KeyTable _codes = new KeyTable();
            private HyperLogLog _overflow;

            public Nominal(int cap)
            {
                _cap = cap;
            }

            // The values with codes of their own plus the distinct ones that overflowed (none of which has a code).
            public override long? EstimatedCardinality => _overflow == null ? null : _codes.Count + (long)Math.Round(_overflow.Estimate());

            public override BlockReader Bind(DataViewRow row, DataViewSchema.Column column, int slot, RowValues values)
                => new KeyReader(this, row, column, slot, values);

            public override void Release() => _codes.Release();

            private int Code(ulong key)
            {
                if (key == Missing)
                    return 0;
                // A known value is looked up, not added: Add would write its count, dirtying a cache line per value.
                int number = _codes.IndexOf(key);
                if (number >= 0)
                    return 1 + number;
                if (_codes.Count < _cap)
                    return 1 + _codes.Add(key);
                (_overflow ??= new HyperLogLog()).Add(key);
                return _cap + 1 + (int)(key % OverflowBuckets);
            }

            // Hashes each value as it is read (the text is at hand then); looks the hashes up a block at a time.
            private sealed class KeyReader : Reader<TValue, ulong>
            {
                private readonly Nominal<TValue, TKey> _encoder;

                public KeyReader(Nominal<TValue, TKey> encoder, DataViewRow row, DataViewSchema.Column column, int slot, RowValues values)
                    : base(row, column, slot, values)
                {
                    _encoder = encoder;
                }

                public override void Read(int index) => Stored[index] = TKey.Of(Next());

                public override void Encode(Span<int> codes, int count)
                {
                    KeyTable table = _encoder._codes;
                    for (int i = 0; i < Math.Min(KeyTable.PrefetchDistance, count); i++)
                        table.Prefetch(Stored[i]);
                    for (int i = 0; i < count; i++)
                    {
                        if (i + KeyTable.PrefetchDistance < count)
                            table.Prefetch(Stored[i + KeyTable.PrefetchDistance]);
                        codes[i] = _encoder.Code(Stored[i]);
                    }
                }
            }
        }

        private sealed class KeyEncoder : ColumnEncoder
        {
            public override BlockReader Bind(DataViewRow row, DataViewSchema.Column column, int slot, RowValues values)
                => new CodeReader(row, column, slot, values);

            // A key is its own code.
            private sealed class CodeReader : Reader<uint, int>
            {
                public CodeReader(DataViewRow row, DataViewSchema.Column column, int slot, RowValues values)
                    : base(row, column, slot, values)
                {
                }

                public override void Read(int index) => Stored[index] = checked((int)Next());

                public override void Encode(Span<int> codes, int count) => Stored.AsSpan(0, count).CopyTo(codes);
            }
        }

        // Codes 1..bins by quantile edges taken from a sample; NaN is missing.
        private sealed class Binned<TValue> : ColumnEncoder
        {
            private readonly Func<TValue, double> _toDouble;
            private readonly int _bins;
            private double[] _edges;

            public Binned(Func<TValue, double> toDouble, int bins)
            {
                _toDouble = toDouble;
                _bins = bins;
            }

            public override bool NeedsSample => true;

            public override Func<double> BindSample(DataViewRow row, DataViewSchema.Column column, int slot, RowValues values)
            {
                ValueGetter<TValue> getter = values.Of<TValue>(row, column, slot);
                TValue value = default;
                return () =>
                {
                    getter(ref value);
                    return _toDouble(value);
                };
            }

            public override void SetSample(IReadOnlyList<double> sample)
            {
                _edges = ReservoirSample.QuantileEdges(sample, _bins);
            }

            public override BlockReader Bind(DataViewRow row, DataViewSchema.Column column, int slot, RowValues values)
                => new BinReader(this, row, column, slot, values);

            private sealed class BinReader : Reader<TValue, double>
            {
                private readonly Binned<TValue> _encoder;
                private readonly double[] _edges;

                public BinReader(Binned<TValue> encoder, DataViewRow row, DataViewSchema.Column column, int slot, RowValues values)
                    : base(row, column, slot, values)
                {
                    _encoder = encoder;
                    _edges = encoder._edges ?? throw new InvalidOperationException("The numeric encoder has no bin edges yet.");
                }

                public override void Read(int index) => Stored[index] = _encoder._toDouble(Next());

                public override void Encode(Span<int> codes, int count)
                {
                    for (int i = 0; i < count; i++)
                    {
                        double x = Stored[i];
                        if (double.IsNaN(x))
                        {
                            codes[i] = 0;
                            continue;
                        }
                        // Values up to and including an edge fall in that edge's bin.
                        int index = Array.BinarySearch(_edges, x);
                        codes[i] = 1 + (index >= 0 ? index : ~index);
                    }
                }
            }
        }
    }
}
