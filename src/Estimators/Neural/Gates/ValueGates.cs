using System;
using MLExt.Devices;
using Modules = TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExt.Neural.Gates
{
    /// <summary>
    /// OptFS's learnable gate per feature value (Lyu et al. 2023): one logit m per id of the network's id space (the pad id's is
    /// never read) and one per standardized numeric field, which is gated as a whole. During the search a value's embedding and
    /// first-order weight are multiplied by σ(t·m)/σ(m₀), t the temperature that learning by continuation raises so the soft gates
    /// harden; a value is kept when m &gt; 0. The gates are not the network's parameters: they have their own optimizer, no weight
    /// decay, and are not saved with the network.
    /// </summary>
    internal sealed class ValueGates : IDisposable
    {
        /// <summary>Every gate's starting logit m₀ (the paper's 0.5).</summary>
        public const float Initial = 0.5f;

        // 1 / σ(m₀): an open gate starts at exactly 1.
        private static readonly float Scale = (float)(1 + Math.Exp(-Initial));

        private readonly int _ids;

        /// <param name="ids">Ids of the network's id space, the pad id included.</param>
        /// <param name="numericFields">Standardized numeric fields.</param>
        /// <param name="device">Where the network is.</param>
        public ValueGates(int ids, int numericFields, Device device)
        {
            _ids = ids;
            using var noGrad = no_grad();
            Logits = new Modules.Parameter(TorchScalars.Full(ids + numericFields, Initial, device));
        }

        /// <summary>The logits m [ids + numeric fields]: ids first, then numeric fields.</summary>
        public Modules.Parameter Logits { get; }

        /// <summary>The temperature t.</summary>
        public double Temperature { get; set; } = 1;

        /// <summary>The gates of the ids [batch, places, 1].</summary>
        public Tensor OfIds(Tensor ids) => Gate(Logits.index_select(0, ids.flatten())).view(ids.shape[0], ids.shape[1], 1);

        /// <summary>The gates of the numeric fields [numeric fields].</summary>
        public Tensor OfNumeric() => Gate(Logits.narrow(0, _ids, Logits.shape[0] - _ids));

        /// <summary>The sum of the soft gates σ(t·m) over every value: the sparsity penalty (before its strength).</summary>
        public Tensor Penalty() => sigmoid(Logits.Times(Temperature)).sum();

        /// <summary>Whether each id and numeric field is kept (m &gt; 0), ids first.</summary>
        public bool[] Kept()
        {
            using var noGrad = no_grad();
            using Tensor open = Logits.With(0, static (t, zero) => t.gt(zero)).cpu();
            return open.data<bool>().ToArray();
        }

        private Tensor Gate(Tensor logits) => sigmoid(logits.Times(Temperature)).Times(Scale);

        public void Dispose() => Logits.Dispose();
    }
}
