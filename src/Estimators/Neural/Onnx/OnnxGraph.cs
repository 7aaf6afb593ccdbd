using System;
using System.Linq;
using Microsoft.ML.Model.OnnxConverter;
using MLExt.Devices;
using TorchSharp;
using Modules = TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExt.Neural.Onnx
{
    /// <summary>
    /// Writes ONNX nodes into ML.NET's export context one operator at a time, each call returning the name of the value it made,
    /// so a network's export reads like its forward pass. Operators are those of opset 12 (what ML.NET's converter writes):
    /// axes are attributes, Slice bounds are inputs.
    /// </summary>
    internal sealed class OnnxGraph
    {
        private const string MachineLearningDomain = "ai.onnx.ml";

        private readonly OnnxContext _context;

        public OnnxGraph(OnnxContext context) => _context = context;

        /// <summary>The value that holds ML.NET column <paramref name="column"/>.</summary>
        public string Column(string column) => _context.GetVariableName(column);

        /// <summary>Whether the graph has the column (an input, or an earlier step's output).</summary>
        public bool HasColumn(string column) => _context.ContainsColumn(column);

        /// <summary>A new output column of the graph, set from <paramref name="value"/>.</summary>
        public void SetColumn(string column, Microsoft.ML.Data.DataViewType type, string value)
            => _context.CreateNode("Identity", value, _context.AddIntermediateVariable(type, column), _context.GetNodeName("Identity"), "");

        public string Constant(float[] values, params long[] dimensions) => _context.AddInitializer(values, dimensions, "w");

        public string Constant(long[] values, params long[] dimensions) => _context.AddInitializer(values, dimensions, "i");

        public string Constant(float value) => _context.AddInitializer(value, "c");

        /// <summary>A tensor's values (moved to the CPU as 32-bit floats) as a constant of its shape.</summary>
        public string Constant(Tensor tensor)
        {
            using var scope = NewDisposeScope();
            Tensor values = tensor.detach().to(ScalarType.Float32).cpu().contiguous();
            return Constant(values.data<float>().ToArray(), values.shape);
        }

        /// <summary>An operator of the default domain with one output.</summary>
        public string Op(string type, string[] inputs, Action<OnnxNode> attributes = null, string domain = "")
        {
            string output = _context.AddIntermediateVariable(null, type, true);
            OnnxNode node = _context.CreateNode(type, inputs, new[] { output }, _context.GetNodeName(type), domain);
            attributes?.Invoke(node);
            return output;
        }

        public string Op(string type, string input, Action<OnnxNode> attributes = null) => Op(type, new[] { input }, attributes);

        public string Add(string a, string b) => Op("Add", new[] { a, b });

        public string Sub(string a, string b) => Op("Sub", new[] { a, b });

        public string Mul(string a, string b) => Op("Mul", new[] { a, b });

        public string MatMul(string a, string b) => Op("MatMul", new[] { a, b });

        public string Relu(string x) => Op("Relu", x);

        public string Sigmoid(string x) => Op("Sigmoid", x);

        public string Square(string x) => Mul(x, x);

        public string Concat(int axis, params string[] inputs)
            => inputs.Length == 1 ? inputs[0] : Op("Concat", inputs, node => node.AddAttribute("axis", axis));

        public string ReduceSum(string x, long[] axes, bool keepDimensions)
            => Op("ReduceSum", x, node =>
            {
                node.AddAttribute("axes", axes);
                node.AddAttribute("keepdims", keepDimensions ? 1L : 0L);
            });

        public string Reshape(string x, params long[] shape) => Op("Reshape", new[] { x, Constant(shape, shape.Length) });

        public string Transpose(string x, params long[] permutation) => Op("Transpose", x, node => node.AddAttribute("perm", permutation));

        public string Unsqueeze(string x, params long[] axes) => Op("Unsqueeze", x, node => node.AddAttribute("axes", axes));

        /// <summary>Indices [start, end) of axis <paramref name="axis"/>.</summary>
        public string Slice(string x, long start, long end, long axis)
            => Op("Slice", new[] { x, Constant(new[] { start }, 1), Constant(new[] { end }, 1), Constant(new[] { axis }, 1) });

        public string Gather(string data, string indices, long axis = 0) => Op("Gather", new[] { data, indices }, node => node.AddAttribute("axis", axis));

        public string Cast(string x, Type to) => Op("Cast", x, node => node.AddAttribute("to", to));

        public string IsNaN(string x) => Op("IsNaN", x);

        public string Where(string condition, string whenTrue, string whenFalse) => Op("Where", new[] { condition, whenTrue, whenFalse });

        /// <summary>An ai.onnx.ml LabelEncoder from the keys to 64-bit ids, <paramref name="unknown"/> for any other input.</summary>
        public string LabelEncoder(string x, Action<OnnxNode> keys, long[] ids, long unknown)
            => Op("LabelEncoder", new[] { x }, node =>
            {
                keys(node);
                node.AddAttribute("values_int64s", ids);
                node.AddAttribute("default_int64", unknown);
            }, MachineLearningDomain);

        /// <summary>x Wᵀ + b for a TorchSharp linear layer (over the last axis, any leading axes).</summary>
        public string Linear(Modules.Linear layer, string x)
        {
            using var scope = NewDisposeScope();
            string product = MatMul(x, Constant(layer.weight.t()));
            return layer.bias is null ? product : Add(product, Constant(layer.bias));
        }

        /// <summary>An evaluation-mode batch norm: the running statistics and the affine folded into one scale and shift.</summary>
        public string BatchNorm(Modules.BatchNorm1d norm, string x)
        {
            using var scope = NewDisposeScope();
            Tensor scale = norm.weight / norm.running_var.Plus(norm.eps).sqrt();
            Tensor shift = norm.bias - norm.running_mean * scale;
            return Add(Mul(x, Constant(scale)), Constant(shift));
        }
    }
}
