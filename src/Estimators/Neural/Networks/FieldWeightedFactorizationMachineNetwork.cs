using MLExt.Devices;
using Modules = TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExt.Neural.Networks
{
    /// <summary>FwFM: every field pair's inner product gets a learned weight.</summary>
    internal sealed class FieldWeightedFactorizationMachineNetwork : NeuralNetwork
    {
        private readonly Modules.Parameter bias;
        private readonly Modules.Parameter pairWeights;
        private readonly Tensor upperTriangle;

        public FieldWeightedFactorizationMachineNetwork(NetworkSpec spec, FieldTableFactory tables) : base("FwFM", spec, tables)
        {
            bias = new Modules.Parameter(zeros(spec.Outputs));
            pairWeights = new Modules.Parameter(ones(spec.Fields, spec.Fields));
            // Only pairs i < j count; the mask is a buffer, so it moves with the module and is saved with it.
            upperTriangle = ones(spec.Fields, spec.Fields).triu(1);
            RegisterComponents();
        }

        public override bool HasHiddenFeatures => false;

        protected override NetworkBody Interact(Tensor fields, Tensor linear)
        {
            // All inner products at once, [batch, fields, fields], weighted per pair.
            Tensor products = fields.bmm(fields.transpose(1, 2));
            return new NetworkBody(null, linear.Plus((products * (pairWeights * upperTriangle)).sum(new long[] { 1, 2 })));
        }

        protected override Tensor Output(Tensor hidden) => bias;

        protected override (string Hidden, string Additive) ExportInteract(Onnx.OnnxGraph graph, string fields, string linear)
        {
            string products = graph.MatMul(fields, graph.Transpose(fields, 0, 2, 1));
            string weighted;
            using (NewDisposeScope())
                weighted = graph.Mul(products, graph.Constant(pairWeights * upperTriangle));
            return (null, graph.Add(linear, graph.ReduceSum(weighted, new long[] { 1, 2 }, false)));
        }

        protected override string ExportOutput(Onnx.OnnxGraph graph, string hidden) => graph.Constant(bias);

        protected override Tensor OutputBias => bias;
    }
}
