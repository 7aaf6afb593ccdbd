using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using MLExt.Data;

namespace MLExt.Neural.Featurization
{
    /// <summary>
    /// Turns rows of a data view into a fixed number of ints (ids) and floats (numbers) each, for the columnar cache, in two
    /// steps that can run on different threads: reading a row's values as keys and raw numbers (on the cursor's thread), then
    /// encoding whole blocks of read rows. The fields, and so the reading, are the same for the learning pass's encoder and
    /// for the finished featurizer; they differ in how they encode.
    /// </summary>
    internal abstract class RowEncoder
    {
        protected RowEncoder(CategoricalField[] fields, NumericField[] numeric)
        {
            Fields = fields;
            Numeric = numeric;
            FieldOfPlace = fields.SelectMany((field, f) => Enumerable.Repeat(f, field.Width)).ToArray();
        }

        /// <summary>The columns the encoder reads.</summary>
        public IEnumerable<string> InputColumns => Fields.Select(f => f.Column).Concat(Numeric.Select(n => n.Column)).Distinct();

        /// <summary>Ids per row: one per single-valued field, <see cref="CategoricalField.Width"/> per multi-valued one.</summary>
        public int IdWidth => FieldOfPlace.Length;

        /// <summary>Numeric fields that stay numbers.</summary>
        public int NumericCount => Numeric.Length;

        /// <summary>Fields that become ids (categorical columns and bucketed numeric ones), in order.</summary>
        public CategoricalField[] Fields { get; }

        /// <summary>Numeric fields that stay numbers, in order.</summary>
        public NumericField[] Numeric { get; }

        /// <summary>The field of each place in a row's ids.</summary>
        protected int[] FieldOfPlace { get; }

        /// <summary>
        /// Binds to a row: the returned action reads the current row's keys into <c>keys[at * IdWidth ..]</c> (one per id place,
        /// <see cref="ColumnReader.Unused"/> in the unused places of a multi-valued field) and its numbers, raw, as floats, into
        /// <c>numbers[at * NumericCount ..]</c>.
        /// </summary>
        public Action<ulong[], float[], int> BindReader(DataViewRow row)
        {
            var rowValues = new RowValues();
            var keys = Fields.Select((f, i) => f.BindKeys(row, rowValues, Recorders?[i])).ToArray();
            var values = Numeric.Select(n => ColumnReader.Number(row, row.Schema[n.Column], n.Slot, rowValues)).ToArray();
            int[] widths = Fields.Select(f => f.Width).ToArray();
            int idWidth = IdWidth;
            return (rowKeys, numbers, at) =>
            {
                int place = at * idWidth;
                for (int f = 0; f < keys.Length; f++)
                {
                    Span<ulong> fieldKeys = rowKeys.AsSpan(place, widths[f]);
                    int count = keys[f](fieldKeys);
                    fieldKeys[count..].Fill(ColumnReader.Unused);
                    place += widths[f];
                }
                // Through float, as the training cache holds raw values: Double columns score exactly as they trained.
                for (int n = 0; n < values.Length; n++)
                    numbers[at * values.Length + n] = (float)values[n]();
            };
        }

        /// <summary>Per field, what records the values its keys are made from while reading; null when nothing records.</summary>
        protected virtual ValueRecorder[] Recorders => null;

        /// <summary>
        /// Encodes read rows, in the order they were read: their keys into <paramref name="ids"/> and their raw numbers, in place,
        /// into the numbers the model takes.
        /// </summary>
        public abstract void Encode(ReadOnlySpan<ulong> keys, Span<int> ids, Span<float> numbers);
    }

    /// <summary>A numeric field that stays a number: a scalar column or one slot of a vector, and its standardization.</summary>
    internal sealed class NumericField
    {
        public NumericField(string column, int slot)
        {
            Column = column;
            Slot = slot;
        }

        public string Column { get; }

        /// <summary>The slot of a vector column; −1 for a scalar column.</summary>
        public int Slot { get; }

        public float Mean { get; set; }

        public float InverseDeviation { get; set; }
    }
}
