using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLExt.Data;
using MLExt.Hashing;
using MLExt.Neural.Tasks;
using MLExt.Trainers;

namespace MLExt.Neural.Featurization
{
    /// <summary>
    /// Turns raw columns into model input, learned in <c>Fit</c> and saved with the model: every categorical field (and every
    /// numeric field that is bucketed) maps its values to ids in one shared id space, each field owning a block whose first id is
    /// its out-of-vocabulary id (unseen, rare and missing values); numeric fields that are standardized stay numbers. A vector
    /// column is a multi-valued field when categorical (up to a fixed number of ids a row, the rest of the row's places holding
    /// <see cref="PadId"/>) and one numeric field per slot when numeric.
    /// </summary>
    internal sealed class NeuralFeaturizer : RowEncoder
    {
        private const int QuantileSampleSize = 100_000;

        // Standardized values are clipped to this many standard deviations: a heavy tail (counts, amounts) would otherwise put a
        // few rows' linear terms at logits in the hundreds, and their probabilities at exactly 0 or 1.
        internal const double StandardizedLimit = 10;

        private NeuralFeaturizer(CategoricalField[] fields, NumericField[] numeric) : base(fields, numeric)
        {
            Offsets = new int[fields.Length];
            for (int f = 1; f < fields.Length; f++)
                Offsets[f] = Offsets[f - 1] + fields[f - 1].Size;
            PadId = fields.Length == 0 ? 0 : Offsets[^1] + fields[^1].Size;
        }

        /// <summary>Fields that become ids (categorical columns and bucketed numeric ones), in order.</summary>
        public int FieldCount => Fields.Length;

        /// <summary>Ids in each id field's block, its out-of-vocabulary id included.</summary>
        public int[] FieldSizes => Fields.Select(f => f.Size).ToArray();

        /// <summary>The name of each field the network sees: id fields, then numeric fields (a vector column's slot as "Column[slot]").</summary>
        public string[] FieldNames => Fields.Select(f => Name(f.Column, f.Slot)).Concat(Numeric.Select(n => Name(n.Column, n.Slot))).ToArray();

        private static string Name(string column, int slot) => slot < 0 ? column : $"{column}[{slot}]";

        /// <summary>Whether each id field numbers its values most frequent first (see <see cref="CategoricalField.IdsByFrequency"/>).</summary>
        public bool[] FieldIdsByFrequency => Fields.Select(f => f.IdsByFrequency).ToArray();

        /// <summary>Each id field's places in a row's ids.</summary>
        public int[] FieldWidths => Fields.Select(f => f.Width).ToArray();

        /// <summary>The first id of each field's block.</summary>
        public int[] Offsets { get; }

        /// <summary>The id of an unused place of a multi-valued field, one past every field's block: the network masks it out.</summary>
        public int PadId { get; }

        /// <summary>
        /// Learns the vocabularies and numeric transforms while caching the rows, in one pass over the data (two when quantile bins
        /// need a sample first): rows are cached with provisional codes and raw numbers, then rewritten in place once the
        /// vocabularies and statistics are known, so the data view is read and its text hashed only once.
        /// </summary>
        public static (NeuralFeaturizer Featurizer, FeaturizedRows Rows) Learn(IHost host, IDataView data, NeuralTrainerOptions options, NeuralTask task, int seed, long memoryBudgetBytes)
        {
            var fields = new List<CategoricalField>();
            foreach (string name in options.CategoricalColumnNames)
            {
                int width = data.Schema[name].Type is VectorDataViewType vector
                    ? (vector.IsKnownSize ? Math.Min(vector.Size, options.MaximumValuesPerField) : options.MaximumValuesPerField)
                    : 1;
                fields.Add(new CategoricalField(name, CategoricalField.KeyKind.Value, -1, width));
            }
            var numeric = new List<NumericField>();
            foreach (string name in options.NumericColumnNames)
            {
                int size = data.Schema[name].Type is VectorDataViewType vector ? vector.Size : 0;
                foreach (int slot in size == 0 ? new[] { -1 } : Enumerable.Range(0, size))
                {
                    if (options.NumericHandling == CtrNumericHandling.Standardize)
                        numeric.Add(new NumericField(name, slot));
                    else
                        fields.Add(new CategoricalField(name, options.NumericHandling == CtrNumericHandling.LogBucket ? CategoricalField.KeyKind.LogBucket : CategoricalField.KeyKind.Quantile, slot, 1));
                }
            }
            if (fields.Any(f => f.Kind == CategoricalField.KeyKind.Quantile))
                SampleQuantiles(data, fields.Where(f => f.Kind == CategoricalField.KeyKind.Quantile).ToArray(), options.NumericQuantileBins, seed);

            var counter = new Counter(host, fields.ToArray(), numeric.ToArray());
            FeaturizedRows rows = FeaturizedRows.Read(host, data, counter, task, options.LabelColumnName, options.ExampleWeightColumnName, memoryBudgetBytes);
            return (counter.Finish(rows, options.MinimumCategoryCount, options.HashBuckets), rows);
        }

        /// <summary>
        /// The featurizer over the kept values alone (<paramref name="kept"/>: per id, the pad id's entry unused, then per numeric
        /// field): a dropped value joins its field's out-of-vocabulary id, as an unseen value does, and a dropped numeric field
        /// reads 0 (its mean) in every row. <paramref name="newIdOfOld"/> gets each id's new id, the pad id's included.
        /// </summary>
        public NeuralFeaturizer Restrict(bool[] kept, out int[] newIdOfOld)
        {
            var restricted = Fields.Select((field, f) => field.Restrict(local => kept[Offsets[f] + local])).ToArray();
            var numeric = Numeric.Select((n, i) => new NumericField(n.Column, n.Slot)
            {
                Mean = n.Mean,
                InverseDeviation = kept[PadId + 1 + i] ? n.InverseDeviation : 0,
            }).ToArray();
            var featurizer = new NeuralFeaturizer(restricted.Select(r => r.Field).ToArray(), numeric);
            newIdOfOld = new int[PadId + 1];
            for (int f = 0; f < Fields.Length; f++)
            {
                for (int local = 0; local < Fields[f].Size; local++)
                    newIdOfOld[Offsets[f] + local] = featurizer.Offsets[f] + restricted[f].NewIdOfOld[local];
            }
            newIdOfOld[PadId] = featurizer.PadId;
            return featurizer;
        }

        /// <summary>
        /// Binds to a row for scoring one row at a time: the returned function encodes the current row into a one-row cache (the
        /// same cache each call) and returns it.
        /// </summary>
        public Func<FeaturizedRows> BindRow(DataViewRow row)
        {
            Action<ulong[], float[], int> read = BindReader(row);
            var keys = new ulong[IdWidth];
            var ids = new int[IdWidth];
            var numeric = new float[NumericCount];
            FeaturizedRows encoded = FeaturizedRows.InMemory(ids.Length, numeric.Length, ids, numeric, 1);
            return () =>
            {
                read(keys, numeric, 0);
                Encode(keys, ids, numeric);
                return encoded;
            };
        }

        /// <inheritdoc/>
        /// <remarks>Keys outside the vocabulary get their field's out-of-vocabulary id; numbers are standardized.</remarks>
        public override void Encode(ReadOnlySpan<ulong> keys, Span<int> ids, Span<float> numbers)
        {
            // Row by row, place by place: no division per value to find its field.
            for (int row = 0; row < keys.Length; row += IdWidth)
            {
                for (int k = 0; k < IdWidth; k++)
                {
                    int f = FieldOfPlace[k];
                    ulong key = keys[row + k];
                    ids[row + k] = key == ColumnReader.Unused ? PadId : Offsets[f] + Fields[f].IdOf(key);
                }
            }
            for (int row = 0; row < numbers.Length; row += NumericCount)
            {
                for (int n = 0; n < NumericCount; n++)
                    numbers[row + n] = Standardized(n, numbers[row + n]);
            }
        }

        // Missing (NaN) values sit at the mean.
        private float Standardized(int field, double v)
            => double.IsNaN(v) ? 0 : (float)Math.Clamp((v - Numeric[field].Mean) * Numeric[field].InverseDeviation, -StandardizedLimit, StandardizedLimit);

        public void Save(ModelSaveContext ctx)
        {
            // int: id fields; per field: see CategoricalField.Save (its last int, the text hash, written since the formats named in
            // Load's callers); int: numeric fields; per field: string column, int slot (−1 for a
            // scalar column), float mean, float inverse deviation
            ctx.Writer.Write(Fields.Length);
            foreach (CategoricalField field in Fields)
                field.Save(ctx);
            ctx.Writer.Write(Numeric.Length);
            foreach (NumericField field in Numeric)
            {
                ctx.SaveNonEmptyString(field.Column);
                ctx.Writer.Write(field.Slot);
                ctx.Writer.Write(field.Mean);
                ctx.Writer.Write(field.InverseDeviation);
            }
            // The vocabularies' values ride in a stream of their own, so the main format (and its version) stays as it was; a model
            // saved without it loads with no values, and exports to ONNX with an error saying so.
            ctx.SaveBinaryStream(VocabularyValuesStream, writer =>
            {
                foreach (CategoricalField field in Fields)
                    field.SaveValues(writer);
            });
        }

        private const string VocabularyValuesStream = "VocabularyValues";

        /// <summary>Reads a featurizer saved by <see cref="Save"/>; without <paramref name="hasTextHash"/>, one saved before the fields
        /// recorded their text hash.</summary>
        public static NeuralFeaturizer Load(ModelLoadContext ctx, bool hasTextHash)
        {
            var fields = new CategoricalField[ctx.Reader.ReadInt32()];
            for (int f = 0; f < fields.Length; f++)
                fields[f] = CategoricalField.Load(ctx, hasTextHash);
            var numeric = new NumericField[ctx.Reader.ReadInt32()];
            for (int n = 0; n < numeric.Length; n++)
                numeric[n] = new NumericField(ctx.LoadNonEmptyString(), ctx.Reader.ReadInt32()) { Mean = ctx.Reader.ReadSingle(), InverseDeviation = ctx.Reader.ReadSingle() };
            ctx.TryLoadBinaryStream(VocabularyValuesStream, reader =>
            {
                foreach (CategoricalField field in fields)
                    field.LoadValues(reader);
            });
            return new NeuralFeaturizer(fields, numeric);
        }

        private static void SampleQuantiles(IDataView data, CategoricalField[] fields, int bins, int seed)
        {
            List<double>[] samples = ReservoirSample.Of(data, fields.Select(f => data.Schema[f.Column]),
                (cursor, rowValues) => fields.Select(f => ColumnReader.Number(cursor, data.Schema[f.Column], f.Slot, rowValues)).ToArray(), QuantileSampleSize, seed);
            for (int f = 0; f < fields.Length; f++)
                fields[f].Edges = ReservoirSample.QuantileEdges(samples[f], bins).Select(edge => (float)edge).Distinct().ToArray();
        }

        /// <summary>
        /// The learning pass's encoder: counts every field's keys and numbers them in order of appearance, and caches each value as
        /// its provisional code (0 missing, n + 1 for key number n, −1 an unused place of a multi-valued field) and each number raw,
        /// for <see cref="Finish"/> to rewrite.
        /// </summary>
        private sealed class Counter : RowEncoder
        {
            private readonly IHost _host;
            private readonly KeyTable[] _seen;
            private readonly ValueRecorder[] _recorders;
            private readonly double[] _sums;
            private readonly double[] _squares;
            private readonly long[] _present;
            // Rows whose numbers were observed, for the position in an error message.
            private long _rowsObserved;

            public Counter(IHost host, CategoricalField[] fields, NumericField[] numeric) : base(fields, numeric)
            {
                _host = host;
                _seen = fields.Select(_ => new KeyTable()).ToArray();
                _recorders = fields.Select(field => new ValueRecorder(FeaturizedRows.RowsInFlight * field.Width)).ToArray();
                _sums = new double[numeric.Length];
                _squares = new double[numeric.Length];
                _present = new long[numeric.Length];
            }

            /// <inheritdoc/>
            /// <remarks>The reading thread hands values over; the encoding thread counts keys and keeps the values of new ones.</remarks>
            protected override ValueRecorder[] Recorders => _recorders;

            /// <inheritdoc/>
            /// <remarks>Counts the keys and the present numbers, and writes provisional codes and raw numbers.</remarks>
            public override void Encode(ReadOnlySpan<ulong> keys, Span<int> ids, Span<float> numbers)
            {
                // Field by field, so that each table's slots are asked for a few rows ahead (see KeyTable.Prefetch) and their cache
                // misses overlap; row by row within a field, the order its values were handed over in.
                for (int first = 0; first < IdWidth; first += Fields[FieldOfPlace[first]].Width)
                {
                    int f = FieldOfPlace[first], end = first + Fields[f].Width;
                    KeyTable seen = _seen[f];
                    ValueRecorder recorder = _recorders[f];
                    for (int row = 0; row < keys.Length; row += IdWidth)
                    {
                        if (row + KeyTable.PrefetchDistance * IdWidth < keys.Length)
                            seen.Prefetch(keys[row + KeyTable.PrefetchDistance * IdWidth + first]);
                        for (int k = row + first; k < row + end; k++)
                        {
                            ulong key = keys[k];
                            if (key == ColumnReader.Unused || key == CategoricalField.Missing)
                            {
                                ids[k] = key == ColumnReader.Unused ? -1 : 0;
                                continue;
                            }
                            int known = seen.Count, number = seen.Add(key);
                            recorder.Take(isNew: number == known);
                            ids[k] = 1 + number;
                        }
                    }
                }
                for (int row = 0; row < numbers.Length; row += NumericCount, _rowsObserved++)
                {
                    for (int n = 0; n < NumericCount; n++)
                        Observe(n, numbers[row + n], _rowsObserved);
                }
            }

            /// <summary>Sets the vocabularies and statistics, and rewrites the cached rows into ids and standardized numbers.</summary>
            public NeuralFeaturizer Finish(FeaturizedRows rows, int minimumCount, int hashBuckets)
            {
                int[][] idOfKey = Fields.Select((field, f) => field.SetVocabulary(_seen[f], minimumCount, hashBuckets, _recorders[f])).ToArray();
                foreach (KeyTable seen in _seen)
                    seen.Release();
                for (int n = 0; n < Numeric.Length; n++)
                {
                    double mean = _present[n] == 0 ? 0 : _sums[n] / _present[n];
                    double variance = _present[n] == 0 ? 0 : Math.Max(0, _squares[n] / _present[n] - mean * mean);
                    Numeric[n].Mean = (float)mean;
                    Numeric[n].InverseDeviation = variance > 0 ? (float)(1 / Math.Sqrt(variance)) : 0;
                }
                var featurizer = new NeuralFeaturizer(Fields, Numeric);
                // By place in a row: the global id of each provisional code, indexed by code + 1.
                int[][] idOfCode = Fields.SelectMany((field, f) => Enumerable.Repeat(
                    idOfKey[f].Select(id => featurizer.Offsets[f] + id).Prepend(featurizer.Offsets[f]).Prepend(featurizer.PadId).ToArray(), field.Width)).ToArray();
                rows.Rewrite((ids, numeric) =>
                {
                    for (int k = 0; k < ids.Length; k++)
                        ids[k] = idOfCode[k][ids[k] + 1];
                    for (int n = 0; n < numeric.Length; n++)
                        numeric[n] = featurizer.Standardized(n, numeric[n]);
                });
                return featurizer;
            }

            // Adds a present value to the field's statistics (missing values, NaN, are cached as they are).
            private void Observe(int field, double v, long row)
            {
                if (double.IsNaN(v))
                    return;
                if (double.IsInfinity(v))
                    throw _host.Except($"Numeric column '{Numeric[field].Column}' holds an infinite value in row {row}.");
                _sums[field] += v;
                _squares[field] += v * v;
                _present[field]++;
            }
        }
    }
}
