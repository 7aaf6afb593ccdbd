using MLExt.Devices;
using MLExt.Neural.Networks;
using Modules = TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MLExt.Neural.Compression
{
    /// <summary>
    /// Threshold pruning while training (PEP, Liu et al. 2021): a full table whose entries pass through a soft threshold,
    /// sign(w)·max(|w| − σ(s), 0), with s a learned threshold of the field, so small entries are exactly zero. After training the
    /// largest entries the budget holds are kept in a <see cref="SparseFieldEmbeddingTable"/>.
    /// </summary>
    internal sealed class ThresholdPrunedFieldEmbeddingTable : FieldEmbeddingTable
    {
        // σ(−15) ≈ 3e-7: no entry is pruned at the start; the loss moves the threshold from there.
        private const float InitialThreshold = -15;

        private readonly Modules.Embedding table;
        private readonly Modules.Parameter threshold;

        public ThresholdPrunedFieldEmbeddingTable(int size, int dimension) : base(nameof(ThresholdPrunedFieldEmbeddingTable))
        {
            table = Embedding(size, dimension);
            threshold = new Modules.Parameter(TorchScalars.Full(1, InitialThreshold));
            using (no_grad())
                init.normal_(table.weight, std: 1e-4);
            RegisterComponents();
        }

        public override Tensor forward(Tensor localIds)
        {
            Tensor weights = table.forward(localIds);
            return weights.sign() * functional.relu(weights.abs() - threshold.sigmoid());
        }

        // The threshold is not a weight to shrink or scale: only the table's entries are.
        public override Tensor SquaredNorm() => table.weight.Squared().sum();

        public override void Scale(Tensor factor)
        {
            using var noGrad = no_grad();
            table.weight.mul_(factor);
        }
    }
}
