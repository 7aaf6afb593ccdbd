using System;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExt.Data;
using MLExt.Hashing;

namespace MLExt.Neural.Featurization
{
    /// <summary>
    /// Reads a field's values from a row as numbers or as stable 64-bit keys: scalar columns, one slot of a numeric vector, or
    /// every value of a multi-valued (vector) categorical column.
    /// </summary>
    /// <summary>How text values become keys: FNV-1a (models saved before XXH3) or XXH3 (see <see cref="StableHash"/>).</summary>
    internal enum TextKeyHash
    {
        Fnv1a,
        XxHash3,
    }

    internal static class ColumnReader
    {
        /// <summary>The key of a missing value (empty text, key 0, NaN).</summary>
        public const ulong Missing = 0;

        /// <summary>The key of an unused place of a multi-valued field (a row with fewer values than the field's width).</summary>
        public const ulong Unused = ulong.MaxValue;

        /// <summary>A Single or Double value, of a scalar column (slot −1) or of one slot of a vector column; the slots of one
        /// vector share one read per row through <paramref name="values"/>.</summary>
        public static Func<double> Number(DataViewRow row, DataViewSchema.Column column, int slot, RowValues values)
        {
            if (column.Type.GetItemType() == NumberDataViewType.Double)
                return Convert<double>(values.Of<double>(row, column, slot), v => v);
            return Convert<float>(values.Of<float>(row, column, slot), v => v);
        }

        /// <summary>Writes the current row's keys into <paramref name="keys"/> (one for a scalar column, each stored value of a vector
        /// up to the span's length) and returns how many.</summary>
        public delegate int KeysReader(Span<ulong> keys);

        /// <summary>A reader of the row's keys (one for a scalar column, each stored value of a vector).</summary>
        public static KeysReader Keys(DataViewRow row, DataViewSchema.Column column, TextKeyHash textHash, ValueRecorder recorder = null) => KeyFunction(column, textHash) switch
        {
            Func<ReadOnlyMemory<char>, ulong> key => Bind(row, column, key, recorder),
            Func<uint, ulong> key => Bind(row, column, key, recorder),
            Func<bool, ulong> key => Bind(row, column, key, recorder),
            Func<float, ulong> key => Bind(row, column, key, recorder),
            Func<double, ulong> key => Bind(row, column, key, recorder),
            Func<int, ulong> key => Bind(row, column, key, recorder),
            Func<long, ulong> key => Bind(row, column, key, recorder),
            Func<ulong, ulong> key => Bind(row, column, key, recorder),
            Func<short, ulong> key => Bind(row, column, key, recorder),
            Func<ushort, ulong> key => Bind(row, column, key, recorder),
            Func<byte, ulong> key => Bind(row, column, key, recorder),
            Func<sbyte, ulong> key => Bind(row, column, key, recorder),
            _ => throw new NotSupportedException($"Column '{column.Name}' of type {column.Type} cannot be a categorical field."),
        };

        /// <summary>The key of one value of a categorical column whose values are of type <typeparamref name="T"/>.</summary>
        public static Func<T, ulong> KeyOf<T>(DataViewSchema.Column column, TextKeyHash textHash) => (Func<T, ulong>)KeyFunction(column, textHash);

        // A Func<value, key> for the column's item type.
        private static Delegate KeyFunction(DataViewSchema.Column column, TextKeyHash textHash)
        {
            DataViewType item = column.Type.GetItemType();
            if (item is TextDataViewType)
            {
                return textHash == TextKeyHash.XxHash3
                    ? (Func<ReadOnlyMemory<char>, ulong>)(v => v.Length == 0 ? Missing : Keyed(StableHash.OfText(v.Span)))
                    : (Func<ReadOnlyMemory<char>, ulong>)(v => v.Length == 0 ? Missing : Keyed(StableHash.Of(v.Span)));
            }
            if (item is KeyDataViewType)
                return (Func<uint, ulong>)(v => v == 0 ? Missing : Keyed(StableHash.Of((long)v)));
            if (item is BooleanDataViewType)
                return (Func<bool, ulong>)(v => v ? 1UL : 2UL);
            if (item == NumberDataViewType.Single)
                return (Func<float, ulong>)(v => float.IsNaN(v) ? Missing : Keyed(StableHash.Of((double)v)));
            if (item == NumberDataViewType.Double)
                return (Func<double, ulong>)(v => double.IsNaN(v) ? Missing : Keyed(StableHash.Of(v)));
            Type raw = item.RawType;
            if (raw == typeof(int)) return (Func<int, ulong>)(v => Keyed(StableHash.Of(v)));
            if (raw == typeof(long)) return (Func<long, ulong>)(v => Keyed(StableHash.Of(v)));
            if (raw == typeof(uint)) return (Func<uint, ulong>)(v => Keyed(StableHash.Of(v)));
            if (raw == typeof(ulong)) return (Func<ulong, ulong>)(v => Keyed(StableHash.Of((long)v)));
            if (raw == typeof(short)) return (Func<short, ulong>)(v => Keyed(StableHash.Of(v)));
            if (raw == typeof(ushort)) return (Func<ushort, ulong>)(v => Keyed(StableHash.Of(v)));
            if (raw == typeof(byte)) return (Func<byte, ulong>)(v => Keyed(StableHash.Of(v)));
            if (raw == typeof(sbyte)) return (Func<sbyte, ulong>)(v => Keyed(StableHash.Of(v)));
            return null;
        }

        /// <summary>Whether values of this item type can be categorical.</summary>
        public static bool IsCategorical(DataViewType item)
            => item is TextDataViewType || item is KeyDataViewType || item is BooleanDataViewType || item == NumberDataViewType.Single
            || item == NumberDataViewType.Double || item == NumberDataViewType.Int32 || item == NumberDataViewType.Int64
            || item == NumberDataViewType.UInt32 || item == NumberDataViewType.UInt64 || item == NumberDataViewType.Int16
            || item == NumberDataViewType.UInt16 || item == NumberDataViewType.Byte || item == NumberDataViewType.SByte;

        /// <summary>A hash that is neither the missing key nor the unused key.</summary>
        public static ulong Keyed(ulong hash) => hash == Missing ? 1 : hash == Unused ? Unused - 1 : hash;

        // Reads the keys, handing the recorder (when there is one) the value of each present key.
        private static KeysReader Bind<T>(DataViewRow row, DataViewSchema.Column column, Func<T, ulong> key, ValueRecorder recorder)
        {
            ValueRecorder.Handover<T> handover = recorder?.For<T>();
            if (column.Type is VectorDataViewType)
            {
                var vector = row.GetGetter<VBuffer<T>>(column);
                VBuffer<T> buffer = default;
                return keys =>
                {
                    vector(ref buffer);
                    ReadOnlySpan<T> values = buffer.GetValues();
                    int count = 0;
                    for (int i = 0; i < values.Length && count < keys.Length; i++)
                    {
                        ulong k = key(values[i]);
                        if (k == Missing)
                            continue;
                        keys[count++] = k;
                        handover?.Hold(values[i]);
                    }
                    return count;
                };
            }
            var getter = row.GetGetter<T>(column);
            return keys =>
            {
                // A local, not a captured variable: text values hold a reference, and storing one in the heap costs a GC write barrier.
                T value = default;
                getter(ref value);
                ulong k = key(value);
                keys[0] = k;
                if (k != Missing)
                    handover?.Hold(value);
                return 1;
            };
        }

        private static Func<double> Convert<T>(ValueGetter<T> getter, Func<T, double> convert)
        {
            return () =>
            {
                T value = default;
                getter(ref value);
                return convert(value);
            };
        }
    }
}
