using System;
using System.Linq;
using MLExt.Devices;
using MLExt.Neural.Networks;
using Modules = TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExt.Neural.Compression
{
    /// <summary>
    /// TT-Rec (Yin et al. 2021): the size × d table as a tensor train of three cores. Id i is split into digits (i₁, i₂, i₃) of a
    /// mixed radix n₁ × n₂ × n₃ ≥ size, d into factors d₁ d₂ d₃, and the id's vector is the product of the cores' slices
    /// G₁[i₁] (d₁ × r), G₂[i₂] (r × d₂ r) and G₃[i₃] (r × d₃), the rank r chosen by the budget.
    /// </summary>
    internal sealed class TensorTrainFieldEmbeddingTable : FieldEmbeddingTable
    {
        private readonly Modules.Parameter first;
        private readonly Modules.Parameter middle;
        private readonly Modules.Parameter last;
        private readonly long[] _radix;
        private readonly int[] _factors;
        private readonly int _rank;

        public TensorTrainFieldEmbeddingTable(int size, int dimension, int rank) : base(nameof(TensorTrainFieldEmbeddingTable))
        {
            _radix = Radix(size);
            _factors = Factors(dimension);
            _rank = rank;
            // Each core N(0, s), s chosen so that an id's vector entries (sums of r² products of three entries) have a small spread.
            double spread = Math.Pow(1e-6 / ((double)rank * rank), 1.0 / 6);
            using (no_grad())
            {
                first = new Modules.Parameter(TorchScalars.Normal(0, spread, new long[] { _radix[0], _factors[0] * rank }));
                middle = new Modules.Parameter(TorchScalars.Normal(0, spread, new long[] { _radix[1], rank * _factors[1] * rank }));
                last = new Modules.Parameter(TorchScalars.Normal(0, spread, new long[] { _radix[2], rank * _factors[2] }));
            }
            RegisterComponents();
        }

        /// <summary>Parameters of the cores at rank <paramref name="rank"/>.</summary>
        public static long CoreParameters(int size, int dimension, int rank)
        {
            long[] n = Radix(size);
            int[] d = Factors(dimension);
            return n[0] * d[0] * rank + n[1] * rank * d[1] * rank + n[2] * rank * d[2];
        }

        /// <summary>Three radices, as equal as possible, whose product covers <paramref name="size"/>.</summary>
        public static long[] Radix(long size)
        {
            long n = Math.Max(1, (long)Math.Ceiling(Math.Pow(size, 1.0 / 3)));
            long second = Math.Max(1, (long)Math.Ceiling(Math.Sqrt((double)size / n)));
            return new[] { n, second, Math.Max(1, (size + n * second - 1) / (n * second)) };
        }

        /// <summary>Three factors of <paramref name="dimension"/>, the largest first (a prime dimension: itself, 1, 1).</summary>
        public static int[] Factors(int dimension)
        {
            var factors = new[] { 1, 1, 1 };
            int rest = dimension;
            // Spread the prime factors, largest first, over the three slots, each to the slot with the smallest product so far.
            var primes = new System.Collections.Generic.List<int>();
            for (int p = 2; p * p <= rest; p++)
            {
                while (rest % p == 0)
                {
                    primes.Add(p);
                    rest /= p;
                }
            }
            if (rest > 1)
                primes.Add(rest);
            foreach (int prime in primes.OrderByDescending(p => p))
            {
                int smallest = Array.IndexOf(factors, factors.Min());
                factors[smallest] *= prime;
            }
            return factors.OrderByDescending(f => f).ToArray();
        }

        public override Tensor forward(Tensor localIds)
        {
            long[] shape = localIds.shape;
            Tensor ids = localIds.flatten();
            Tensor i1 = ids.With(_radix[1] * _radix[2], static (t, n) => t.div(n, rounding_mode: RoundingMode.floor));
            Tensor i2 = ids.With(_radix[2], static (t, n) => t.div(n, rounding_mode: RoundingMode.floor)).With(_radix[1], static (t, n) => t.remainder(n));
            Tensor i3 = ids.With(_radix[2], static (t, n) => t.remainder(n));
            long batch = ids.shape[0];
            Tensor a = first.index_select(0, i1).view(batch, _factors[0], _rank);
            Tensor b = middle.index_select(0, i2).view(batch, _rank, _factors[1] * _rank);
            Tensor c = last.index_select(0, i3).view(batch, _rank, _factors[2]);
            Tensor ab = a.bmm(b).view(batch, _factors[0] * _factors[1], _rank);
            return ab.bmm(c).view(shape.Append(_factors[0] * _factors[1] * _factors[2]).ToArray());
        }
    }
}
