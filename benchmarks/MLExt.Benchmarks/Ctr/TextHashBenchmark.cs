using System;
using System.Linq;
using System.Text;
using MLExt.Hashing;

namespace MLExt.Benchmarks.Ctr
{
    /// <summary>
    /// Text keys hashed by XXH3 (what the featurizer uses since the format that records it) against FNV-1a (one character at a
    /// time; still read for older models), over generated values of the lengths categorical text usually has.
    /// </summary>
    internal static class TextHashBenchmark
    {
        public static string Run(Action<string> log)
        {
            var text = new StringBuilder();
            text.AppendLine("## Text key hashing");
            text.AppendLine();
            text.AppendLine("200,000 random lowercase values of each length, hashed 10 times over; best of 5 runs per side, one thread. Before: FNV-1a " +
                "(`StableHash.Of`), after: XXH3 (`StableHash.OfText`, System.IO.Hashing).");
            text.AppendLine();
            text.AppendLine("| characters | FNV-1a millions/s | XXH3 millions/s | speed-up |");
            text.AppendLine("|---|---|---|---|");
            foreach (int length in new[] { 4, 8, 16, 32, 64 })
            {
                var random = new Random(length);
                ReadOnlyMemory<char>[] values = Enumerable.Range(0, 200_000)
                    .Select(_ => new string(Enumerable.Range(0, length).Select(_ => (char)('a' + random.Next(26))).ToArray()).AsMemory()).ToArray();
                ulong sink = 0;
                double Seconds(Func<ReadOnlySpan<char>, ulong> hash) => Timing.BestOf(5, () =>
                {
                    for (int pass = 0; pass < 10; pass++)
                    {
                        foreach (ReadOnlyMemory<char> value in values)
                            sink ^= hash(value.Span);
                    }
                });
                double fnv = Seconds(v => StableHash.Of(v)), xxh = Seconds(v => StableHash.OfText(v));
                // The sink keeps the hashing from being optimized away.
                text.AppendLine($"| {length} | {2.0 / fnv:F1} | {2.0 / xxh:F1} | {fnv / xxh:F2}x |" + (sink == 0 ? " " : ""));
                log($"Text hashing, {length} characters: FNV-1a {fnv:F3} s, XXH3 {xxh:F3} s");
            }
            text.AppendLine();
            return text.ToString();
        }
    }
}
