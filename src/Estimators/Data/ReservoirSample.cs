using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;

namespace MLExt.Data
{
    /// <summary>A seeded reservoir sample of rows: one pass, at most a fixed number of rows kept, every row equally likely.</summary>
    internal static class ReservoirSample
    {
        /// <summary>
        /// Reads the columns once and returns, for each value reader that <paramref name="bind"/> makes for the cursor, the values
        /// of the same sampled rows (up to <paramref name="size"/>; all rows when there are fewer).
        /// </summary>
        public static List<double>[] Of(IDataView data, IEnumerable<DataViewSchema.Column> columns, Func<DataViewRow, RowValues, Func<double>[]> bind, int size, int seed)
        {
            var random = new Random(seed);
            using DataViewRowCursor cursor = data.GetRowCursor(columns.GroupBy(c => c.Index).Select(g => g.First()));
            Func<double>[] values = bind(cursor, new RowValues());
            var samples = values.Select(_ => new List<double>()).ToArray();
            long seen = 0;
            while (cursor.MoveNext())
            {
                seen++;
                long slot = seen <= size ? seen - 1 : random.NextInt64(seen);
                for (int k = 0; k < values.Length; k++)
                {
                    double value = values[k]();
                    if (seen <= size)
                        samples[k].Add(value);
                    else if (slot < size)
                        samples[k][(int)slot] = value;
                }
            }
            return samples;
        }

        /// <summary>The inner edges of <paramref name="bins"/> equal-frequency bins of a sample (NaN left out, repeated edges once).</summary>
        public static double[] QuantileEdges(IEnumerable<double> sample, int bins)
        {
            double[] sorted = sample.Where(v => !double.IsNaN(v)).OrderBy(v => v).ToArray();
            return sorted.Length == 0 ? Array.Empty<double>()
                : Enumerable.Range(1, bins - 1).Select(k => sorted[(int)((long)k * (sorted.Length - 1) / bins)]).Distinct().ToArray();
        }
    }
}
