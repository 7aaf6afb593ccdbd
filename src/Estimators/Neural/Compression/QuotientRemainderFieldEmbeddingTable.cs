using System;
using MLExt.Devices;
using MLExt.Neural.Networks;
using Modules = TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MLExt.Neural.Compression
{
    /// <summary>
    /// The quotient-remainder trick (Shi et al. 2020): id i reads row i mod m of one table and row i / m of another, and its vector is
    /// their element-wise product, so every id gets a distinct vector from m + ⌈size / m⌉ rows.
    /// </summary>
    internal sealed class QuotientRemainderFieldEmbeddingTable : FieldEmbeddingTable
    {
        private readonly Modules.Embedding remainders;
        private readonly Modules.Embedding quotients;
        private readonly long _modulus;

        public QuotientRemainderFieldEmbeddingTable(int size, long modulus, int dimension) : base(nameof(QuotientRemainderFieldEmbeddingTable))
        {
            _modulus = modulus;
            remainders = Embedding(modulus, dimension);
            quotients = Embedding(QuotientRows(size, modulus), dimension);
            using (no_grad())
            {
                // The quotient rows start at 1: the product starts as the remainder rows, small as a full table's.
                init.normal_(remainders.weight, std: 1e-4);
                init.ones_(quotients.weight);
            }
            RegisterComponents();
        }

        /// <summary>Rows of the quotient table for <paramref name="size"/> ids.</summary>
        public static long QuotientRows(long size, long modulus) => (size + modulus - 1) / modulus;

        /// <summary>The modulus whose two tables together have the fewest rows for <paramref name="size"/> ids (about √size).</summary>
        public static long SmallestModulus(long size) => Math.Max(1, (long)Math.Ceiling(Math.Sqrt(size)));

        public override Tensor forward(Tensor localIds)
            => remainders.forward(localIds.With(_modulus, static (t, m) => t.remainder(m))) * quotients.forward(localIds.With(_modulus, static (t, m) => t.div(m, rounding_mode: RoundingMode.floor)));
    }
}
