using System;
using System.Linq;
using TorchSharp;
using Modules = TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MLExt.Trainers.Ctr.Networks
{
    /// <summary>
    /// The embedding layer every model shares: an embedding row and a first-order weight per id, and per numeric field an
    /// embedding that the (standardized) value scales. A multi-valued field's embeddings are summed into one field embedding
    /// (as a multi-hot field enters a factorization machine, so "contains x" is expressible), the pad id masked out. The one place embedding compressors will plug in.
    /// </summary>
    internal sealed class FieldEmbedding : Module
    {
        private readonly Modules.Embedding embeddings;
        private readonly Modules.Embedding firstOrder;
        private readonly Modules.Parameter numericEmbeddings;
        private readonly Modules.Parameter numericFirstOrder;
        private readonly int[] _widths;
        private readonly bool _multiValued;
        private readonly long _padId;

        public FieldEmbedding(CtrNetworkSpec spec) : base(nameof(FieldEmbedding))
        {
            _widths = spec.FieldWidths;
            _multiValued = _widths.Any(w => w > 1);
            _padId = spec.IdCount;
            // One row past the fields' blocks: the pad id of multi-valued fields.
            int rows = spec.IdCount + 1;
            embeddings = Embedding(rows, spec.EmbeddingDimension);
            firstOrder = Embedding(rows, 1);
            numericEmbeddings = new Modules.Parameter(empty(spec.NumericCount, spec.EmbeddingDimension));
            numericFirstOrder = new Modules.Parameter(zeros(spec.NumericCount));
            using (no_grad())
            {
                init.normal_(embeddings.weight, std: 1e-4);
                init.zeros_(firstOrder.weight);
                init.normal_(numericEmbeddings, std: 1e-4);
            }
            RegisterComponents();
        }

        /// <summary>
        /// The field embeddings [batch, fields, dimension], the first-order sum [batch], and when asked for, the squared norm of the
        /// embeddings and first-order weights used (per row, summed over the batch) for the embedding L2 penalty (null otherwise).
        /// </summary>
        public (Tensor Fields, Tensor Linear, Tensor SquaredNorm) Embed(Tensor ids, Tensor numeric, bool squaredNormNeeded)
        {
            Tensor idEmbeddings = embeddings.forward(ids), idFirstOrder = firstOrder.forward(ids);
            // Multi-valued fields: only places holding an id (not the pad id) count.
            Tensor used = _multiValued ? ids.ne(_padId).unsqueeze(-1).to_type(idEmbeddings.dtype) : null;
            Tensor SquaredNorm(Tensor t) => used is null ? t.square().sum() : (t.square() * used).sum();
            Tensor squaredNorm = squaredNormNeeded ? SquaredNorm(idEmbeddings) + SquaredNorm(idFirstOrder) : null;
            if (_multiValued)
            {
                idEmbeddings = Pool(idEmbeddings, used);
                idFirstOrder = Pool(idFirstOrder, used);
            }
            Tensor numericPart = numeric.unsqueeze(-1) * numericEmbeddings;
            Tensor fields = cat(new[] { idEmbeddings, numericPart }, 1);
            Tensor linear = idFirstOrder.sum(new long[] { 1, 2 }) + numeric.matmul(numericFirstOrder);
            return (fields, linear, squaredNorm);
        }

        // [batch, places, d] to [batch, fields, d]: each multi-valued field's places summed over the ones in use.
        private Tensor Pool(Tensor places, Tensor used)
        {
            var parts = new Tensor[_widths.Length];
            long start = 0;
            for (int f = 0; f < _widths.Length; f++)
            {
                Tensor part = places.narrow(1, start, _widths[f]);
                if (_widths[f] > 1)
                {
                    Tensor mask = used.narrow(1, start, _widths[f]);
                    part = (part * mask).sum(1).unsqueeze(1);
                }
                parts[f] = part;
                start += _widths[f];
            }
            return cat(parts, 1);
        }
    }
}
