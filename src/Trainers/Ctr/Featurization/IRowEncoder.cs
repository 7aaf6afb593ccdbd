using System;
using System.Collections.Generic;
using Microsoft.ML;

namespace MLExt.Trainers.Ctr.Featurization
{
    /// <summary>Writes rows of a data view as a fixed number of ints (ids) and floats (numbers) each, for the columnar cache.</summary>
    internal interface IRowEncoder
    {
        /// <summary>The columns the encoder reads.</summary>
        IEnumerable<string> InputColumns { get; }

        /// <summary>Ids per row: one per single-valued field, <see cref="CategoricalField.Width"/> per multi-valued one.</summary>
        int IdWidth { get; }

        /// <summary>Numeric fields that stay numbers.</summary>
        int NumericCount { get; }

        /// <summary>
        /// Binds to a row: the returned action writes the current row's ids into <c>ids[at * IdWidth ..]</c> and its numbers into
        /// <c>numeric[at * NumericCount ..]</c>.
        /// </summary>
        Action<int[], float[], int> Bind(DataViewRow row);
    }
}
