using System.Linq;
using MLExt.Devices;
using MLExt.Neural.Networks;
using Modules = TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MLExt.Neural.Compression
{
    /// <summary>
    /// The hashing trick and its multi-hash variant: each id is hashed by <c>hashes</c> functions into one table of the budgeted rows
    /// and its vector is the sum of the rows it lands on (with one hash, plain hashing: colliding ids share a row).
    /// </summary>
    internal sealed class HashedFieldEmbeddingTable : FieldEmbeddingTable
    {
        private readonly Modules.Embedding table;
        private readonly ulong[] _salts;
        private readonly long _rows;

        public HashedFieldEmbeddingTable(int field, long rows, int dimension, int hashes, bool firstOrder) : base(nameof(HashedFieldEmbeddingTable))
        {
            _rows = rows;
            // The first-order table hashes with salts of its own (from 1000; the embeddings' from 0), so its collisions need not be
            // the embeddings'.
            _salts = Enumerable.Range(0, hashes).Select(k => IdHash.Salt(field, firstOrder ? 1000 + k : k)).ToArray();
            table = Embedding(rows, dimension);
            using (no_grad())
                init.normal_(table.weight, std: 1e-4);
            RegisterComponents();
        }

        public override Tensor forward(Tensor localIds)
        {
            Tensor sum = table.forward(IdHash.Row(localIds, _salts[0], _rows));
            for (int k = 1; k < _salts.Length; k++)
                sum = sum.Plus(table.forward(IdHash.Row(localIds, _salts[k], _rows)));
            return sum;
        }
    }
}
