using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExt.Cli.Commands;

namespace MLExt.Cli.Training
{
    /// <summary>
    /// The values of a label column as a file holds them (text or numbers), the task they suggest, and the label column the
    /// trainers take: a Boolean for binary tasks, a key for multiclass ones, a Single for regression. <c>train</c> and
    /// <c>evaluate</c> read labels through this one class, so a text label names the same positive class in both.
    /// </summary>
    internal sealed class LabelClasses
    {
        // More distinct values than this make a numeric label a regression target without counting the rest.
        private const int MostClassesCounted = 1000;

        // Values that name the positive class of a two-valued label, whatever the other value is.
        private static readonly string[] PositiveNames = { "1", "true", "yes", "y", "t", "positive", "pos" };

        private readonly Dictionary<string, long> _counts;

        private LabelClasses(string column, bool numeric, bool boolean, Dictionary<string, long> counts, bool countedAll, long rows)
        {
            Column = column;
            Numeric = numeric;
            Boolean = boolean;
            _counts = counts;
            CountedAll = countedAll;
            Rows = rows;
        }

        /// <summary>The file's label column.</summary>
        public string Column { get; }

        /// <summary>The label is read as a number (Single); otherwise as text.</summary>
        public bool Numeric { get; }

        /// <summary>The label is a Boolean column (of a binary IDataView file).</summary>
        public bool Boolean { get; }

        /// <summary>Every distinct value was counted (at most <see cref="MostClassesCounted"/> of them).</summary>
        public bool CountedAll { get; }

        public long Rows { get; }

        /// <summary>The distinct values, in ordinal order (numbers as their shortest round-trip text).</summary>
        public IReadOnlyList<string> Values => _counts.Keys.OrderBy(v => v, StringComparer.Ordinal).ToArray();

        /// <summary>Reads the label column of <paramref name="data"/>: a Single, Boolean or text column.</summary>
        /// <exception cref="CliException">A row has no label value (an empty field), the label has one value only, or another type.</exception>
        public static LabelClasses Read(IDataView data, string column)
        {
            DataViewSchema.Column labelColumn = data.Schema[column];
            bool numeric = labelColumn.Type == NumberDataViewType.Single, boolean = labelColumn.Type == BooleanDataViewType.Instance;
            if (!numeric && !boolean && labelColumn.Type is not TextDataViewType)
                throw new CliException($"The label '{column}' is a {labelColumn.Type} column; mlext reads numeric (Single or Double), Boolean and text labels.");
            var counts = new Dictionary<string, long>();
            bool countedAll = true;
            long rows = 0;
            using (DataViewRowCursor cursor = data.GetRowCursor(new[] { labelColumn }))
            {
                Func<string> read = numeric ? SingleReader(cursor, labelColumn) : boolean ? BooleanReader(cursor, labelColumn) : TextReader(cursor, labelColumn);
                while (cursor.MoveNext())
                {
                    rows++;
                    string value = read();
                    if (value == null)
                        throw new CliException($"Row {rows:N0} has no value in the label '{column}': every row needs one.");
                    if (counts.TryGetValue(value, out long count))
                        counts[value] = count + 1;
                    else if (counts.Count < MostClassesCounted)
                        counts[value] = 1;
                    else
                        countedAll = false;
                }
            }
            if (counts.Count < 2)
                throw new CliException($"The label '{column}' has one value{(counts.Count == 1 ? $" ('{counts.Keys.Single()}')" : "")} in every row: there is nothing to learn.");
            return new LabelClasses(column, numeric, boolean, counts, countedAll, rows);
        }

        /// <summary>The task the values suggest: two values are binary, more text values multiclass, more numbers regression.</summary>
        public ModelTask SuggestedTask => _counts.Count == 2 && CountedAll ? ModelTask.Binary : Numeric ? ModelTask.Regression : ModelTask.Multiclass;

        /// <summary>The task asked for, checked against the values, or the suggested one.</summary>
        /// <exception cref="CliException">The values cannot serve the task asked for.</exception>
        public ModelTask Choose(ModelTask? requested)
        {
            if (requested == null)
                return SuggestedTask;
            if (requested == ModelTask.Binary && _counts.Count != 2)
                throw new CliException($"--task binary needs a label with two values; '{Column}' has {(CountedAll ? _counts.Count.ToString(CultureInfo.InvariantCulture) : "more than " + MostClassesCounted)}.");
            if (requested == ModelTask.Multiclass && !CountedAll)
                throw new CliException($"--task multiclass: '{Column}' has more than {MostClassesCounted} values, too many to be classes.");
            if (requested == ModelTask.Regression && !Numeric)
                throw new CliException($"--task regression needs a numeric label; '{Column}' has text values.");
            return requested.Value;
        }

        /// <summary>
        /// The positive class of a binary label: a value that says so (1, true, yes, ...) or else the rarer one (in click and
        /// risk data the rare event is the one of interest; AUC is the same either way).
        /// </summary>
        public string PositiveClass
        {
            get
            {
                string named = _counts.Keys.FirstOrDefault(v => PositiveNames.Contains(v, StringComparer.OrdinalIgnoreCase));
                return named ?? _counts.OrderBy(p => p.Value).ThenByDescending(p => p.Key, StringComparer.Ordinal).First().Key;
            }
        }

        /// <summary>The share of rows with <paramref name="value"/>.</summary>
        public double Share(string value) => _counts.TryGetValue(value, out long count) ? (double)count / Rows : 0;

        /// <summary>
        /// Appends the label column a trainer takes for <paramref name="task"/>, named <paramref name="outputColumn"/>: a Boolean
        /// (the positive class true), a key with the classes in ordinal order, or the Single as it is.
        /// </summary>
        public IEstimator<ITransformer> Mapping(MLContext mlContext, ModelTask task, string outputColumn)
        {
            switch (task)
            {
                case ModelTask.Binary:
                    string positive = PositiveClass;
                    if (Boolean)
                        return mlContext.Transforms.CopyColumns(outputColumn, Column);
                    if (Numeric)
                        return mlContext.Transforms.Conversion.MapValue(outputColumn,
                            Values.Select(v => new KeyValuePair<float, bool>(float.Parse(v, CultureInfo.InvariantCulture), v == positive)), Column);
                    return mlContext.Transforms.Conversion.MapValue(outputColumn, Values.Select(v => new KeyValuePair<string, bool>(v, v == positive)), Column);
                case ModelTask.Multiclass:
                    return mlContext.Transforms.Conversion.MapValueToKey(outputColumn, Column, keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue);
                default:
                    return mlContext.Transforms.CopyColumns(outputColumn, Column);
            }
        }

        private static Func<string> SingleReader(DataViewRowCursor cursor, DataViewSchema.Column column)
        {
            var get = cursor.GetGetter<float>(column);
            float value = 0;
            return () =>
            {
                get(ref value);
                return float.IsNaN(value) ? null : value.ToString("R", CultureInfo.InvariantCulture);
            };
        }

        private static Func<string> BooleanReader(DataViewRowCursor cursor, DataViewSchema.Column column)
        {
            var get = cursor.GetGetter<bool>(column);
            bool value = false;
            return () =>
            {
                get(ref value);
                return value ? "true" : "false";
            };
        }

        private static Func<string> TextReader(DataViewRowCursor cursor, DataViewSchema.Column column)
        {
            var get = cursor.GetGetter<ReadOnlyMemory<char>>(column);
            ReadOnlyMemory<char> value = default;
            return () =>
            {
                get(ref value);
                return value.IsEmpty ? null : value.ToString();
            };
        }
    }
}
