using System;
using System.Diagnostics;
using System.IO;

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

        /// <summary>Minor page faults this process has taken so far (Linux; 0 elsewhere): on a VM each costs microseconds, and
        /// a run that takes many more of them than another is slower for that alone.</summary>
        public static long PageFaults()
        {
            const string stat = "/proc/self/stat";
            if (!File.Exists(stat))
                return 0;
            // The fields after the process name, which ends at the last ')': state is the first, minflt the eighth.
            string text = File.ReadAllText(stat);
            return long.Parse(text[(text.LastIndexOf(')') + 2)..].Split(' ')[7]);
        }
    }
}
