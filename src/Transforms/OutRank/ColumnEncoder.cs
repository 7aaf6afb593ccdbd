using System;
using System.Collections.Generic;
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
        /// <summary>A function that returns the code of the feature's value in <paramref name="row"/>'s current row.</summary>
        /// <param name="row">The cursor.</param>
        /// <param name="column">The column.</param>
        /// <param name="slot">The slot of a vector column, or −1 for a scalar column.</param>
        /// <param name="values">Shares one read of a vector per row among the slots of that vector.</param>
        public abstract Func<int> Bind(DataViewRow row, DataViewSchema.Column column, int slot, RowValues values);

        /// <summary>Whether this encoder needs a sample of values (<see cref="SetSample"/>) before it can encode.</summary>
        public virtual bool NeedsSample => false;

        /// <summary>A function that returns the current value as a double for sampling (numeric encoders only).</summary>
        public virtual Func<double> BindSample(DataViewRow row, DataViewSchema.Column column, int slot, RowValues values) => throw new NotSupportedException();

        public virtual void SetSample(IReadOnlyList<double> sample) => throw new NotSupportedException();

        /// <summary>The estimated number of distinct values when there were more than the encoder counts exactly; null while
        /// every value has a code of its own (the count table then tells the exact number).</summary>
        public virtual long? EstimatedCardinality => null;

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
                return new Nominal<ReadOnlyMemory<char>>(v => v.Length == 0 ? Missing : Present(StableHash.OfText(v.Span)), cap);
            if (itemType is KeyDataViewType)
                return new KeyEncoder();
            if (itemType is BooleanDataViewType)
                return new Nominal<bool>(v => v ? 1UL : 2UL, cap);
            if (raw == typeof(float))
                return binNumeric ? new Binned<float>(v => v, bins) : new Nominal<float>(v => float.IsNaN(v) ? Missing : NumberKey(v), cap);
            if (raw == typeof(double))
                return binNumeric ? new Binned<double>(v => v, bins) : new Nominal<double>(v => double.IsNaN(v) ? Missing : NumberKey(v), cap);
            if (raw == typeof(int)) return Integer<int>(v => v, cap);
            if (raw == typeof(long)) return Integer<long>(v => v, cap);
            if (raw == typeof(short)) return Integer<short>(v => v, cap);
            if (raw == typeof(sbyte)) return Integer<sbyte>(v => v, cap);
            if (raw == typeof(byte)) return Integer<byte>(v => v, cap);
            if (raw == typeof(ushort)) return Integer<ushort>(v => v, cap);
            if (raw == typeof(uint)) return Integer<uint>(v => v, cap);
            if (raw == typeof(ulong)) return Integer<ulong>(v => (long)v, cap);
            throw new NotSupportedException($"OutRank cannot encode values of type {itemType}.");
        }

        // The key of a missing value; every present value's key is a non-zero hash.
        private const ulong Missing = 0;

        private static ColumnEncoder Integer<TValue>(Func<TValue, long> toLong, int cap) => new Nominal<TValue>(v => Present(StableHash.Of(toLong(v))), cap);

        // −0 and +0 are one value, as they are to float equality.
        private static ulong NumberKey(double v) => Present(StableHash.Of(v == 0 ? 0.0 : v));

        // A present value whose hash is 0 (the hash of the number 0) takes key 1.
        private static ulong Present(ulong hash) => hash == Missing ? 1 : hash;

        private static bool IsNumeric(Type raw)
            => raw == typeof(float) || raw == typeof(double) || raw == typeof(int) || raw == typeof(long) || raw == typeof(short)
            || raw == typeof(sbyte) || raw == typeof(byte) || raw == typeof(ushort) || raw == typeof(uint) || raw == typeof(ulong);

        // Each distinct value gets the next code, up to the cap; values first seen after that share OverflowBuckets hashed
        // codes above it, and a sketch counts how many distinct ones there were. Values are told apart by their 64-bit keys,
        // not compared, as in the CTR featurizer: two text values with one hash share a code (odds of about 1 in 37 million
        // for a million distinct values), the price of hashing the text in place of making a string of each value. Numbers
        // hash one to one; only 0, moved to key 1, can share a key, with one other 64-bit value.
        private sealed class Nominal<TValue> : ColumnEncoder
        {
            private const int OverflowBuckets = 1 << 16;

            private readonly Func<TValue, ulong> _key;
            private readonly int _cap;
            // Key number n has code n + 1.
            private readonly KeyTable _codes = new KeyTable();
            private HyperLogLog _overflow;

            public Nominal(Func<TValue, ulong> key, int cap)
            {
                _key = key;
                _cap = cap;
            }

            // The values with codes of their own plus the distinct ones that overflowed (none of which has a code).
            public override long? EstimatedCardinality => _overflow == null ? null : _codes.Count + (long)Math.Round(_overflow.Estimate());

            public override Func<int> Bind(DataViewRow row, DataViewSchema.Column column, int slot, RowValues values)
            {
                ValueGetter<TValue> getter = values.Of<TValue>(row, column, slot);
                TValue value = default;
                return () =>
                {
                    getter(ref value);
                    ulong key = _key(value);
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
                };
            }
        }

        private sealed class KeyEncoder : ColumnEncoder
        {
            public override Func<int> Bind(DataViewRow row, DataViewSchema.Column column, int slot, RowValues values)
            {
                ValueGetter<uint> getter = values.Of<uint>(row, column, slot);
                uint value = 0;
                return () =>
                {
                    getter(ref value);
                    return checked((int)value);
                };
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

            public override Func<int> Bind(DataViewRow row, DataViewSchema.Column column, int slot, RowValues values)
            {
                ValueGetter<TValue> getter = values.Of<TValue>(row, column, slot);
                TValue value = default;
                double[] edges = _edges ?? throw new InvalidOperationException("The numeric encoder has no bin edges yet.");
                return () =>
                {
                    getter(ref value);
                    double x = _toDouble(value);
                    if (double.IsNaN(x))
                        return 0;
                    // Values up to and including an edge fall in that edge's bin.
                    int index = Array.BinarySearch(edges, x);
                    return 1 + (index >= 0 ? index : ~index);
                };
            }
        }
    }
}
