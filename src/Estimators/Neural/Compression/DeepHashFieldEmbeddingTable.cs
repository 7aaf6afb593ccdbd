using System.Linq;
using MLExt.Devices;
using MLExt.Neural.Networks;
using Modules = TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MLExt.Neural.Compression
{
    /// <summary>
    /// Deep hash embedding (DHE, Kang et al. 2021): no table; an id's <see cref="Codes"/> hash values, each scaled to [−1, 1],
    /// go through an MLP (two hidden layers of the budgeted width, ReLU) that outputs the vector.
    /// </summary>
    internal sealed class DeepHashFieldEmbeddingTable : FieldEmbeddingTable
    {
        /// <summary>Hash codes per id.</summary>
        public const int Codes = 32;

        // Each code is a hash into this many buckets, scaled to [−1, 1].
        private const long Buckets = 1 << 20;

        private readonly Modules.Sequential mlp;
        private readonly ulong[] _salts;

        public DeepHashFieldEmbeddingTable(int field, int dimension, int width) : base(nameof(DeepHashFieldEmbeddingTable))
        {
            _salts = Enumerable.Range(0, Codes).Select(k => IdHash.Salt(field, 4000 + k)).ToArray();
            mlp = Sequential(Linear(Codes, width), ReLU(), Linear(width, width), ReLU(), Linear(width, dimension));
            RegisterComponents();
        }

        /// <summary>Parameters of the MLP with hidden layers of <paramref name="width"/>.</summary>
        public static long Parameters(int dimension, int width) => (Codes + 1L) * width + (width + 1L) * width + (width + 1L) * dimension;

        public override Tensor forward(Tensor localIds)
        {
            Tensor codes = stack(_salts.Select(salt => IdHash.Row(localIds, salt, Buckets)).ToArray(), -1).to_type(ScalarType.Float32).Times(2.0 / (Buckets - 1)).Minus(1);
            return mlp.forward(codes);
        }
    }
}
