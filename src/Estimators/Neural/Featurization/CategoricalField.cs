using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExt.Data;
using MLExt.Hashing;

namespace MLExt.Neural.Featurization
{
    /// <summary>
    /// One field that becomes ids: its values are reduced to stable 64-bit keys, and the vocabulary maps each key seen at least
    /// the minimum number of times to an id from 1; id 0 is the field's out-of-vocabulary id (rare, unseen and missing values).
    /// A field with more frequent values than the hash-bucket limit hashes every key into that many ids instead. A multi-valued
    /// field (a vector column) holds up to <see cref="Width"/> ids per row, which the network pools.
    /// </summary>
    internal sealed class CategoricalField
    {
        /// <summary>The key of a missing value.</summary>
        public const ulong Missing = ColumnReader.Missing;

        // Vocabulary keys, numbered from 0 in id order (id = number + 1).
        private KeyTable _vocabulary = new KeyTable();
        private int _hashBuckets;
        // The value each vocabulary key was made from, by number; null when not recorded (models saved before values were).
        private object[] _vocabularyValues;

        /// <param name="column">The column.</param>
        /// <param name="kind">How values become keys.</param>
        /// <param name="slot">For a bucketed numeric vector, the slot; −1 otherwise.</param>
        /// <param name="width">1, or for a multi-valued column the most values kept per row.</param>
        public CategoricalField(string column, KeyKind kind, int slot, int width)
        {
            Column = column;
            Kind = kind;
            Slot = slot;
            Width = width;
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

        public int Slot { get; }

        public int Width { get; }

        /// <summary>How the field's text values become keys (new fields: XXH3).</summary>
        public TextKeyHash TextHash { get; private set; } = TextKeyHash.XxHash3;

        /// <summary>Upper edges of the quantile bins.</summary>
        public float[] Edges { get; set; } = Array.Empty<float>();

        /// <summary>Ids in the field's block, the out-of-vocabulary id included.</summary>
        public int Size => _hashBuckets > 0 ? _hashBuckets + 1 : _vocabulary.Count + 1;

        /// <summary>
        /// Keeps the keys seen at least <paramref name="minimumCount"/> times (most frequent first, id 1 up), or hashes every key
        /// into the buckets when more than <paramref name="hashBuckets"/> are frequent; returns the id of each seen key by number.
        /// The kept keys' values come from <paramref name="values"/>.
        /// </summary>
        public int[] SetVocabulary(KeyTable seen, int minimumCount, int hashBuckets, ValueRecorder values)
        {
            var keys = seen.ByNumber();
            int[] frequent = Enumerable.Range(0, keys.Length).Where(n => keys[n].Count >= minimumCount)
                .OrderByDescending(n => keys[n].Count).ThenBy(n => keys[n].Key).ToArray();
            _hashBuckets = hashBuckets > 0 && frequent.Length > hashBuckets ? hashBuckets : 0;
            _vocabulary = new KeyTable();
            if (_hashBuckets > 0)
                return keys.Select(k => IdOf(k.Key)).ToArray();
            var ids = new int[keys.Length];
            foreach (int n in frequent)
                ids[n] = 1 + _vocabulary.Add(keys[n].Key);
            _vocabularyValues = frequent.Select(n => values.ValueOf(n)).ToArray();
            return ids;
        }

        /// <summary>
        /// The value each vocabulary entry was made from, by id − 1 (text as a string; whole numbers, keys, Booleans as 1 and 0, and
        /// bucket numbers as longs; other numbers as doubles); null for a field that hashes into buckets or was saved without them.
        /// </summary>
        public object[] VocabularyValues => _hashBuckets > 0 ? null : _vocabularyValues;

        /// <summary>
        /// The field with only the vocabulary values <paramref name="kept"/> accepts (by id, in id order), and each old id's new id:
        /// a dropped value's is 0, the out-of-vocabulary id, as if unseen. Not for a field that hashes into buckets.
        /// </summary>
        public (CategoricalField Field, int[] NewIdOfOld) Restrict(Func<int, bool> kept)
        {
            if (_hashBuckets > 0)
                throw new InvalidOperationException($"Field '{Column}' hashes its values into buckets; its vocabulary cannot be restricted.");
            var field = new CategoricalField(Column, Kind, Slot, Width) { Edges = Edges, TextHash = TextHash };
            var keys = _vocabulary.ByNumber();
            var newIdOfOld = new int[Size];
            for (int n = 0; n < keys.Length; n++)
            {
                if (kept(n + 1))
                    newIdOfOld[n + 1] = 1 + field._vocabulary.Add(keys[n].Key);
            }
            field._vocabularyValues = _vocabularyValues?.Where((_, n) => kept(n + 1)).ToArray();
            return (field, newIdOfOld);
        }

        /// <summary>Whether the field hashes its values into buckets instead of keeping a vocabulary.</summary>
        public bool Hashed => _hashBuckets > 0;

        /// <summary>Whether the ids number the values most frequent first: a vocabulary's, not hash buckets or numeric buckets.</summary>
        public bool IdsByFrequency => Kind == KeyKind.Value && !Hashed;

        /// <summary>The id within the field's block.</summary>
        public int IdOf(ulong key)
        {
            if (key == Missing)
                return 0;
            if (_hashBuckets > 0)
                return 1 + (int)(key % (ulong)_hashBuckets);
            return 1 + _vocabulary.IndexOf(key);
        }

        /// <summary>A reader of the current row's keys (up to <see cref="Width"/>), telling <paramref name="recorder"/> (when given) the
        /// value of each key.</summary>
        public ColumnReader.KeysReader BindKeys(DataViewRow row, RowValues rowValues, ValueRecorder recorder = null)
        {
            DataViewSchema.Column column = row.Schema[Column];
            if (Kind == KeyKind.Value)
                return ColumnReader.Keys(row, column, TextHash, recorder);
            Func<double> number = ColumnReader.Number(row, column, Slot, rowValues);
            ValueRecorder.Handover<long> handover = recorder?.For<long>();
            return keys =>
            {
                if (Bucket(number()) is long b)
                {
                    keys[0] = ColumnReader.Keyed(StableHash.Of(b));
                    handover?.Hold(b);
                }
                else
                {
                    keys[0] = Missing;
                }
                return 1;
            };
        }

        /// <summary>The key of a number in a bucketed numeric field (its log bucket or quantile bin).</summary>
        public ulong NumberKey(double v) => Bucket(v) is long b ? ColumnReader.Keyed(StableHash.Of(b)) : Missing;

        /// <summary>A bucketed numeric field's bucket number: its Criteo log bucket (with <see cref="LogBucketBase"/> added above 2)
        /// or the number of quantile edges below it; null when missing (NaN).</summary>
        public long? Bucket(double v)
        {
            if (double.IsNaN(v))
                return null;
            if (Kind == KeyKind.LogBucket)
                return v > 2 ? LogBucketBase + (long)Math.Floor(Math.Log(v) * Math.Log(v)) : (long)Math.Floor(v);
            int index = Array.BinarySearch(Edges, (float)v);
            return index >= 0 ? index : ~index;
        }

        /// <summary>Added to a log bucket's number above 2, keeping it apart from the buckets of small raw values.</summary>
        public const long LogBucketBase = 1L << 40;

        public void Save(ModelSaveContext ctx)
        {
            ctx.SaveNonEmptyString(Column);
            ctx.Writer.Write((int)Kind);
            ctx.Writer.Write(Slot);
            ctx.Writer.Write(Width);
            ctx.Writer.Write(Edges.Length);
            foreach (float edge in Edges)
                ctx.Writer.Write(edge);
            ctx.Writer.Write(_hashBuckets);
            var vocabulary = _vocabulary.ByNumber();
            ctx.Writer.Write(vocabulary.Length);
            foreach (var (key, _) in vocabulary)
                ctx.Writer.Write(key);
            ctx.Writer.Write((int)TextHash);
        }

        /// <summary>Writes the vocabulary's values (see <see cref="VocabularyValues"/>): int count (−1 when not recorded); per value a
        /// byte tag (1 string, 2 long, 3 double, 0 none) and the value.</summary>
        public void SaveValues(System.IO.BinaryWriter writer)
        {
            writer.Write(_vocabularyValues?.Length ?? -1);
            foreach (object value in _vocabularyValues ?? Array.Empty<object>())
            {
                switch (value)
                {
                    case string text: writer.Write((byte)1); writer.Write(text); break;
                    case long whole: writer.Write((byte)2); writer.Write(whole); break;
                    case double number: writer.Write((byte)3); writer.Write(number); break;
                    default: writer.Write((byte)0); break;
                }
            }
        }

        /// <summary>Reads what <see cref="SaveValues"/> wrote.</summary>
        public void LoadValues(System.IO.BinaryReader reader)
        {
            int count = reader.ReadInt32();
            if (count < 0)
                return;
            _vocabularyValues = new object[count];
            for (int i = 0; i < count; i++)
            {
                _vocabularyValues[i] = reader.ReadByte() switch
                {
                    1 => reader.ReadString(),
                    2 => reader.ReadInt64(),
                    3 => reader.ReadDouble(),
                    _ => null,
                };
            }
        }

        /// <summary>Reads a field saved by <see cref="Save"/>; without <paramref name="hasTextHash"/>, one saved before the text hash was
        /// (then its text keys are FNV-1a).</summary>
        public static CategoricalField Load(ModelLoadContext ctx, bool hasTextHash)
        {
            var field = new CategoricalField(ctx.LoadNonEmptyString(), (KeyKind)ctx.Reader.ReadInt32(), ctx.Reader.ReadInt32(), ctx.Reader.ReadInt32());
            field.Edges = new float[ctx.Reader.ReadInt32()];
            for (int e = 0; e < field.Edges.Length; e++)
                field.Edges[e] = ctx.Reader.ReadSingle();
            field._hashBuckets = ctx.Reader.ReadInt32();
            int count = ctx.Reader.ReadInt32();
            for (int i = 0; i < count; i++)
                field._vocabulary.Add(ctx.Reader.ReadUInt64());
            field.TextHash = hasTextHash ? (TextKeyHash)ctx.Reader.ReadInt32() : TextKeyHash.Fnv1a;
            return field;
        }
    }
}
