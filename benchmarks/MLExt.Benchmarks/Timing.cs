using System;
using System.Diagnostics;

namespace MLExt.Benchmarks
{
    internal static class Timing
    {
        /// <summary>The fastest of <paramref name="repeats"/> runs, in seconds (the least disturbed by a shared machine).</summary>
        public static double BestOf(int repeats, Action action)
        {
            double best = double.MaxValue;
            for (int r = 0; r < repeats; r++)
            {
                var watch = Stopwatch.StartNew();
                action();
                best = Math.Min(best, watch.Elapsed.TotalSeconds);
            }
            return best;
        }
    }
}
