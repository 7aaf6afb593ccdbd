using System.Linq;
using MLExt.Devices;
using TorchSharp;
using Modules = TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MLExt.Neural.Networks
{
    /// <summary>
    /// Makes a table of id field <c>field</c> (of <c>size</c> ids, 0 its out-of-vocabulary id) for a network: its embeddings, or
    /// with <c>firstOrder</c> its first-order weights (dimension 1).
    /// </summary>
    internal delegate FieldEmbeddingTable FieldTableFactory(int field, int size, int dimension, bool firstOrder);

    /// <summary>
    /// One id field's embedding table behind the small interface the engine needs: look up the field's local ids (0 its
    /// out-of-vocabulary id) as [batch, places, dimension], and tell its parameters' count and bytes. A network's default is one
    /// fused table for all fields (the fast path); compressed, gated or pruned tables are other implementations, plugged in per
    /// field. The field-level regularizers reach a table through <see cref="SquaredNorm"/> and <see cref="Scale"/>.
    /// </summary>
    internal abstract class FieldEmbeddingTable : Module<Tensor, Tensor>
    {
        protected FieldEmbeddingTable(string name) : base(name)
        {
        }

        /// <summary>Trainable weights the table holds.</summary>
        public virtual long ParameterCount => parameters().Sum(p => p.numel());

        /// <summary>Bytes the table's parameters take.</summary>
        public virtual long ParameterBytes => parameters().Sum(p => p.numel() * p.element_size());

        /// <summary>Bytes the table takes as stored and saved: its parameters and buffers.</summary>
        public virtual long StoredBytes => ModuleBytes.Stored(this);

        /// <summary>Sets every id's vector from <paramref name="rows"/> [size, dimension] (a trained full table's rows), for tables
        /// that hold one row per id.</summary>
        public virtual void SetRows(Tensor rows) => throw new System.NotSupportedException($"{GetName()} does not hold one row per id.");

        /// <summary>Fills this table, the stored form of a field compressed after training, from <paramref name="trained"/>, the
        /// table the field trained (of <paramref name="size"/> ids); by default from every id's trained vector.</summary>
        public virtual void CompressFrom(FieldEmbeddingTable trained, int size)
        {
            using var scope = NewDisposeScope();
            Tensor ids = TorchScalars.Range(size, trained.parameters().First().device).unsqueeze(0);
            SetRows(trained.forward(ids).squeeze(0));
        }

        /// <summary>The squared L2 norm of the table's weights (a scalar).</summary>
        public virtual Tensor SquaredNorm() => parameters().Select(p => p.Squared().sum()).Aggregate((a, b) => a.Plus(b));

        /// <summary>Multiplies every weight by <paramref name="factor"/> (a scalar tensor), without gradients.</summary>
        public virtual void Scale(Tensor factor)
        {
            using var noGrad = no_grad();
            foreach (var p in parameters())
                p.mul_(factor);
        }
    }

    /// <summary>A plain table: one learned row per id.</summary>
    internal sealed class DenseFieldEmbeddingTable : FieldEmbeddingTable
    {
        private readonly Modules.Embedding table;

        public DenseFieldEmbeddingTable(int size, int dimension) : base(nameof(DenseFieldEmbeddingTable))
        {
            table = Embedding(size, dimension);
            using (no_grad())
                init.normal_(table.weight, std: 1e-4);
            RegisterComponents();
        }

        public override Tensor forward(Tensor localIds) => table.forward(localIds);

        public override void SetRows(Tensor rows)
        {
            using var noGrad = no_grad();
            table.weight.copy_(rows);
        }
    }
}
