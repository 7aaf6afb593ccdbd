using System;
using System.Linq;
using MLExt.Devices;
using MLExt.Neural.Onnx;
using MLExt.Trainers;
using Modules = TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MLExt.Neural.Networks
{
    /// <summary>
    /// What a network's body computes for a batch: Hidden [batch, width], the features its head reads (null for models whose
    /// output is additive terms and a bias only), and Additive [batch], terms added to every output (first-order and factorization
    /// terms; null when none).
    /// </summary>
    internal readonly record struct NetworkBody(Tensor Hidden, Tensor Additive);

    /// <summary>
    /// A network of the engine: the shared <see cref="FieldEmbedding"/>, a model-specific body that turns the field embeddings and
    /// the first-order sum into hidden features and additive terms, and a head that maps the hidden features to the task's outputs
    /// [batch, Outputs]. Multi-sample dropout runs the head several times over one body.
    /// </summary>
    internal abstract class NeuralNetwork : Module<Tensor, Tensor, Tensor>
    {
        protected NeuralNetwork(string name, NetworkSpec spec, FieldTableFactory tables) : base(name)
        {
            Spec = spec;
            Embedding = new FieldEmbedding(spec, tables);
            // A base class's members are not seen by the derived class's RegisterComponents.
            register_module("embedding", Embedding);
        }

        public NetworkSpec Spec { get; }

        /// <summary>The embedding layer (registered as "embedding": its parameters get the embedding L2, the others the network L2).</summary>
        public FieldEmbedding Embedding { get; }

        /// <summary>
        /// The first hidden layer, when it is the only part of the network that reads the field embeddings besides the first-order
        /// path (Wide &amp; Deep, TabularNet): what the hierarchical field group lasso bounds. Null for other networks.
        /// </summary>
        public virtual Modules.Linear FieldReader => null;

        /// <summary>Whether the body has hidden features for the head (what multi-sample dropout needs).</summary>
        public abstract bool HasHiddenFeatures { get; }

        /// <summary>Outputs [batch, Outputs] from ids [batch, id places] (int64) and numeric values [batch, numeric fields].</summary>
        public override Tensor forward(Tensor ids, Tensor numeric) => Head(Body(ids, numeric));

        /// <summary>The body's hidden features and additive terms.</summary>
        public NetworkBody Body(Tensor ids, Tensor numeric)
        {
            var (fields, linear) = Embedding.Embed(ids, numeric);
            return Interact(fields, linear);
        }

        /// <summary>The outputs [batch, Outputs] from a body (its hidden features possibly replaced, as multi-sample dropout does).</summary>
        public Tensor Head(NetworkBody body)
        {
            Tensor output = Output(body.Hidden);
            return body.Additive is null ? output : output.Plus(body.Additive.unsqueeze(-1));
        }

        protected abstract NetworkBody Interact(Tensor fields, Tensor linear);

        /// <summary>
        /// The network as ONNX operators, mirroring <see cref="forward"/>: outputs [batch, Outputs] from ids [batch, id places] (int64)
        /// and numeric values [batch, numeric fields] (null without numeric fields).
        /// </summary>
        public string ExportOnnx(OnnxGraph graph, string ids, string numeric)
        {
            var (fields, linear) = Embedding.ExportOnnx(graph, ids, numeric);
            var (hidden, additive) = ExportInteract(graph, fields, linear);
            string output = ExportOutput(graph, hidden);
            return additive is null ? output : graph.Add(output, graph.Unsqueeze(additive, 1));
        }

        /// <summary><see cref="Interact"/> as ONNX operators: the hidden features and the additive terms (either may be null).</summary>
        protected abstract (string Hidden, string Additive) ExportInteract(OnnxGraph graph, string fields, string linear);

        /// <summary><see cref="Output"/> as ONNX operators.</summary>
        protected abstract string ExportOutput(OnnxGraph graph, string hidden);

        /// <summary>[batch, fields × dimension] from the field embeddings [batch, fields, dimension], as <see cref="Flatten"/>.</summary>
        protected string ExportFlatten(OnnxGraph graph, string fields) => graph.Reshape(fields, -1, (long)Spec.Fields * Spec.EmbeddingDimension);

        /// <summary><see cref="PairwiseInteractions"/> as ONNX operators.</summary>
        protected static string ExportPairwiseInteractions(OnnxGraph graph, string fields)
        {
            string squaredSum = graph.Square(graph.ReduceSum(fields, new long[] { 1 }, false));
            string sumOfSquares = graph.ReduceSum(graph.Square(fields), new long[] { 1 }, false);
            return graph.Mul(graph.ReduceSum(graph.Sub(squaredSum, sumOfSquares), new long[] { 1 }, false), graph.Constant(0.5f));
        }

        /// <summary>The head: [batch, Outputs] from the hidden features, the output bias included (for a body without hidden
        /// features, the bias alone, [Outputs], broadcast over the batch).</summary>
        protected abstract Tensor Output(Tensor hidden);

        /// <summary>The bias added last to the outputs, [Outputs].</summary>
        protected abstract Tensor OutputBias { get; }

        /// <summary>Sets the output bias (the task's starting point, see <see cref="Tasks.NeuralTask.StartingBias"/>).</summary>
        public void StartAt(float[] bias)
        {
            using var noGrad = no_grad();
            using Tensor values = tensor(bias, device: OutputBias.device);
            OutputBias.copy_(values.view(OutputBias.shape));
        }

        /// <summary>
        /// The network of the spec's model kind, its id fields embedded by one fused table, by the tables the spec describes, or by
        /// <paramref name="tables"/>' own.
        /// </summary>
        public static NeuralNetwork Create(NetworkSpec spec, FieldTableFactory tables = null)
        {
            tables ??= spec.Tables is null ? null : Compression.FieldTableSpec.Factory(spec.Tables);
            return Build(spec, tables);
        }

        private static NeuralNetwork Build(NetworkSpec spec, FieldTableFactory tables) => spec.Model switch
        {
            CtrModel.LogisticRegression => new LogisticRegressionNetwork(spec, tables),
            CtrModel.FM => new FactorizationMachineNetwork(spec, tables, deep: false),
            CtrModel.DeepFM => new FactorizationMachineNetwork(spec, tables, deep: true),
            CtrModel.FwFM => new FieldWeightedFactorizationMachineNetwork(spec, tables),
            CtrModel.WideAndDeep => new WideAndDeepNetwork(spec, tables),
            CtrModel.DCNv2 => new CrossNetwork(spec, tables),
            CtrModel.AutoIntPlus => new AutoIntPlusNetwork(spec, tables),
            CtrModel.FinalMLP => new FinalMlpNetwork(spec, tables),
            _ => throw new ArgumentOutOfRangeException(nameof(spec), $"Unknown model {spec.Model}."),
        };

        /// <summary>0.5 Σ_d ((Σ_f e)² − Σ_f e²): all pairwise inner products of the fields in linear time.</summary>
        protected static Tensor PairwiseInteractions(Tensor fields)
            => (fields.sum(dim: 1).Squared() - fields.Squared().sum(dim: 1)).sum(dim: 1).Times(0.5);

        protected static Tensor Flatten(Tensor fields) => fields.flatten(1);
    }
}
