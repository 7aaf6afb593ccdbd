using MLExt.Devices;
using Modules = TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MLExt.Neural.Networks
{
    /// <summary>Wide &amp; Deep: the first-order (wide) part plus an MLP over the embeddings.</summary>
    internal sealed class WideAndDeepNetwork : NeuralNetwork
    {
        private readonly Modules.Parameter bias;
        private readonly Mlp mlp;
        private readonly Modules.Linear output;

        public WideAndDeepNetwork(NetworkSpec spec, FieldTableFactory tables) : base("WideAndDeep", spec, tables)
        {
            bias = new Modules.Parameter(zeros(spec.Outputs));
            mlp = new Mlp(spec.Fields * spec.EmbeddingDimension, spec.HiddenLayers, spec.Dropout, spec.BatchNorm);
            output = Linear(mlp.Width, spec.Outputs);
            RegisterComponents();
        }

        public override bool HasHiddenFeatures => true;

        public override Modules.Linear FieldReader => mlp.FirstLayer;

        protected override NetworkBody Interact(Tensor fields, Tensor linear) => new NetworkBody(mlp.forward(Flatten(fields)), linear);

        protected override Tensor Output(Tensor hidden) => output.forward(hidden).Plus(bias);

        protected override (string Hidden, string Additive) ExportInteract(Onnx.OnnxGraph graph, string fields, string linear)
            => (mlp.ExportOnnx(graph, ExportFlatten(graph, fields)), linear);

        protected override string ExportOutput(Onnx.OnnxGraph graph, string hidden) => graph.Add(graph.Linear(output, hidden), graph.Constant(bias));

        protected override Tensor OutputBias => bias;
    }
}
