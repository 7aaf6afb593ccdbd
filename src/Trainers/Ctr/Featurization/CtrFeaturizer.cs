using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLExt.Hashing;

namespace MLExt.Trainers.Ctr.Featurization
{
    /// <summary>
    /// Turns raw columns into model input, learned in <c>Fit</c> and saved with the model: every categorical field (and every
    /// numeric field that is bucketed) maps its values to ids in one shared id space, each field owning a block whose first id is
    /// its out-of-vocabulary id (unseen, rare and missing values); numeric fields that are standardized stay numbers.
    /// </summary>
    internal sealed class CtrFeaturizer
    {
        private const int QuantileSampleSize = 100_000;

        private readonly CategoricalField[] _fields;
        private readonly NumericField[] _numeric;

        private CtrFeaturizer(CategoricalField[] fields, NumericField[] numeric)
        {
            _fields = fields;
            _numeric = numeric;
            Offsets = new int[fields.Length];
            for (int f = 1; f < fields.Length; f++)
                Offsets[f] = Offsets[f - 1] + fields[f - 1].Size;
            IdCount = fields.Length == 0 ? 0 : Offsets[^1] + fields[^1].Size;
        }

        /// <summary>Fields that become ids (categorical columns and bucketed numeric ones), in order.</summary>
        public int FieldCount => _fields.Length;

        /// <summary>Numeric fields that stay numbers.</summary>
        public int NumericCount => _numeric.Length;

        /// <summary>The first id of each field's block.</summary>
        public int[] Offsets { get; }

        /// <summary>Ids in all blocks together: the rows of the embedding table.</summary>
        public int IdCount { get; }

        /// <summary>Each id field's block size (its out-of-vocabulary id included).</summary>
        public IEnumerable<int> FieldSizes => _fields.Select(f => f.Size);

        /// <summary>The input columns, as the model needs them.</summary>
        public IEnumerable<string> InputColumns => _fields.Select(f => f.Column).Concat(_numeric.Select(n => n.Column)).Distinct();

        /// <summary>Learns the vocabularies and numeric transforms in one pass (two when quantile bins need a sample first).</summary>
        public static CtrFeaturizer Learn(IHost host, IDataView data, CtrTrainer.Options options, int seed)
        {
            var fields = new List<CategoricalField>();
            foreach (string name in options.CategoricalColumnNames ?? Array.Empty<string>())
                fields.Add(new CategoricalField(name, CategoricalField.KeyKind.Value));
            var numeric = new List<NumericField>();
            foreach (string name in options.NumericColumnNames ?? Array.Empty<string>())
            {
                if (options.NumericHandling == CtrNumericHandling.Standardize)
                    numeric.Add(new NumericField(name));
                else
                    fields.Add(new CategoricalField(name, options.NumericHandling == CtrNumericHandling.LogBucket ? CategoricalField.KeyKind.LogBucket : CategoricalField.KeyKind.Quantile));
            }
            if (fields.Any(f => f.Kind == CategoricalField.KeyKind.Quantile))
                SampleQuantiles(data, fields.Where(f => f.Kind == CategoricalField.KeyKind.Quantile).ToArray(), options.NumericQuantileBins, seed);

            using (DataViewRowCursor cursor = data.GetRowCursor(fields.Select(f => data.Schema[f.Column]).Concat(numeric.Select(n => data.Schema[n.Column]))))
            {
                var keys = fields.Select(f => f.BindKey(cursor, data.Schema[f.Column])).ToArray();
                var counts = fields.Select(_ => new Dictionary<ulong, long>()).ToArray();
                var values = numeric.Select(n => Single(cursor, data.Schema[n.Column])).ToArray();
                var sums = new double[numeric.Count];
                var squares = new double[numeric.Count];
                var seen = new long[numeric.Count];
                while (cursor.MoveNext())
                {
                    for (int f = 0; f < keys.Length; f++)
                    {
                        ulong key = keys[f]();
                        if (key != CategoricalField.Missing)
                            CollectionsMarshal.GetValueRefOrAddDefault(counts[f], key, out _)++;
                    }
                    for (int n = 0; n < values.Length; n++)
                    {
                        float v = values[n]();
                        if (float.IsNaN(v))
                            continue;
                        if (float.IsInfinity(v))
                            throw host.Except($"Numeric column '{numeric[n].Column}' holds an infinite value in row {cursor.Position}.");
                        sums[n] += v;
                        squares[n] += (double)v * v;
                        seen[n]++;
                    }
                }
                for (int f = 0; f < fields.Count; f++)
                    fields[f].SetVocabulary(counts[f], options.MinimumCategoryCount, options.HashBuckets);
                for (int n = 0; n < numeric.Count; n++)
                {
                    double mean = seen[n] == 0 ? 0 : sums[n] / seen[n];
                    double variance = seen[n] == 0 ? 0 : Math.Max(0, squares[n] / seen[n] - mean * mean);
                    numeric[n].Mean = (float)mean;
                    numeric[n].InverseDeviation = variance > 0 ? (float)(1 / Math.Sqrt(variance)) : 0;
                }
            }
            return new CtrFeaturizer(fields.ToArray(), numeric.ToArray());
        }

        /// <summary>
        /// Binds to a row: the returned action writes the row's ids (global, offsets added) into <c>ids[at * FieldCount ..]</c> and
        /// its numeric values into <c>numeric[at * NumericCount ..]</c>.
        /// </summary>
        public Action<int[], float[], int> Bind(DataViewRow row)
        {
            var keys = _fields.Select(f => f.BindKey(row, row.Schema[f.Column])).ToArray();
            var values = _numeric.Select(n => Single(row, row.Schema[n.Column])).ToArray();
            return (ids, numeric, at) =>
            {
                for (int f = 0; f < keys.Length; f++)
                    ids[at * keys.Length + f] = Offsets[f] + _fields[f].IdOf(keys[f]());
                for (int n = 0; n < values.Length; n++)
                {
                    float v = values[n]();
                    numeric[at * values.Length + n] = float.IsNaN(v) ? 0 : (v - _numeric[n].Mean) * _numeric[n].InverseDeviation;
                }
            };
        }

        public void Save(ModelSaveContext ctx)
        {
            // int: id fields; per field: string column, int kind, int bins edges count + floats, int hash buckets, int vocabulary size + ulong keys (id order);
            // int: numeric fields; per field: string column, float mean, float inverse deviation
            ctx.Writer.Write(_fields.Length);
            foreach (CategoricalField field in _fields)
                field.Save(ctx);
            ctx.Writer.Write(_numeric.Length);
            foreach (NumericField field in _numeric)
            {
                ctx.SaveNonEmptyString(field.Column);
                ctx.Writer.Write(field.Mean);
                ctx.Writer.Write(field.InverseDeviation);
            }
        }

        public static CtrFeaturizer Load(ModelLoadContext ctx)
        {
            var fields = new CategoricalField[ctx.Reader.ReadInt32()];
            for (int f = 0; f < fields.Length; f++)
                fields[f] = CategoricalField.Load(ctx);
            var numeric = new NumericField[ctx.Reader.ReadInt32()];
            for (int n = 0; n < numeric.Length; n++)
                numeric[n] = new NumericField(ctx.LoadNonEmptyString()) { Mean = ctx.Reader.ReadSingle(), InverseDeviation = ctx.Reader.ReadSingle() };
            return new CtrFeaturizer(fields, numeric);
        }

        private static Func<float> Single(DataViewRow row, DataViewSchema.Column column)
        {
            Func<double> number = CategoricalField.Number(row, column);
            return () => (float)number();
        }

        private static void SampleQuantiles(IDataView data, CategoricalField[] fields, int bins, int seed)
        {
            var random = new Random(seed);
            var samples = fields.Select(_ => new List<float>()).ToArray();
            using DataViewRowCursor cursor = data.GetRowCursor(fields.Select(f => data.Schema[f.Column]));
            var values = fields.Select(f => Single(cursor, data.Schema[f.Column])).ToArray();
            long seen = 0;
            while (cursor.MoveNext())
            {
                seen++;
                long slot = seen <= QuantileSampleSize ? seen - 1 : random.NextInt64(seen);
                for (int f = 0; f < fields.Length; f++)
                {
                    float v = values[f]();
                    if (seen <= QuantileSampleSize)
                        samples[f].Add(v);
                    else if (slot < QuantileSampleSize)
                        samples[f][(int)slot] = v;
                }
            }
            for (int f = 0; f < fields.Length; f++)
            {
                float[] sorted = samples[f].Where(v => !float.IsNaN(v)).OrderBy(v => v).ToArray();
                fields[f].Edges = sorted.Length == 0 ? Array.Empty<float>()
                    : Enumerable.Range(1, bins - 1).Select(k => sorted[(int)((long)k * (sorted.Length - 1) / bins)]).Distinct().ToArray();
            }
        }

        private sealed class NumericField
        {
            public NumericField(string column) => Column = column;

            public string Column { get; }

            public float Mean { get; set; }

            public float InverseDeviation { get; set; }
        }
    }
}
