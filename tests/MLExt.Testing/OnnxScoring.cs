using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MLExt.Testing
{
    /// <summary>
    /// Exports a fitted pipeline with <c>Model.ConvertToOnnx</c> and scores rows with ONNX Runtime alone, so tests can compare
    /// the exported graph with ML.NET's own Transform.
    /// </summary>
    public static class OnnxScoring
    {
        /// <summary>The ONNX model's bytes.</summary>
        public static byte[] Export(MLContext mlContext, ITransformer model, IDataView data)
        {
            using var stream = new MemoryStream();
            mlContext.Model.ConvertToOnnx(model, data, stream);
            return stream.ToArray();
        }

        /// <summary>
        /// Scores every row of <paramref name="data"/> with the exported model and returns each named output column as one
        /// array of values a row (numbers and Booleans as floats).
        /// </summary>
        public static Dictionary<string, float[][]> Score(byte[] onnxModel, IDataView data, params string[] columns)
        {
            using var session = new InferenceSession(onnxModel);
            var inputs = session.InputMetadata.Select(input => InputTensor(input.Key, input.Value, data)).ToList();
            var outputNames = columns.Select(c => session.OutputMetadata.Keys.Single(name => name == c + ".output" || name == c)).ToArray();
            using var results = session.Run(inputs, outputNames);
            var scored = new Dictionary<string, float[][]>();
            for (int i = 0; i < columns.Length; i++)
                scored[columns[i]] = Rows(results.Single(r => r.Name == outputNames[i]));
            return scored;
        }

        /// <summary>The ONNX graph's input names: the columns a server must send.</summary>
        public static string[] InputNames(byte[] onnxModel)
        {
            using var session = new InferenceSession(onnxModel);
            return session.InputMetadata.Keys.ToArray();
        }

        /// <summary>The ONNX graph's output names (ML.NET names them <c>column.output</c>).</summary>
        public static string[] OutputNames(byte[] onnxModel)
        {
            using var session = new InferenceSession(onnxModel);
            return session.OutputMetadata.Keys.ToArray();
        }

        /// <summary>The largest absolute difference between two same-shaped tables of values.</summary>
        public static double MaxAbsoluteDifference(float[][] expected, float[][] actual)
        {
            if (expected.Length != actual.Length)
                throw new ArgumentException($"{expected.Length} rows expected, {actual.Length} given.");
            double max = 0;
            for (int row = 0; row < expected.Length; row++)
            {
                if (expected[row].Length != actual[row].Length)
                    throw new ArgumentException($"Row {row}: {expected[row].Length} values expected, {actual[row].Length} given.");
                for (int j = 0; j < expected[row].Length; j++)
                    max = Math.Max(max, Math.Abs((double)expected[row][j] - actual[row][j]));
            }
            return max;
        }

        /// <summary>A column of ML.NET's output as one array a row, in the same form <see cref="Score"/> gives.</summary>
        public static float[][] Column(IDataView data, string column)
        {
            DataViewType type = data.Schema[column].Type;
            if (type is VectorDataViewType)
                return data.GetColumn<VBuffer<float>>(column).Select(v => v.DenseValues().ToArray()).ToArray();
            if (type is BooleanDataViewType)
                return data.GetColumn<bool>(column).Select(v => new[] { v ? 1f : 0f }).ToArray();
            return data.GetColumn<float>(column).Select(v => new[] { v }).ToArray();
        }

        private static NamedOnnxValue InputTensor(string name, NodeMetadata metadata, IDataView data)
        {
            DataViewSchema.Column column = data.Schema[name];
            int width = column.Type is VectorDataViewType vector ? vector.Size : 1;
            Type element = metadata.ElementType;
            if (element == typeof(float))
            {
                float[] values = column.Type is VectorDataViewType
                    ? data.GetColumn<VBuffer<float>>(column).SelectMany(v => v.DenseValues()).ToArray()
                    : data.GetColumn<float>(column).ToArray();
                return NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(values, new[] { values.Length / width, width }));
            }
            if (element == typeof(string))
            {
                string[] values = column.Type is VectorDataViewType
                    ? data.GetColumn<VBuffer<ReadOnlyMemory<char>>>(column).SelectMany(v => v.DenseValues().Select(t => t.ToString())).ToArray()
                    : data.GetColumn<ReadOnlyMemory<char>>(column).Select(t => t.ToString()).ToArray();
                return NamedOnnxValue.CreateFromTensor(name, new DenseTensor<string>(values, new[] { values.Length / width, width }));
            }
            if (element == typeof(bool))
            {
                bool[] values = data.GetColumn<bool>(column).ToArray();
                return NamedOnnxValue.CreateFromTensor(name, new DenseTensor<bool>(values, new[] { values.Length, 1 }));
            }
            throw new NotSupportedException($"Input '{name}' has ONNX element type {element.Name}, which this helper does not feed.");
        }

        private static float[][] Rows(DisposableNamedOnnxValue value) => value.Value switch
        {
            Tensor<float> t => Rows(t, v => v),
            Tensor<bool> t => Rows(t, v => v ? 1f : 0f),
            Tensor<long> t => Rows(t, v => v),
            Tensor<uint> t => Rows(t, v => v),
            _ => throw new NotSupportedException($"Output '{value.Name}' is a {value.Value.GetType().Name}."),
        };

        private static float[][] Rows<T>(Tensor<T> tensor, Func<T, float> toFloat)
        {
            float[] flat = tensor.Select(toFloat).ToArray();
            int rows = tensor.Dimensions[0];
            int width = rows == 0 ? 0 : flat.Length / rows;
            return Enumerable.Range(0, rows).Select(r => flat.AsSpan(r * width, width).ToArray()).ToArray();
        }
    }
}
