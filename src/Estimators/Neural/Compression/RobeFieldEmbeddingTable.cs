using System.Linq;
using MLExt.Devices;
using MLExt.Neural.Networks;
using Modules = TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExt.Neural.Compression
{
    /// <summary>
    /// ROBE (Desai et al. 2022): one shared parameter array of the budgeted length; an id's vector is read as chunks of
    /// <see cref="ChunkSize"/> consecutive entries (wrapping around), each chunk starting where the id and the chunk's number hash.
    /// </summary>
    internal sealed class RobeFieldEmbeddingTable : FieldEmbeddingTable
    {
        /// <summary>Entries per chunk (the whole vector when the dimension is smaller).</summary>
        public const int ChunkSize = 4;

        private readonly Modules.Parameter array;
        private readonly ulong[] _salts;
        private readonly int _chunk;
        private readonly long _length;
        private readonly int _dimension;

        public RobeFieldEmbeddingTable(int field, long length, int dimension, bool firstOrder) : base(nameof(RobeFieldEmbeddingTable))
        {
            _length = length;
            _chunk = System.Math.Min(ChunkSize, dimension);
            int chunks = (dimension + _chunk - 1) / _chunk;
            // Salts apart from the hashed tables' (see HashedFieldEmbeddingTable), the first-order array's apart from the embeddings'.
            _salts = Enumerable.Range(0, chunks).Select(c => IdHash.Salt(field, (firstOrder ? 2000 : 3000) + c)).ToArray();
            using (no_grad())
                array = new Modules.Parameter(TorchScalars.Normal(0, 1e-4, new long[] { length }));
            _dimension = dimension;
            RegisterComponents();
        }

        public override Tensor forward(Tensor localIds)
        {
            var offsets = TorchScalars.Range(_chunk, localIds.device);
            var parts = _salts.Select(salt => IdHash.Row(localIds, salt, _length).unsqueeze(-1).Plus(offsets).With(_length, static (t, n) => t.remainder(n))).ToArray();
            Tensor positions = cat(parts, -1).narrow(-1, 0, _dimension);
            return array.index_select(0, positions.flatten()).view(positions.shape);
        }
    }
}
