using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExt.Hashing;

namespace MLExt.Trainers.Ctr.Featurization
{
    /// <summary>
    /// One field that becomes ids: its values are reduced to stable 64-bit keys, and the vocabulary maps each key seen at least
    /// the minimum number of times to an id from 1; id 0 is the field's out-of-vocabulary id (rare, unseen and missing values).
    /// A field with more frequent values than the hash-bucket limit hashes every key into that many ids instead.
    /// </summary>
    internal sealed class CategoricalField
    {
        /// <summary>The key of a missing value (empty text, key 0, NaN).</summary>
        public const ulong Missing = 0;

        // Keys of log buckets are set apart from keys of small raw values.
        private const long LogBucketBase = 1L << 40;

        private Dictionary<ulong, int> _ids = new Dictionary<ulong, int>();
        private int _hashBuckets;

        public CategoricalField(string column, KeyKind kind)
        {
            Column = column;
            Kind = kind;
        }

        /// <summary>How a value becomes a key.</summary>
        public enum KeyKind
        {
            /// <summary>The value itself (text, key, Boolean, integer or number).</summary>
            Value,
            /// <summary>A number's Criteo log bucket.</summary>
            LogBucket,
            /// <summary>A number's quantile bin.</summary>
            Quantile,
        }

        public string Column { get; }

        public KeyKind Kind { get; }

        /// <summary>Upper edges of the quantile bins.</summary>
        public float[] Edges { get; set; } = Array.Empty<float>();

        /// <summary>Ids in the field's block, the out-of-vocabulary id included.</summary>
        public int Size => _hashBuckets > 0 ? _hashBuckets + 1 : _ids.Count + 1;

        /// <summary>Whether values of this type can be a categorical field.</summary>
        public static bool Supports(DataViewType type)
            => type is TextDataViewType || type is KeyDataViewType || type is BooleanDataViewType || type == NumberDataViewType.Single
            || type == NumberDataViewType.Double || type == NumberDataViewType.Int32 || type == NumberDataViewType.Int64
            || type == NumberDataViewType.UInt32 || type == NumberDataViewType.UInt64 || type == NumberDataViewType.Int16
            || type == NumberDataViewType.UInt16 || type == NumberDataViewType.Byte || type == NumberDataViewType.SByte;

        public void SetVocabulary(Dictionary<ulong, long> counts, int minimumCount, int hashBuckets)
        {
            ulong[] frequent = counts.Where(c => c.Value >= minimumCount).OrderByDescending(c => c.Value).ThenBy(c => c.Key).Select(c => c.Key).ToArray();
            _hashBuckets = hashBuckets > 0 && frequent.Length > hashBuckets ? hashBuckets : 0;
            _ids = _hashBuckets > 0 ? new Dictionary<ulong, int>() : frequent.Select((key, i) => (key, i)).ToDictionary(x => x.key, x => x.i + 1);
        }

        /// <summary>The id within the field's block.</summary>
        public int IdOf(ulong key)
        {
            if (key == Missing)
                return 0;
            if (_hashBuckets > 0)
                return 1 + (int)(key % (ulong)_hashBuckets);
            return _ids.TryGetValue(key, out int id) ? id : 0;
        }

        /// <summary>A function returning the current row's key.</summary>
        public Func<ulong> BindKey(DataViewRow row, DataViewSchema.Column column)
        {
            DataViewType type = column.Type;
            if (Kind != KeyKind.Value)
            {
                Func<double> number = Number(row, column);
                return Kind == KeyKind.LogBucket ? () => LogBucketKey(number()) : () => QuantileKey(number());
            }
            if (type is TextDataViewType)
            {
                var getter = row.GetGetter<ReadOnlyMemory<char>>(column);
                ReadOnlyMemory<char> text = default;
                return () =>
                {
                    getter(ref text);
                    return text.Length == 0 ? Missing : NonZero(StableHash.Of(text.Span));
                };
            }
            if (type is KeyDataViewType)
            {
                var getter = row.GetGetter<uint>(column);
                uint key = 0;
                return () =>
                {
                    getter(ref key);
                    return key == 0 ? Missing : NonZero(StableHash.Of((long)key));
                };
            }
            if (type is BooleanDataViewType)
            {
                var getter = row.GetGetter<bool>(column);
                bool flag = false;
                return () =>
                {
                    getter(ref flag);
                    return flag ? 1UL : 2UL;
                };
            }
            if (type == NumberDataViewType.Single || type == NumberDataViewType.Double)
            {
                Func<double> number = Number(row, column);
                return () =>
                {
                    double v = number();
                    return double.IsNaN(v) ? Missing : NonZero(StableHash.Of(v));
                };
            }
            Func<long> integer = Integer(row, column);
            return () => NonZero(StableHash.Of(integer()));
        }

        public void Save(ModelSaveContext ctx)
        {
            ctx.SaveNonEmptyString(Column);
            ctx.Writer.Write((int)Kind);
            ctx.Writer.Write(Edges.Length);
            foreach (float edge in Edges)
                ctx.Writer.Write(edge);
            ctx.Writer.Write(_hashBuckets);
            ctx.Writer.Write(_ids.Count);
            foreach (ulong key in _ids.OrderBy(p => p.Value).Select(p => p.Key))
                ctx.Writer.Write(key);
        }

        public static CategoricalField Load(ModelLoadContext ctx)
        {
            var field = new CategoricalField(ctx.LoadNonEmptyString(), (KeyKind)ctx.Reader.ReadInt32());
            field.Edges = new float[ctx.Reader.ReadInt32()];
            for (int e = 0; e < field.Edges.Length; e++)
                field.Edges[e] = ctx.Reader.ReadSingle();
            field._hashBuckets = ctx.Reader.ReadInt32();
            int count = ctx.Reader.ReadInt32();
            for (int i = 0; i < count; i++)
                field._ids[ctx.Reader.ReadUInt64()] = i + 1;
            return field;
        }

        private static ulong NonZero(ulong hash) => hash == Missing ? 1 : hash;

        private static ulong LogBucketKey(double v)
        {
            if (double.IsNaN(v))
                return Missing;
            long bucket = v > 2 ? LogBucketBase + (long)Math.Floor(Math.Log(v) * Math.Log(v)) : (long)Math.Floor(v);
            return NonZero(StableHash.Of(bucket));
        }

        private ulong QuantileKey(double v)
        {
            if (double.IsNaN(v))
                return Missing;
            int index = Array.BinarySearch(Edges, (float)v);
            return NonZero(StableHash.Of((long)(index >= 0 ? index : ~index)));
        }

        /// <summary>A getter of a Single or Double column as a double.</summary>
        public static Func<double> Number(DataViewRow row, DataViewSchema.Column column)
        {
            if (column.Type == NumberDataViewType.Double)
            {
                var getter = row.GetGetter<double>(column);
                double value = 0;
                return () =>
                {
                    getter(ref value);
                    return value;
                };
            }
            var single = row.GetGetter<float>(column);
            float x = 0;
            return () =>
            {
                single(ref x);
                return x;
            };
        }

        private static Func<long> Integer(DataViewRow row, DataViewSchema.Column column)
        {
            Type raw = column.Type.RawType;
            if (raw == typeof(int)) return Convert<int>(row, column, v => v);
            if (raw == typeof(long)) return Convert<long>(row, column, v => v);
            if (raw == typeof(uint)) return Convert<uint>(row, column, v => v);
            if (raw == typeof(ulong)) return Convert<ulong>(row, column, v => (long)v);
            if (raw == typeof(short)) return Convert<short>(row, column, v => v);
            if (raw == typeof(ushort)) return Convert<ushort>(row, column, v => v);
            if (raw == typeof(byte)) return Convert<byte>(row, column, v => v);
            if (raw == typeof(sbyte)) return Convert<sbyte>(row, column, v => v);
            throw new NotSupportedException($"Column '{column.Name}' of type {column.Type} cannot be a categorical field.");
        }

        private static Func<long> Convert<T>(DataViewRow row, DataViewSchema.Column column, Func<T, long> convert)
        {
            var getter = row.GetGetter<T>(column);
            T value = default;
            return () =>
            {
                getter(ref value);
                return convert(value);
            };
        }
    }
}
