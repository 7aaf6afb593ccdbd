using System;
using TorchSharp;
using Modules = TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MLExt.Trainers.Ctr.Networks
{
    /// <summary>
    /// The embedding layer every model shares: an embedding row and a first-order weight per id, and per numeric field an
    /// embedding that the (standardized) value scales. The one place embedding compressors will plug in.
    /// </summary>
    internal sealed class FieldEmbedding : Module
    {
        private readonly Modules.Embedding embeddings;
        private readonly Modules.Embedding firstOrder;
        private readonly Modules.Parameter numericEmbeddings;
        private readonly Modules.Parameter numericFirstOrder;

        public FieldEmbedding(CtrNetworkSpec spec) : base(nameof(FieldEmbedding))
        {
            int rows = Math.Max(1, spec.IdCount);
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
        /// The field embeddings [batch, fields, dimension], the first-order sum [batch], and the squared norm of the embeddings
        /// used (per row, summed over the batch) for the embedding L2 penalty.
        /// </summary>
        public (Tensor Fields, Tensor Linear, Tensor SquaredNorm) Embed(Tensor ids, Tensor numeric)
        {
            Tensor idEmbeddings = embeddings.forward(ids);
            Tensor numericPart = numeric.unsqueeze(-1) * numericEmbeddings;
            Tensor fields = cat(new[] { idEmbeddings, numericPart }, 1);
            Tensor linear = firstOrder.forward(ids).sum(new long[] { 1, 2 }) + numeric.matmul(numericFirstOrder);
            return (fields, linear, idEmbeddings.square().sum());
        }
    }
}
