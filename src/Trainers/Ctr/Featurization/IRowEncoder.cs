using System;
using System.Collections.Generic;
using Microsoft.ML;

namespace MLExt.Trainers.Ctr.Featurization
{
    /// <summary>
    /// Turns rows of a data view into a fixed number of ints (ids) and floats (numbers) each, for the columnar cache, in two
    /// steps that can run on different threads: reading a row's values as keys and raw numbers (on the cursor's thread), then
    /// encoding whole blocks of read rows.
    /// </summary>
    internal interface IRowEncoder
    {
        /// <summary>The columns the encoder reads.</summary>
        IEnumerable<string> InputColumns { get; }

        /// <summary>Ids per row: one per single-valued field, <see cref="CategoricalField.Width"/> per multi-valued one.</summary>
        int IdWidth { get; }

        /// <summary>Numeric fields that stay numbers.</summary>
        int NumericCount { get; }

        /// <summary>
        /// Binds to a row: the returned action reads the current row's keys into <c>keys[at * IdWidth ..]</c> (one per id place,
        /// <see cref="ColumnReader.Unused"/> in the unused places of a multi-valued field) and its numbers, raw, into
        /// <c>numbers[at * NumericCount ..]</c>.
        /// </summary>
        Action<ulong[], float[], int> BindReader(DataViewRow row);

        /// <summary>
        /// Encodes read rows, in the order they were read: their keys into <paramref name="ids"/> and their raw numbers, in place,
        /// into the numbers the model takes.
        /// </summary>
        void Encode(ReadOnlySpan<ulong> keys, Span<int> ids, Span<float> numbers);
    }
}
