using System;
using System.Linq;
using MLExt.Devices;
using Modules = TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MLExt.Neural.Networks
{
    /// <summary>AutoInt+: multi-head self-attention layers over the fields with residual connections, plus an MLP.</summary>
    internal sealed class AutoIntPlusNetwork : NeuralNetwork
    {
        private readonly Modules.ModuleList<Modules.Linear> queries;
        private readonly Modules.ModuleList<Modules.Linear> keys;
        private readonly Modules.ModuleList<Modules.Linear> values;
        private readonly Modules.ModuleList<Modules.Linear> residuals;
        private readonly Modules.Linear attentionOutput;
        private readonly Mlp mlp;
        private readonly Modules.Linear output;
        private readonly int _heads;
        private readonly int _attentionWidth;

        public AutoIntPlusNetwork(NetworkSpec spec, FieldTableFactory tables) : base("AutoIntPlus", spec, tables)
        {
            int d = spec.EmbeddingDimension;
            _heads = spec.AttentionHeads;
            _attentionWidth = spec.Fields * d;
            Modules.ModuleList<Modules.Linear> Layers(bool withBias) => new Modules.ModuleList<Modules.Linear>(
                Enumerable.Range(0, spec.AttentionLayers).Select(_ => Linear(d, d, hasBias: withBias)).ToArray());
            queries = Layers(false);
            keys = Layers(false);
            values = Layers(false);
            residuals = Layers(false);
            attentionOutput = Linear(_attentionWidth, spec.Outputs);
            mlp = new Mlp(_attentionWidth, spec.HiddenLayers, spec.Dropout, spec.BatchNorm);
            output = Linear(mlp.Width, spec.Outputs);
            RegisterComponents();
        }

        public override bool HasHiddenFeatures => true;

        protected override NetworkBody Interact(Tensor fields, Tensor linear)
        {
            long batch = fields.shape[0], count = fields.shape[1], d = fields.shape[2], headWidth = d / _heads;
            Tensor h = fields;
            for (int layer = 0; layer < queries.Count; layer++)
            {
                Tensor Split(Tensor t) => t.view(batch, count, _heads, headWidth).transpose(1, 2);
                Tensor q = Split(queries[layer].forward(h)), k = Split(keys[layer].forward(h)), v = Split(values[layer].forward(h));
                // softmax(q kᵀ / √width) v in one fused kernel (fewer, smaller intermediate tensors than the four separate steps).
                Tensor merged = functional.scaled_dot_product_attention(q, k, v, null, 0, false).transpose(1, 2).reshape(batch, count, d);
                h = functional.relu(merged.Plus(residuals[layer].forward(h)));
            }
            // The head reads the attention output and the MLP's side by side.
            return new NetworkBody(cat(new[] { Flatten(h), mlp.forward(Flatten(fields)) }, 1), null);
        }

        protected override Tensor Output(Tensor hidden)
            => attentionOutput.forward(hidden.narrow(1, 0, _attentionWidth)).Plus(output.forward(hidden.narrow(1, _attentionWidth, hidden.shape[1] - _attentionWidth)));

        protected override Tensor OutputBias => output.bias;

        protected override (string Hidden, string Additive) ExportInteract(Onnx.OnnxGraph graph, string fields, string linear)
        {
            long count = Spec.Fields, d = Spec.EmbeddingDimension, headWidth = d / _heads;
            string h = fields;
            for (int layer = 0; layer < queries.Count; layer++)
            {
                string Split(string t) => graph.Transpose(graph.Reshape(t, -1, count, _heads, headWidth), 0, 2, 1, 3);
                string q = Split(graph.Linear(queries[layer], h)), k = Split(graph.Linear(keys[layer], h)), v = Split(graph.Linear(values[layer], h));
                // softmax(q kᵀ / √head width) v, as scaled_dot_product_attention computes it; Softmax over the last axis.
                string scores = graph.Mul(graph.MatMul(q, graph.Transpose(k, 0, 1, 3, 2)), graph.Constant((float)(1 / Math.Sqrt(headWidth))));
                string attention = graph.Op("Softmax", scores, node => node.AddAttribute("axis", 3L));
                string merged = graph.Reshape(graph.Transpose(graph.MatMul(attention, v), 0, 2, 1, 3), -1, count, d);
                h = graph.Relu(graph.Add(merged, graph.Linear(residuals[layer], h)));
            }
            return (graph.Concat(1, ExportFlatten(graph, h), mlp.ExportOnnx(graph, ExportFlatten(graph, fields))), null);
        }

        protected override string ExportOutput(Onnx.OnnxGraph graph, string hidden)
            => graph.Add(graph.Linear(attentionOutput, graph.Slice(hidden, 0, _attentionWidth, 1)),
                graph.Linear(output, graph.Slice(hidden, _attentionWidth, long.MaxValue, 1)));
    }
}
