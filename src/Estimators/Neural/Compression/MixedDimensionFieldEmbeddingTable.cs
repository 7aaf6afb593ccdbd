using System;
using System.Linq;
using MLExt.Devices;
using MLExt.Neural.Networks;
using Modules = TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MLExt.Neural.Compression
{
    /// <summary>
    /// Mixed-dimension embeddings (Ginart et al. 2021): a field's ids, numbered most frequent first, fall into three frequency
    /// blocks (the first 1%, the next 9%, the rest, the out-of-vocabulary id in the first); block b stores vectors of dimension
    /// d₀ / 2ᵇ, projected to the common dimension by a learned matrix, so rare values cost fewer parameters.
    /// </summary>
    internal sealed class MixedDimensionFieldEmbeddingTable : FieldEmbeddingTable
    {
        private readonly Modules.ModuleList<Modules.Embedding> blocks;
        private readonly Modules.ParameterList projections;
        private readonly long[] _starts;
        private readonly long[] _rows;

        public MixedDimensionFieldEmbeddingTable(int size, int dimension, int firstDimension) : base(nameof(MixedDimensionFieldEmbeddingTable))
        {
            _starts = Starts(size);
            _rows = _starts.Select((start, b) => (b + 1 < _starts.Length ? _starts[b + 1] : size) - start).ToArray();
            int[] dims = Dimensions(firstDimension, _starts.Length);
            blocks = new Modules.ModuleList<Modules.Embedding>(dims.Select((d, b) => Embedding(_rows[b], d)).ToArray());
            projections = new Modules.ParameterList();
            using (no_grad())
            {
                foreach (var block in blocks)
                    init.normal_(block.weight, std: 1e-4);
                foreach (int d in dims)
                    projections.Add(new Modules.Parameter(TorchScalars.Normal(0, 1 / Math.Sqrt(d), new long[] { d, dimension })));
            }
            RegisterComponents();
        }

        /// <summary>The first id of each block that holds ids (at most three, for the first 1%, the next 9% and the rest).</summary>
        public static long[] Starts(long size)
        {
            long second = Math.Max(1, size / 100), third = Math.Max(second + 1, size / 10);
            return new[] { 0L, second, third }.Where(start => start < size).ToArray();
        }

        /// <summary>Each block's dimension: halved from block to block, at least 1.</summary>
        public static int[] Dimensions(int first, int blocks) => Enumerable.Range(0, blocks).Select(b => Math.Max(1, first >> b)).ToArray();

        /// <summary>Parameters of the blocks and projections for a first dimension of <paramref name="first"/>.</summary>
        public static long Parameters(long size, int dimension, int first)
        {
            long[] starts = Starts(size);
            int[] dims = Dimensions(first, starts.Length);
            return starts.Select((start, b) => ((b + 1 < starts.Length ? starts[b + 1] : size) - start) * dims[b] + (long)dims[b] * dimension).Sum();
        }

        public override Tensor forward(Tensor localIds)
        {
            Tensor sum = null;
            for (int b = 0; b < _starts.Length; b++)
            {
                Tensor inBlock = localIds.With(_starts[b], static (t, start) => t.ge(start));
                if (b + 1 < _starts.Length)
                    inBlock = inBlock.logical_and(localIds.With(_starts[b + 1], static (t, end) => t.lt(end)));
                Tensor rows = localIds.Minus(_starts[b]).Clamp(0, _rows[b] - 1);
                Tensor part = blocks[b].forward(rows).matmul(projections[b]) * inBlock.unsqueeze(-1).to_type(ScalarType.Float32);
                sum = sum is null ? part : sum.Plus(part);
            }
            return sum;
        }
    }
}
