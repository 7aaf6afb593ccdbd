using System.Linq;
using MLExt.Devices;
using Modules = TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MLExt.Neural.Networks
{
    /// <summary>DCN-V2: full-rank cross layers x_{l+1} = x0 ⊙ (W x_l + b) + x_l beside an MLP, both read by one output layer.</summary>
    internal sealed class CrossNetwork : NeuralNetwork
    {
        private readonly Modules.ModuleList<Modules.Linear> cross;
        private readonly Mlp mlp;
        private readonly Modules.Linear output;

        public CrossNetwork(NetworkSpec spec, FieldTableFactory tables) : base("DCNv2", spec, tables)
        {
            int width = spec.Fields * spec.EmbeddingDimension;
            cross = new Modules.ModuleList<Modules.Linear>(Enumerable.Range(0, spec.CrossLayers).Select(_ => Linear(width, width)).ToArray());
            mlp = new Mlp(width, spec.HiddenLayers, spec.Dropout, spec.BatchNorm);
            output = Linear(width + mlp.Width, spec.Outputs);
            RegisterComponents();
        }

        public override bool HasHiddenFeatures => true;

        protected override NetworkBody Interact(Tensor fields, Tensor linear)
        {
            Tensor x0 = Flatten(fields), x = x0;
            foreach (Modules.Linear layer in cross)
                x = (x0 * layer.forward(x)).Plus(x);
            return new NetworkBody(cat(new[] { x, mlp.forward(x0) }, 1), null);
        }

        protected override Tensor Output(Tensor hidden) => output.forward(hidden);

        protected override (string Hidden, string Additive) ExportInteract(Onnx.OnnxGraph graph, string fields, string linear)
        {
            string x0 = ExportFlatten(graph, fields), x = x0;
            foreach (Modules.Linear layer in cross)
                x = graph.Add(graph.Mul(x0, graph.Linear(layer, x)), x);
            return (graph.Concat(1, x, mlp.ExportOnnx(graph, x0)), null);
        }

        protected override string ExportOutput(Onnx.OnnxGraph graph, string hidden) => graph.Linear(output, hidden);

        protected override Tensor OutputBias => output.bias;
    }
}
