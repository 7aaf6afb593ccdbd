using MLExt.Devices;
using Modules = TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MLExt.Neural.Networks
{
    /// <summary>FM, and DeepFM when an MLP over the same embeddings is added.</summary>
    internal sealed class FactorizationMachineNetwork : NeuralNetwork
    {
        private readonly Modules.Parameter bias;
        private readonly Mlp mlp;
        private readonly Modules.Linear output;

        public FactorizationMachineNetwork(NetworkSpec spec, FieldTableFactory tables, bool deep) : base(deep ? "DeepFM" : "FM", spec, tables)
        {
            bias = new Modules.Parameter(zeros(spec.Outputs));
            if (deep)
            {
                mlp = new Mlp(spec.Fields * spec.EmbeddingDimension, spec.HiddenLayers, spec.Dropout, spec.BatchNorm);
                output = Linear(mlp.Width, spec.Outputs);
            }
            RegisterComponents();
        }

        public override bool HasHiddenFeatures => mlp != null;

        protected override NetworkBody Interact(Tensor fields, Tensor linear)
            => new NetworkBody(mlp?.forward(Flatten(fields)), linear.Plus(PairwiseInteractions(fields)));

        protected override Tensor Output(Tensor hidden) => hidden is null ? bias : output.forward(hidden).Plus(bias);

        protected override (string Hidden, string Additive) ExportInteract(Onnx.OnnxGraph graph, string fields, string linear)
            => (mlp?.ExportOnnx(graph, ExportFlatten(graph, fields)), graph.Add(linear, ExportPairwiseInteractions(graph, fields)));

        protected override string ExportOutput(Onnx.OnnxGraph graph, string hidden)
            => hidden is null ? graph.Constant(bias) : graph.Add(graph.Linear(output, hidden), graph.Constant(bias));

        protected override Tensor OutputBias => bias;
    }
}
