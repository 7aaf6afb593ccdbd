using Modules = TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExt.Neural.Networks
{
    /// <summary>Logistic (or linear) regression over the fields' first-order weights.</summary>
    internal sealed class LogisticRegressionNetwork : NeuralNetwork
    {
        private readonly Modules.Parameter bias;

        public LogisticRegressionNetwork(NetworkSpec spec, FieldTableFactory tables) : base(nameof(LogisticRegressionNetwork), spec, tables)
        {
            bias = new Modules.Parameter(zeros(spec.Outputs));
            RegisterComponents();
        }

        public override bool HasHiddenFeatures => false;

        protected override NetworkBody Interact(Tensor fields, Tensor linear) => new NetworkBody(null, linear);

        protected override Tensor Output(Tensor hidden) => bias;

        protected override (string Hidden, string Additive) ExportInteract(Onnx.OnnxGraph graph, string fields, string linear) => (null, linear);

        protected override string ExportOutput(Onnx.OnnxGraph graph, string hidden) => graph.Constant(bias);

        protected override Tensor OutputBias => bias;
    }
}
