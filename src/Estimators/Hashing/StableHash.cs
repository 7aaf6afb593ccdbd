using System;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace MLExt.Hashing
{
    /// <summary>
    /// 64-bit hashes that are the same in every process and on every run (string.GetHashCode is randomized per process), so
    /// anything decided by a hash, such as which rows a subsample keeps or which bucket a value falls in, is reproducible.
    /// </summary>
    internal static class StableHash
    {
        /// <summary>The splitmix64 finalizer: every input bit affects every output bit.</summary>
        public static ulong Mix(ulong x)
        {
            x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
            x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
            return x ^ (x >> 31);
        }

        /// <summary>The hash of an integer.</summary>
        public static ulong Of(long value) => Mix((ulong)value);

        /// <summary>The hash of a number's bits.</summary>
        public static ulong Of(double value) => Mix((ulong)BitConverter.DoubleToInt64Bits(value));

        /// <summary>FNV-1a over the UTF-16 code units, then mixed (FNV alone leaves the high bits weak for short strings).</summary>
        public static ulong Of(string value) => Of(value.AsSpan());

        /// <summary>
        /// The same hash as <see cref="Of(string)"/>, of text that is not a string (such as ML.NET's ReadOnlyMemory&lt;char&gt; values).
        /// One character at a time: <see cref="OfText"/> is the faster text hash; this one stays for the hashes saved before it.
        /// </summary>
        public static ulong Of(ReadOnlySpan<char> value)
        {
            ulong hash = 14695981039346656037UL;
            foreach (char c in value)
                hash = (hash ^ c) * 1099511628211UL;
            return Mix(hash);
        }

        /// <summary>XXH3 (64 bits, seed 0) over the text's UTF-16 bytes: vectorized, many bytes a step.</summary>
        public static ulong OfText(ReadOnlySpan<char> value) => XxHash3.HashToUInt64(MemoryMarshal.AsBytes(value));

        /// <summary>A hash of several integers in order, e.g. (seed, field, row): each is mixed into the running hash.</summary>
        public static ulong Combine(ulong first, ulong second, ulong third = 0) => Mix(Mix(Mix(first) ^ second) ^ third);

        /// <summary>A uniform number in [0, 1) from the top 53 bits of a hash.</summary>
        public static double ToUnit(ulong hash) => (hash >> 11) * (1.0 / (1UL << 53));
    }
}
