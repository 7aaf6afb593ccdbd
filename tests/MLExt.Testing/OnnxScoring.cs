using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
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
            using var scorer = new Scorer(onnxModel, data);
            return scorer.Run(columns);
        }

        /// <summary>An ONNX Runtime session with every row of a data view made into its inputs once, to run (and time) repeatedly.</summary>
        public sealed class Scorer : IDisposable
        {
            private readonly InferenceSession _session;
            private readonly List<NamedOnnxValue> _inputs;

            public Scorer(byte[] onnxModel, IDataView data)
            {
                _session = new InferenceSession(onnxModel);
                _inputs = _session.InputMetadata.Select(input => InputTensor(input.Key, input.Value, data)).ToList();
            }

            /// <summary>Each named output column (ML.NET's column name) as one array of values a row.</summary>
            public Dictionary<string, float[][]> Run(params string[] columns)
            {
                var outputNames = columns.Select(c => _session.OutputMetadata.Keys.Single(name => name == c + ".output" || name == c)).ToArray();
                using var results = _session.Run(_inputs, outputNames);
                var scored = new Dictionary<string, float[][]>();
                for (int i = 0; i < columns.Length; i++)
                    scored[columns[i]] = Rows(results.Single(r => r.Name == outputNames[i]));
                return scored;
            }

            public void Dispose() => _session.Dispose();
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
            if (metadata.ElementType == typeof(string))
            {
                // ONNX strings are ML.NET's text.
                return Tensor(name, column, Values<ReadOnlyMemory<char>>(data, column).Select(text => text.ToString()).ToArray());
            }
            MethodInfo values = typeof(OnnxScoring).GetMethod(nameof(Values), BindingFlags.NonPublic | BindingFlags.Static).MakeGenericMethod(metadata.ElementType);
            MethodInfo tensor = typeof(OnnxScoring).GetMethod(nameof(Tensor), BindingFlags.NonPublic | BindingFlags.Static).MakeGenericMethod(metadata.ElementType);
            object array = typeof(Enumerable).GetMethod(nameof(Enumerable.ToArray)).MakeGenericMethod(metadata.ElementType).Invoke(null, new[] { values.Invoke(null, new object[] { data, column }) });
            return (NamedOnnxValue)tensor.Invoke(null, new[] { name, column, array });
        }

        // A column's values, row after row (a vector column's slots in order).
        private static IEnumerable<T> Values<T>(IDataView data, DataViewSchema.Column column)
            => column.Type is VectorDataViewType
                ? data.GetColumn<VBuffer<T>>(column).SelectMany(v => v.DenseValues().ToArray())
                : data.GetColumn<T>(column);

        // [rows, the column's width], as ML.NET's converter declares its inputs.
        private static NamedOnnxValue Tensor<T>(string name, DataViewSchema.Column column, T[] values)
        {
            int width = column.Type is VectorDataViewType vector ? vector.Size : 1;
            return NamedOnnxValue.CreateFromTensor(name, new DenseTensor<T>(values, new[] { values.Length / width, width }));
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
