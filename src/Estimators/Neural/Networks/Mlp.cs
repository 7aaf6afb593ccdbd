using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using Modules = TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MLExt.Neural.Networks
{
    /// <summary>Hidden layers: linear, optional batch norm, ReLU and dropout each; the output has the last layer's width.</summary>
    internal sealed class Mlp : Module<Tensor, Tensor>
    {
        private readonly Modules.Sequential layers;

        public Mlp(int inputs, int[] hidden, float dropout, bool batchNorm) : base(nameof(Mlp))
        {
            var steps = new List<Module<Tensor, Tensor>>();
            int width = inputs;
            foreach (int units in hidden)
            {
                steps.Add(Linear(width, units));
                if (batchNorm)
                    steps.Add(BatchNorm1d(units));
                steps.Add(ReLU());
                if (dropout > 0)
                    steps.Add(Dropout(dropout));
                width = units;
            }
            Width = width;
            layers = Sequential(steps);
            RegisterComponents();
        }

        public int Width { get; }

        /// <summary>The first linear layer (null without hidden layers); not kept in a field, which would register it twice.</summary>
        public Modules.Linear FirstLayer => layers.children().OfType<Modules.Linear>().FirstOrDefault();

        public override Tensor forward(Tensor input) => layers.forward(input);

        /// <summary>The layers as ONNX operators (evaluation mode: batch norm folded, dropout gone).</summary>
        public string ExportOnnx(Onnx.OnnxGraph graph, string input)
        {
            string x = input;
            foreach (var layer in layers.children())
            {
                x = layer switch
                {
                    Modules.Linear linear => graph.Linear(linear, x),
                    Modules.BatchNorm1d norm => graph.BatchNorm(norm, x),
                    Modules.ReLU => graph.Relu(x),
                    Modules.Dropout => x,
                    _ => throw new NotSupportedException($"An MLP layer of type {layer.GetType().Name} has no ONNX export."),
                };
            }
            return x;
        }
    }
}
