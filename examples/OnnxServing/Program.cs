using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLExt.Trainers;

// Train a DeepFM model in ML.NET on Lending Club loans (which go bad), export it to ONNX with ML.NET's converter, then score the
// test loans with ONNX Runtime alone, from the raw CSV values: no ML.NET in the serving path. Vocabularies become ONNX
// LabelEncoders, numeric standardizing becomes arithmetic, so the server sends the columns as they are.
string csv = Path.Combine(AppContext.BaseDirectory, "Data", "lending_club.csv");
string[] header = File.ReadLines(csv).First().Split(',').Select(name => name.Trim('"')).ToArray();
string[] categorical = { "term", "sub_grade", "addr_state", "verification_status", "emp_length" };
string[] numeric = header.Where(name => !categorical.Contains(name) && name != "Class").ToArray();

// ---- Training side (ML.NET) ----
var mlContext = new MLContext(seed: 1);
TextLoader.Column Column(string name) => new TextLoader.Column(name,
    categorical.Contains(name) || name == "Class" ? DataKind.String : DataKind.Single, Array.IndexOf(header, name));
IDataView loans = mlContext.Data.LoadFromTextFile(csv, header.Select(Column).ToArray(), separatorChar: ',', hasHeader: true, allowQuoting: true);
var split = mlContext.Data.TrainTestSplit(loans, testFraction: 0.2, seed: 1);
var pipeline = mlContext.Transforms.Conversion.MapValue("Label", new Dictionary<string, bool> { ["bad"] = true, ["good"] = false }, "Class")
    .Append(mlContext.BinaryClassification.Trainers.Ctr(new CtrTrainer.Options
    {
        CategoricalColumnNames = categorical,
        NumericColumnNames = numeric,
        Model = CtrModel.DeepFM,
        EmbeddingDimension = 8,
        HiddenLayers = new[] { 64, 64 },
        NumberOfEpochs = 5,
    }));
var model = pipeline.Fit(split.TrainSet);
using CtrTransformer ctr = model.LastTransformer;
Console.WriteLine($"DeepFM test AUC in ML.NET: {mlContext.BinaryClassification.Evaluate(model.Transform(split.TestSet)).AreaUnderRocCurve:F4}");

// Export the click model alone, over a view of just the columns a server sends: those become the graph's inputs.
IDataView requestColumns = mlContext.Data.LoadFromTextFile(csv, header.Where(name => name != "Class").Select(Column).ToArray(),
    separatorChar: ',', hasHeader: true, allowQuoting: true);
using (var file = File.Create("loans-deepfm.onnx"))
    mlContext.Model.ConvertToOnnx(ctr, requestColumns, file);
Console.WriteLine($"Exported loans-deepfm.onnx ({new FileInfo("loans-deepfm.onnx").Length / 1024:N0} KB).");

// ML.NET's probabilities for the test loans, to compare with.
IDataView testRequests = mlContext.Transforms.SelectColumns(header.Where(name => name != "Class").ToArray()).Fit(split.TestSet).Transform(split.TestSet);
var watch = Stopwatch.StartNew();
float[] expected = ctr.Transform(testRequests).GetColumn<float>("Probability").ToArray();
double mlnetSeconds = watch.Elapsed.TotalSeconds;
var requests = new Dictionary<string, string[]>();
foreach (string name in header.Where(name => name != "Class"))
{
    requests[name] = categorical.Contains(name)
        ? testRequests.GetColumn<ReadOnlyMemory<char>>(name).Select(v => v.ToString()).ToArray()
        : testRequests.GetColumn<float>(name).Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
}

// ---- Serving side (ONNX Runtime only) ----
float[] served = Serving.Score("loans-deepfm.onnx", requests, out double ortSeconds);
double difference = expected.Zip(served, (a, b) => Math.Abs(a - b)).Max();
Console.WriteLine($"ONNX Runtime scored {served.Length:N0} loans; largest difference from ML.NET {difference:G2}.");
Console.WriteLine($"Speed on this machine: ML.NET {served.Length / mlnetSeconds:N0} rows/s (first call), ONNX Runtime {served.Length / ortSeconds:N0} rows/s (first call).");
for (int i = 0; i < 3; i++)
    Console.WriteLine($"  loan {i}: {requests["sub_grade"][i]}, {requests["addr_state"][i]}: P(bad) {served[i]:F4} (ML.NET {expected[i]:F4})");

/// <summary>What a server does: raw column values in, probabilities out, through ONNX Runtime alone.</summary>
internal static class Serving
{
    public static float[] Score(string modelPath, IReadOnlyDictionary<string, string[]> columns, out double seconds)
    {
        using var session = new InferenceSession(modelPath);
        int rows = columns.Values.First().Length;
        // The graph declares each column as [rows, 1]: text columns as strings, numeric ones as floats (empty or NaN is missing).
        var inputs = session.InputMetadata.Select(input => input.Value.ElementType == typeof(string)
            ? NamedOnnxValue.CreateFromTensor(input.Key, new DenseTensor<string>(columns[input.Key], new[] { rows, 1 }))
            : NamedOnnxValue.CreateFromTensor(input.Key, new DenseTensor<float>(columns[input.Key].Select(Number).ToArray(), new[] { rows, 1 }))).ToList();
        var watch = Stopwatch.StartNew();
        using var results = session.Run(inputs, new[] { "Probability.output" });
        float[] probabilities = results.First().AsTensor<float>().ToArray();
        seconds = watch.Elapsed.TotalSeconds;
        return probabilities;
    }

    private static float Number(string text)
        => float.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out float value) ? value : float.NaN;
}
