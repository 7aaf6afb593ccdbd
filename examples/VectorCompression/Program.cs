using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExt.Transforms;

// Vector-column compression: every method on 10,000 clustered 64-dimensional "embeddings" (reconstruction error, bytes per row,
// fit time, model size), a code stored and read back, and a classifier trained downstream on compressed digit images.
var mlContext = new MLContext(seed: 1);

// 10,000 vectors around 100 centers (coordinates N(0, 1)), each off its center by N(0, 0.25²) per coordinate.
const int rows = 10_000, dimension = 64;
var random = new Random(1);
double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
float[][] centers = Enumerable.Range(0, 100).Select(_ => Enumerable.Range(0, dimension).Select(_ => (float)Gaussian()).ToArray()).ToArray();
var embeddings = Enumerable.Range(0, rows).Select(_ =>
{
    float[] center = centers[random.Next(centers.Length)];
    return new Embedded { Embedding = center.Select(c => c + (float)(0.25 * Gaussian())).ToArray() };
}).ToArray();
IDataView data = mlContext.Data.LoadFromEnumerable(embeddings);

Console.WriteLine($"{rows:N0} clustered vectors of {dimension} values ({4 * dimension} bytes each as Single):");
Console.WriteLine($"{"method",-26} {"error",8} {"bytes/row",10} {"codebook",10} {"model zip",10} {"fit s",7}");
foreach (VectorCompressionMethod method in Enum.GetValues<VectorCompressionMethod>())
{
    var clock = Stopwatch.StartNew();
    VectorCompressionTransformer compressor = mlContext.Transforms.CompressVectors("Compressed", "Embedding", method).Fit(data);
    double seconds = clock.Elapsed.TotalSeconds;
    using var zip = new MemoryStream();
    mlContext.Model.Save(compressor, data.Schema, zip);
    string name = method + compressor.Method switch
    {
        VectorCompressionMethod.ProductQuantization => $" {compressor.Subspaces}x{compressor.Centroids}",
        VectorCompressionMethod.LowRank => $" r={compressor.Rank}",
        _ => "",
    };
    Console.WriteLine($"{name,-26} {compressor.ReconstructionError,8:P2} {compressor.BytesPerRow,10} {compressor.CodebookBytes,10:N0} {zip.Length,10:N0} {seconds,7:F2}");
}

// Storing codes: 16 bytes per vector with product quantization; Decode gives what the transform outputs.
VectorCompressionTransformer pq = mlContext.Transforms.CompressVectors("Compressed", "Embedding").Fit(data);
byte[] code = pq.Encode(embeddings[0].Embedding);
float[] decoded = pq.Decode(code);
Console.WriteLine($"The first vector's code: {Convert.ToHexString(code)}; decoded, it is off by {Math.Sqrt(embeddings[0].Embedding.Zip(decoded, (a, b) => (a - b) * (a - b)).Sum()):F3} (its norm is {Math.Sqrt(embeddings[0].Embedding.Sum(a => a * a)):F2}).");

// Downstream: a classifier on the digits' 64 pixels, raw and compressed; the compressor sits in the pipeline and is saved with it.
string digitsPath = Path.Combine(AppContext.BaseDirectory, "Data", "digits.csv");
var columns = new[] { new TextLoader.Column("Pixels", DataKind.Single, 0, 63), new TextLoader.Column("Digit", DataKind.Single, 64) };
var split = mlContext.Data.TrainTestSplit(mlContext.Data.LoadFromTextFile(digitsPath, columns, separatorChar: ','), testFraction: 0.2, seed: 1);
Console.WriteLine();
Console.WriteLine("Digits (8x8 pixels, 256 bytes as Single), SDCA maximum entropy on the reconstructed pixels:");
double Accuracy(IEstimator<ITransformer> features)
{
    var pipeline = features.Append(mlContext.Transforms.Conversion.MapValueToKey("Label", "Digit"))
        .Append(mlContext.Transforms.NormalizeMinMax("Features"))
        .Append(mlContext.MulticlassClassification.Trainers.SdcaMaximumEntropy());
    return mlContext.MulticlassClassification.Evaluate(pipeline.Fit(split.TrainSet).Transform(split.TestSet)).MicroAccuracy;
}
Console.WriteLine($"{"raw",-38} accuracy {Accuracy(mlContext.Transforms.CopyColumns("Features", "Pixels")):P1}");
foreach (var options in new[]
{
    new VectorCompressionOptions { Method = VectorCompressionMethod.ProductQuantization, Subspaces = 16 },
    new VectorCompressionOptions { Method = VectorCompressionMethod.Int8 },
    new VectorCompressionOptions { Method = VectorCompressionMethod.LowRank, Rank = 16 },
})
{
    options.InputColumnName = "Pixels";
    options.OutputColumnName = "Features";
    VectorCompressionTransformer fitted = mlContext.Transforms.CompressVectors(options).Fit(split.TrainSet);
    Console.WriteLine($"{$"{options.Method}, {fitted.BytesPerRow} bytes a row",-38} accuracy {Accuracy(mlContext.Transforms.CompressVectors(options)):P1}, error {fitted.ReconstructionError:P1}");
}

internal sealed class Embedded
{
    [VectorType(64)]
    public float[] Embedding { get; set; }
}
