using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExt.Hashing;

namespace MLExt.Data
{
    /// <summary>Options of <see cref="CriteoLikeData"/>.</summary>
    public sealed class CriteoLikeDataOptions
    {
        /// <summary>Rows in the data view.</summary>
        public long RowCount { get; set; } = 100_000;

        /// <summary>Fixes every value, the hidden model and the labels; the same seed gives the same data.</summary>
        public int Seed { get; set; } = 1;

        /// <summary>Numeric fields I1, I2, ...: heavy-tailed counts like Criteo's integer features; the first half are informative.</summary>
        public int NumericFieldCount { get; set; } = 13;

        /// <summary>Categorical fields C1, C2, ...: 8-hex-digit text values; every third (C1, C4, ...) is informative.</summary>
        public int CategoricalFieldCount { get; set; } = 26;

        /// <summary>Cardinality of the first categorical field; they grow geometrically to <see cref="MaxCardinality"/>.</summary>
        public int MinCardinality { get; set; } = 2;

        /// <summary>Cardinality of the last categorical field.</summary>
        public int MaxCardinality { get; set; } = 1_000_000;

        /// <summary>Share of labels flipped after they are drawn from the hidden model.</summary>
        public double LabelNoise { get; set; } = 0.05;

        /// <summary>Share of missing values (NaN, or empty text) in every field.</summary>
        public double MissingRate { get; set; } = 0.05;

        /// <summary>
        /// The share of an informative field's values that carry an effect (default 1: all); the others carry none, as the values
        /// of noise fields do. Below 1 the truth is sparse in values, not only in fields.
        /// </summary>
        public double EffectiveValueShare { get; set; } = 1;
    }

    /// <summary>
    /// Deterministic click-through data shaped like Criteo's (a Boolean label, numeric fields I1..I13 and categorical fields
    /// C1..C26) with a known truth: the label comes from a hidden logistic model with factorization-machine pair terms over the
    /// fields listed in <see cref="InformativeColumns"/> and <see cref="Interactions"/>; the other fields are pure noise, at every
    /// cardinality from 2 to a million. Category frequencies follow a power law (a value's id is log-uniform), as in real
    /// click logs.
    /// </summary>
    /// <remarks>
    /// Every value is a hash of (seed, field, row): nothing is stored, so a data view of any length costs no memory, reads in
    /// any order, and is the same on every machine.
    /// </remarks>
    public sealed class CriteoLikeData : IDataView
    {
        /// <summary>The label column's name.</summary>
        public const string LabelColumnName = "Label";

        private const double Bias = -1.3;
        private const double CategoricalEffect = 0.6;
        private const double NumericEffect = 0.5;
        private const int PairDimension = 4;
        private const double PairEffect = 0.5;

        // Hash purposes: each kind of draw gets its own stream.
        private const ulong ValueStream = 1, MissingStream = 2, WeightStream = 3, PairStream = 4, LabelStream = 5, NoiseStream = 6, EffectStream = 7;

        private readonly CriteoLikeDataOptions _options;
        private readonly int[] _cardinalities;
        private readonly int[] _informativeCategorical;
        private readonly int[] _informativeNumeric;
        private readonly (int First, int Second)[] _pairs;

        /// <summary>A data view of <see cref="CriteoLikeDataOptions.RowCount"/> generated rows.</summary>
        public CriteoLikeData(CriteoLikeDataOptions options)
        {
            _options = options ?? throw new ArgumentNullException(nameof(options));
            if (options.RowCount < 0)
                throw new ArgumentOutOfRangeException(nameof(options), $"RowCount must not be negative; it is {options.RowCount}.");
            if (options.NumericFieldCount < 0 || options.CategoricalFieldCount < 0 || options.NumericFieldCount + options.CategoricalFieldCount == 0)
                throw new ArgumentOutOfRangeException(nameof(options), "The data needs at least one numeric or categorical field.");
            if (options.MinCardinality < 2 || options.MaxCardinality < options.MinCardinality)
                throw new ArgumentOutOfRangeException(nameof(options), $"Cardinalities must satisfy 2 <= MinCardinality <= MaxCardinality; they are {options.MinCardinality} and {options.MaxCardinality}.");
            if (!(options.LabelNoise >= 0 && options.LabelNoise < 0.5) || !(options.MissingRate >= 0 && options.MissingRate < 1))
                throw new ArgumentOutOfRangeException(nameof(options), "LabelNoise must be in [0, 0.5) and MissingRate in [0, 1).");
            if (!(options.EffectiveValueShare > 0 && options.EffectiveValueShare <= 1))
                throw new ArgumentOutOfRangeException(nameof(options), $"EffectiveValueShare must be in (0, 1]; it is {options.EffectiveValueShare}.");

            int categorical = options.CategoricalFieldCount;
            _cardinalities = Enumerable.Range(0, categorical).Select(k => categorical == 1 ? options.MinCardinality
                : (int)Math.Round(options.MinCardinality * Math.Pow((double)options.MaxCardinality / options.MinCardinality, k / (double)(categorical - 1)))).ToArray();
            _informativeCategorical = Enumerable.Range(0, categorical).Where(k => k % 3 == 0).ToArray();
            _informativeNumeric = Enumerable.Range(0, (options.NumericFieldCount + 1) / 2).ToArray();
            // Pair terms join neighbouring informative fields: low with low cardinality, high with high.
            _pairs = Enumerable.Range(0, _informativeCategorical.Length / 2).Select(i => (_informativeCategorical[2 * i], _informativeCategorical[2 * i + 1])).ToArray();

            NumericColumnNames = Enumerable.Range(1, options.NumericFieldCount).Select(i => "I" + i).ToArray();
            CategoricalColumnNames = Enumerable.Range(1, categorical).Select(i => "C" + i).ToArray();
            InformativeColumns = _informativeNumeric.Select(i => NumericColumnNames[i]).Concat(_informativeCategorical.Select(k => CategoricalColumnNames[k])).ToArray();
            NoiseColumns = NumericColumnNames.Concat(CategoricalColumnNames).Except(InformativeColumns).ToArray();
            Interactions = _pairs.Select(p => (CategoricalColumnNames[p.First], CategoricalColumnNames[p.Second])).ToArray();
            Cardinalities = CategoricalColumnNames.Select((name, k) => (name, k)).ToDictionary(x => x.name, x => _cardinalities[x.k]);

            var builder = new DataViewSchema.Builder();
            builder.AddColumn(LabelColumnName, BooleanDataViewType.Instance);
            foreach (string name in NumericColumnNames)
                builder.AddColumn(name, NumberDataViewType.Single);
            foreach (string name in CategoricalColumnNames)
                builder.AddColumn(name, TextDataViewType.Instance);
            Schema = builder.ToSchema();
        }

        /// <summary>I1, I2, ...</summary>
        public IReadOnlyList<string> NumericColumnNames { get; }

        /// <summary>C1, C2, ...</summary>
        public IReadOnlyList<string> CategoricalColumnNames { get; }

        /// <summary>The fields the hidden model uses.</summary>
        public IReadOnlyList<string> InformativeColumns { get; }

        /// <summary>The fields the label does not depend on.</summary>
        public IReadOnlyList<string> NoiseColumns { get; }

        /// <summary>The pairs of categorical fields with a pair term in the hidden model.</summary>
        public IReadOnlyList<(string First, string Second)> Interactions { get; }

        /// <summary>How many distinct values each categorical field draws from.</summary>
        public IReadOnlyDictionary<string, int> Cardinalities { get; }

        /// <inheritdoc/>
        public DataViewSchema Schema { get; }

        /// <inheritdoc/>
        public bool CanShuffle => false;

        /// <inheritdoc/>
        public long? GetRowCount() => _options.RowCount;

        /// <inheritdoc/>
        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random rand = null)
            => new Cursor(this, columnsNeeded);

        /// <inheritdoc/>
        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random rand = null)
            => new[] { GetRowCursor(columnsNeeded, rand) };

        /// <summary>The probability of a click that the hidden model gives <paramref name="row"/> (before label noise).</summary>
        public double ClickProbability(long row)
        {
            double logit = Bias;
            foreach (int i in _informativeNumeric)
                logit += NumericEffect * Latent(i, row);
            foreach (int k in _informativeCategorical)
            {
                int value = ValueId(k, row);
                if (HasEffect(k, value))
                    logit += CategoricalEffect * Gaussian(StableHash.Combine(Key(WeightStream, k), (ulong)value));
            }
            foreach (var (first, second) in _pairs)
            {
                int a = ValueId(first, row), b = ValueId(second, row);
                if (!HasEffect(first, a) || !HasEffect(second, b))
                    continue;
                double dot = 0;
                for (int d = 0; d < PairDimension; d++)
                    dot += Gaussian(StableHash.Combine(Key(PairStream, first), (ulong)a, (ulong)d)) * Gaussian(StableHash.Combine(Key(PairStream, second), (ulong)b, (ulong)d));
                logit += PairEffect * PairEffect * dot;
            }
            return 1 / (1 + Math.Exp(-logit));
        }

        // Whether a present value of an informative field carries its effect (EffectiveValueShare of them do, drawn by value).
        private bool HasEffect(int field, int value)
            => value >= 0 && (_options.EffectiveValueShare >= 1 || StableHash.ToUnit(StableHash.Combine(Key(EffectStream, field), (ulong)value)) < _options.EffectiveValueShare);

        private bool Label(long row)
        {
            bool click = StableHash.ToUnit(StableHash.Combine(Key(LabelStream, 0), (ulong)row)) < ClickProbability(row);
            bool flip = StableHash.ToUnit(StableHash.Combine(Key(NoiseStream, 0), (ulong)row)) < _options.LabelNoise;
            return click ^ flip;
        }

        // A categorical field's value id in [0, cardinality), log-uniform so small ids are frequent; −1 when missing.
        private int ValueId(int field, long row)
        {
            ulong key = Key(ValueStream, 1000 + field);
            if (StableHash.ToUnit(StableHash.Combine(key, (ulong)row, MissingStream)) < _options.MissingRate)
                return -1;
            double u = StableHash.ToUnit(StableHash.Combine(key, (ulong)row));
            return Math.Min(_cardinalities[field] - 1, (int)Math.Pow(_cardinalities[field] + 1, u) - 1);
        }

        // The standard normal behind a numeric field's value; the informative ones enter the logit through it.
        private double Latent(int field, long row) => Gaussian(StableHash.Combine(Key(ValueStream, field), (ulong)row));

        private float NumericValue(int field, long row)
        {
            if (StableHash.ToUnit(StableHash.Combine(Key(ValueStream, field), (ulong)row, MissingStream)) < _options.MissingRate)
                return float.NaN;
            // A heavy-tailed count, as Criteo's integer features are.
            return (float)Math.Floor(Math.Exp(1.5 * Latent(field, row) + 1));
        }

        private string CategoricalValue(int field, long row)
        {
            int value = ValueId(field, row);
            return value < 0 ? "" : ((uint)StableHash.Combine(Key(ValueStream, 2000 + field), (ulong)value)).ToString("x8", CultureInfo.InvariantCulture);
        }

        private ulong Key(ulong stream, int field) => StableHash.Combine((ulong)_options.Seed, stream, (ulong)field);

        // Box-Muller from the two halves of one hash.
        private static double Gaussian(ulong hash)
        {
            double u1 = ((hash >> 32) + 0.5) / 4294967296.0, u2 = ((hash & 0xFFFFFFFF) + 0.5) / 4294967296.0;
            return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }

        private sealed class Cursor : DataViewRowCursor
        {
            private readonly CriteoLikeData _data;
            private readonly bool[] _active;
            private long _position = -1;

            public Cursor(CriteoLikeData data, IEnumerable<DataViewSchema.Column> columnsNeeded)
            {
                _data = data;
                _active = new bool[data.Schema.Count];
                foreach (DataViewSchema.Column column in columnsNeeded ?? Enumerable.Empty<DataViewSchema.Column>())
                    _active[column.Index] = true;
            }

            public override DataViewSchema Schema => _data.Schema;

            public override long Position => _position;

            public override long Batch => 0;

            public override bool MoveNext()
            {
                if (_position + 1 >= _data._options.RowCount)
                {
                    _position = _data._options.RowCount;
                    return false;
                }
                _position++;
                return true;
            }

            public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

            public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
            {
                if (!_active[column.Index])
                    throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was made.");
                int numeric = _data._options.NumericFieldCount;
                Delegate getter = column.Index switch
                {
                    0 => (ValueGetter<bool>)((ref bool value) => value = _data.Label(_position)),
                    int i when i <= numeric => (ValueGetter<float>)((ref float value) => value = _data.NumericValue(i - 1, _position)),
                    int i => (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = _data.CategoricalValue(i - 1 - numeric, _position).AsMemory()),
                };
                return getter as ValueGetter<TValue>
                    ?? throw new InvalidOperationException($"Column '{column.Name}' holds {column.Type}, not {typeof(TValue).Name}.");
            }
        }
    }
}
