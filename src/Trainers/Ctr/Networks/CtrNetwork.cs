using System;
using System.Linq;
using TorchSharp;
using Modules = TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MLExt.Trainers.Ctr.Networks
{
    /// <summary>
    /// A CTR network: the shared <see cref="FieldEmbedding"/> and a model-specific interaction part that turns the field
    /// embeddings and the first-order sum into one logit per row.
    /// </summary>
    internal abstract class CtrNetwork : Module<Tensor, Tensor, Tensor>
    {
        protected CtrNetwork(string name, CtrNetworkSpec spec) : base(name)
        {
            Spec = spec;
            Embedding = new FieldEmbedding(spec);
            // A base class's members are not seen by the derived class's RegisterComponents.
            register_module("embedding", Embedding);
        }

        public CtrNetworkSpec Spec { get; }

        /// <summary>The embedding layer (its parameters get the embedding L2, the others the network L2).</summary>
        public FieldEmbedding Embedding { get; }

        /// <summary>Whether forward passes keep <see cref="LastEmbeddingSquaredNorm"/> (for an embedding L2 penalty).</summary>
        public bool TracksEmbeddingNorm { get; set; }

        /// <summary>The squared norm of the embeddings the last forward pass used, when <see cref="TracksEmbeddingNorm"/>.</summary>
        public Tensor LastEmbeddingSquaredNorm { get; private set; }

        /// <summary>Logits [batch] from ids [batch, id fields] (int64) and numeric values [batch, numeric fields].</summary>
        public override Tensor forward(Tensor ids, Tensor numeric)
        {
            var (fields, linear, squaredNorm) = Embedding.Embed(ids, numeric, TracksEmbeddingNorm);
            LastEmbeddingSquaredNorm = squaredNorm;
            return Interact(fields, linear);
        }

        protected abstract Tensor Interact(Tensor fields, Tensor linear);

        /// <summary>The bias added last to the logit.</summary>
        protected abstract Tensor OutputBias { get; }

        /// <summary>
        /// Starts the logit at the base rate's log-odds, log(p / (1 − p)): a network that starts at 0.5 for rare clicks spends its
        /// first epochs learning the intercept, and early stopping on AUC (blind to calibration) can stop before it has.
        /// </summary>
        public void StartAtBaseRate(double positiveRate)
        {
            double p = Math.Clamp(positiveRate, 1e-6, 1 - 1e-6);
            using (no_grad())
                OutputBias.fill_(Math.Log(p / (1 - p)));
        }

        /// <summary>The network of the spec's model kind.</summary>
        public static CtrNetwork Create(CtrNetworkSpec spec) => spec.Model switch
        {
            CtrModel.LogisticRegression => new LogisticRegressionNetwork(spec),
            CtrModel.FM => new FactorizationMachineNetwork(spec, deep: false),
            CtrModel.DeepFM => new FactorizationMachineNetwork(spec, deep: true),
            CtrModel.FwFM => new FieldWeightedFactorizationMachineNetwork(spec),
            CtrModel.WideAndDeep => new WideAndDeepNetwork(spec),
            CtrModel.DCNv2 => new CrossNetwork(spec),
            CtrModel.AutoIntPlus => new AutoIntPlusNetwork(spec),
            CtrModel.FinalMLP => new FinalMlpNetwork(spec),
            _ => throw new ArgumentOutOfRangeException(nameof(spec), $"Unknown model {spec.Model}."),
        };

        /// <summary>0.5 Σ_d ((Σ_f e)² − Σ_f e²): all pairwise inner products of the fields in linear time.</summary>
        protected static Tensor PairwiseInteractions(Tensor fields)
            => 0.5 * (fields.sum(dim: 1).square() - fields.square().sum(dim: 1)).sum(dim: 1);

        protected static Tensor Flatten(Tensor fields) => fields.flatten(1);
    }

    internal sealed class LogisticRegressionNetwork : CtrNetwork
    {
        private readonly Modules.Parameter bias = new Modules.Parameter(zeros(1));

        public LogisticRegressionNetwork(CtrNetworkSpec spec) : base(nameof(LogisticRegressionNetwork), spec) => RegisterComponents();

        protected override Tensor Interact(Tensor fields, Tensor linear) => linear + bias;

        protected override Tensor OutputBias => bias;
    }

    /// <summary>FM, and DeepFM when an MLP over the same embeddings is added.</summary>
    internal sealed class FactorizationMachineNetwork : CtrNetwork
    {
        private readonly Modules.Parameter bias = new Modules.Parameter(zeros(1));
        private readonly Mlp mlp;
        private readonly Modules.Linear output;

        public FactorizationMachineNetwork(CtrNetworkSpec spec, bool deep) : base(deep ? "DeepFM" : "FM", spec)
        {
            if (deep)
            {
                mlp = new Mlp(spec.Fields * spec.EmbeddingDimension, spec.HiddenLayers, spec.Dropout, spec.BatchNorm);
                output = Linear(mlp.Width, 1);
            }
            RegisterComponents();
        }

        protected override Tensor Interact(Tensor fields, Tensor linear)
        {
            Tensor logit = linear + bias + PairwiseInteractions(fields);
            return mlp == null ? logit : logit + output.forward(mlp.forward(Flatten(fields))).squeeze(-1);
        }

        protected override Tensor OutputBias => bias;
    }

    /// <summary>FwFM: every field pair's inner product gets a learned weight.</summary>
    internal sealed class FieldWeightedFactorizationMachineNetwork : CtrNetwork
    {
        private readonly Modules.Parameter bias = new Modules.Parameter(zeros(1));
        private readonly Modules.Parameter pairWeights;
        private readonly Tensor upperTriangle;

        public FieldWeightedFactorizationMachineNetwork(CtrNetworkSpec spec) : base("FwFM", spec)
        {
            pairWeights = new Modules.Parameter(ones(spec.Fields, spec.Fields));
            // Only pairs i < j count; the mask is a buffer, so it moves with the module and is saved with it.
            upperTriangle = ones(spec.Fields, spec.Fields).triu(1);
            RegisterComponents();
        }

        protected override Tensor Interact(Tensor fields, Tensor linear)
        {
            // All inner products at once, [batch, fields, fields], weighted per pair.
            Tensor products = fields.bmm(fields.transpose(1, 2));
            return linear + bias + (products * (pairWeights * upperTriangle)).sum(new long[] { 1, 2 });
        }

        protected override Tensor OutputBias => bias;
    }

    internal sealed class WideAndDeepNetwork : CtrNetwork
    {
        private readonly Modules.Parameter bias = new Modules.Parameter(zeros(1));
        private readonly Mlp mlp;
        private readonly Modules.Linear output;

        public WideAndDeepNetwork(CtrNetworkSpec spec) : base("WideAndDeep", spec)
        {
            mlp = new Mlp(spec.Fields * spec.EmbeddingDimension, spec.HiddenLayers, spec.Dropout, spec.BatchNorm);
            output = Linear(mlp.Width, 1);
            RegisterComponents();
        }

        protected override Tensor Interact(Tensor fields, Tensor linear) => linear + bias + output.forward(mlp.forward(Flatten(fields))).squeeze(-1);

        protected override Tensor OutputBias => bias;
    }

    /// <summary>DCN-V2: full-rank cross layers x_{l+1} = x0 ⊙ (W x_l + b) + x_l beside an MLP, both read by one output layer.</summary>
    internal sealed class CrossNetwork : CtrNetwork
    {
        private readonly Modules.ModuleList<Modules.Linear> cross;
        private readonly Mlp mlp;
        private readonly Modules.Linear output;

        public CrossNetwork(CtrNetworkSpec spec) : base("DCNv2", spec)
        {
            int width = spec.Fields * spec.EmbeddingDimension;
            cross = new Modules.ModuleList<Modules.Linear>(Enumerable.Range(0, spec.CrossLayers).Select(_ => Linear(width, width)).ToArray());
            mlp = new Mlp(width, spec.HiddenLayers, spec.Dropout, spec.BatchNorm);
            output = Linear(width + mlp.Width, 1);
            RegisterComponents();
        }

        protected override Tensor Interact(Tensor fields, Tensor linear)
        {
            Tensor x0 = Flatten(fields), x = x0;
            foreach (Modules.Linear layer in cross)
                x = x0 * layer.forward(x) + x;
            return output.forward(cat(new[] { x, mlp.forward(x0) }, 1)).squeeze(-1);
        }

        protected override Tensor OutputBias => output.bias;
    }

    /// <summary>AutoInt+: multi-head self-attention layers over the fields with residual connections, plus an MLP.</summary>
    internal sealed class AutoIntPlusNetwork : CtrNetwork
    {
        private readonly Modules.ModuleList<Modules.Linear> queries;
        private readonly Modules.ModuleList<Modules.Linear> keys;
        private readonly Modules.ModuleList<Modules.Linear> values;
        private readonly Modules.ModuleList<Modules.Linear> residuals;
        private readonly Modules.Linear attentionOutput;
        private readonly Mlp mlp;
        private readonly Modules.Linear output;
        private readonly int _heads;

        public AutoIntPlusNetwork(CtrNetworkSpec spec) : base("AutoIntPlus", spec)
        {
            int d = spec.EmbeddingDimension;
            _heads = spec.AttentionHeads;
            Modules.ModuleList<Modules.Linear> Layers(bool withBias) => new Modules.ModuleList<Modules.Linear>(
                Enumerable.Range(0, spec.AttentionLayers).Select(_ => Linear(d, d, hasBias: withBias)).ToArray());
            queries = Layers(false);
            keys = Layers(false);
            values = Layers(false);
            residuals = Layers(false);
            attentionOutput = Linear(spec.Fields * d, 1);
            mlp = new Mlp(spec.Fields * d, spec.HiddenLayers, spec.Dropout, spec.BatchNorm);
            output = Linear(mlp.Width, 1);
            RegisterComponents();
        }

        protected override Tensor Interact(Tensor fields, Tensor linear)
        {
            long batch = fields.shape[0], count = fields.shape[1], d = fields.shape[2], headWidth = d / _heads;
            Tensor h = fields;
            for (int layer = 0; layer < queries.Count; layer++)
            {
                Tensor Split(Tensor t) => t.view(batch, count, _heads, headWidth).transpose(1, 2);
                Tensor q = Split(queries[layer].forward(h)), k = Split(keys[layer].forward(h)), v = Split(values[layer].forward(h));
                // softmax(q kᵀ / √width) v in one fused kernel (fewer, smaller intermediate tensors than the four separate steps).
                Tensor merged = functional.scaled_dot_product_attention(q, k, v, null, 0, false).transpose(1, 2).reshape(batch, count, d);
                h = functional.relu(merged + residuals[layer].forward(h));
            }
            return attentionOutput.forward(Flatten(h)).squeeze(-1) + output.forward(mlp.forward(Flatten(fields))).squeeze(-1);
        }

        protected override Tensor OutputBias => output.bias;
    }

    /// <summary>FinalMLP: two MLP streams, each fed the embeddings through its own feature gate, fused by a bilinear head.</summary>
    internal sealed class FinalMlpNetwork : CtrNetwork
    {
        private readonly Modules.Linear gate1;
        private readonly Modules.Linear gate2;
        private readonly Mlp stream1;
        private readonly Mlp stream2;
        private readonly Modules.Linear weights1;
        private readonly Modules.Linear weights2;
        private readonly Modules.Parameter bilinear;

        public FinalMlpNetwork(CtrNetworkSpec spec) : base("FinalMLP", spec)
        {
            int width = spec.Fields * spec.EmbeddingDimension;
            gate1 = Linear(width, width);
            gate2 = Linear(width, width);
            stream1 = new Mlp(width, spec.HiddenLayers, spec.Dropout, spec.BatchNorm);
            // The second stream is narrower, as in the paper's asymmetric setting.
            stream2 = new Mlp(width, spec.HiddenLayers.Select(h => Math.Max(1, h / 2)).ToArray(), spec.Dropout, spec.BatchNorm);
            weights1 = Linear(stream1.Width, 1);
            weights2 = Linear(stream2.Width, 1, hasBias: false);
            bilinear = new Modules.Parameter(zeros(stream1.Width, stream2.Width));
            RegisterComponents();
        }

        protected override Tensor Interact(Tensor fields, Tensor linear)
        {
            Tensor x = Flatten(fields);
            // Gates in (0, 2) start near 1: each stream learns which features to stress.
            Tensor o1 = stream1.forward(x * (2 * sigmoid(gate1.forward(x)))), o2 = stream2.forward(x * (2 * sigmoid(gate2.forward(x))));
            return (weights1.forward(o1) + weights2.forward(o2)).squeeze(-1) + (o1.matmul(bilinear) * o2).sum(dim: 1);
        }

        protected override Tensor OutputBias => weights1.bias;
    }
}
