using System;

namespace MLExt.Transforms.QuickSelecting.Core
{
    /// <summary>Scales every column of the training rows in place; a constant column becomes all zeros and is reported.</summary>
    internal static class InputScaler
    {
        /// <returns>Per column, whether it was constant.</returns>
        public static bool[] ScaleInPlace(float[][] rows, QuickSelectionScaling scaling)
        {
            int features = rows[0].Length;
            var constant = new bool[features];
            for (int f = 0; f < features; f++)
            {
                double mean = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
                foreach (float[] row in rows)
                {
                    mean += row[f];
                    min = Math.Min(min, row[f]);
                    max = Math.Max(max, row[f]);
                }
                mean /= rows.Length;
                double variance = 0;
                foreach (float[] row in rows)
                    variance += (row[f] - mean) * (row[f] - mean);
                double sd = Math.Sqrt(variance / rows.Length);
                constant[f] = max == min;
                double offset = scaling == QuickSelectionScaling.Standard ? mean : min;
                double scale = constant[f] ? 0 : scaling == QuickSelectionScaling.Standard ? 1 / sd : 1 / (max - min);
                foreach (float[] row in rows)
                    row[f] = (float)((row[f] - offset) * scale);
            }
            return constant;
        }
    }
}
