using MLExt.Devices;
using MLExt.Hashing;
using static TorchSharp.torch;

namespace MLExt.Neural.Compression
{
    /// <summary>
    /// Universal hashing of ids on the tensors' device: ((a·id + b) mod p) mod rows, p = 2³¹ − 1, with a and b drawn from a salt
    /// by a stable hash, so a table rebuilt from its spec hashes every id exactly as in training.
    /// </summary>
    internal static class IdHash
    {
        private const long Prime = 2147483647;

        /// <summary>The row in [0, rows) of each id [any shape] (ids below 2³¹).</summary>
        public static Tensor Row(Tensor ids, ulong salt, long rows)
        {
            ulong mixed = StableHash.Mix(salt);
            long a = 1 + (long)(mixed % (Prime - 1)), b = (long)((mixed >> 32) % Prime);
            return ids.Times(a).Plus(b).With(Prime, static (t, prime) => t.remainder(prime)).With(rows, static (t, count) => t.remainder(count));
        }

        /// <summary>The salt of hash function <paramref name="k"/> of field <paramref name="field"/>.</summary>
        public static ulong Salt(int field, int k) => StableHash.Combine((ulong)field, (ulong)k);
    }
}
