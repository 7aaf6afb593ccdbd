using System;
using System.Linq;
using MLExt.Devices;
using Modules = TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MLExt.Neural.Networks
{
    /// <summary>FinalMLP: two MLP streams, each fed the embeddings through its own feature gate, fused by a bilinear head.</summary>
    internal sealed class FinalMlpNetwork : NeuralNetwork
    {
        private readonly Modules.Linear gate1;
        private readonly Modules.Linear gate2;
        private readonly Mlp stream1;
        private readonly Mlp stream2;
        private readonly Modules.Linear weights1;
        private readonly Modules.Linear weights2;
        // [first stream's width, second's × outputs]: one bilinear form per output.
        private readonly Modules.Parameter bilinear;
        private readonly int _outputs;

        public FinalMlpNetwork(NetworkSpec spec, FieldTableFactory tables) : base("FinalMLP", spec, tables)
        {
            int width = spec.Fields * spec.EmbeddingDimension;
            _outputs = spec.Outputs;
            gate1 = Linear(width, width);
            gate2 = Linear(width, width);
            stream1 = new Mlp(width, spec.HiddenLayers, spec.Dropout, spec.BatchNorm);
            // The second stream is narrower, as in the paper's asymmetric setting.
            stream2 = new Mlp(width, spec.HiddenLayers.Select(h => Math.Max(1, h / 2)).ToArray(), spec.Dropout, spec.BatchNorm);
            weights1 = Linear(stream1.Width, spec.Outputs);
            weights2 = Linear(stream2.Width, spec.Outputs, hasBias: false);
            bilinear = new Modules.Parameter(zeros(stream1.Width, stream2.Width * spec.Outputs));
            RegisterComponents();
        }

        public override bool HasHiddenFeatures => true;

        protected override NetworkBody Interact(Tensor fields, Tensor linear)
        {
            Tensor x = Flatten(fields);
            // Gates in (0, 2) start near 1: each stream learns which features to stress.
            Tensor o1 = stream1.forward(x * sigmoid(gate1.forward(x)).Times(2)), o2 = stream2.forward(x * sigmoid(gate2.forward(x)).Times(2));
            return new NetworkBody(cat(new[] { o1, o2 }, 1), null);
        }

        // The fusion head: linear in each stream plus the bilinear term o1ᵀ W o2 per output.
        protected override Tensor Output(Tensor hidden)
        {
            long width1 = stream1.Width, width2 = stream2.Width, batch = hidden.shape[0];
            Tensor o1 = hidden.narrow(1, 0, width1), o2 = hidden.narrow(1, width1, width2);
            Tensor fused = (o1.matmul(bilinear).view(batch, _outputs, width2) * o2.unsqueeze(1)).sum(-1);
            return weights1.forward(o1).Plus(weights2.forward(o2)).Plus(fused);
        }

        protected override Tensor OutputBias => weights1.bias;

        protected override (string Hidden, string Additive) ExportInteract(Onnx.OnnxGraph graph, string fields, string linear)
        {
            string x = ExportFlatten(graph, fields), two = graph.Constant(2f);
            string o1 = stream1.ExportOnnx(graph, graph.Mul(x, graph.Mul(two, graph.Sigmoid(graph.Linear(gate1, x)))));
            string o2 = stream2.ExportOnnx(graph, graph.Mul(x, graph.Mul(two, graph.Sigmoid(graph.Linear(gate2, x)))));
            return (graph.Concat(1, o1, o2), null);
        }

        protected override string ExportOutput(Onnx.OnnxGraph graph, string hidden)
        {
            long width1 = stream1.Width, width2 = stream2.Width;
            string o1 = graph.Slice(hidden, 0, width1, 1), o2 = graph.Slice(hidden, width1, width1 + width2, 1);
            string projected = graph.Reshape(graph.MatMul(o1, graph.Constant(bilinear)), -1, _outputs, width2);
            string fused = graph.ReduceSum(graph.Mul(projected, graph.Unsqueeze(o2, 1)), new long[] { 2 }, false);
            return graph.Add(graph.Add(graph.Linear(weights1, o1), graph.Linear(weights2, o2)), fused);
        }
    }
}
