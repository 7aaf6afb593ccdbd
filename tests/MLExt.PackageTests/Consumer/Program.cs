using System;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExt.Trainers;
using TorchSharp;

// A user's app built only from the MLExt packages: train, save, load in a fresh context, predict; and run a TorchSharp op,
// which loads libLibTorchSharp.so as patched (where needed) by the package's buildTransitive targets.
var random = new Random(1);
var rows = Enumerable.Range(0, 400).Select(_ =>
{
    float a = (float)random.NextDouble(), b = (float)random.NextDouble();
    return new Row { Features = new[] { a, b, (float)random.NextDouble() }, Label = a - b + 0.2 * (random.NextDouble() - 0.5) > 0 };
}).ToList();
var mlContext = new MLContext(seed: 1);
IDataView data = mlContext.Data.LoadFromEnumerable(rows);
var model = mlContext.BinaryClassification.Trainers.ElasticNet(new ElasticNetTrainer.Options { NumberOfFolds = 3 }).Fit(data);
double auc = mlContext.BinaryClassification.Evaluate(model.Transform(data)).AreaUnderRocCurve;

string path = Path.Combine(AppContext.BaseDirectory, "model.zip");
mlContext.Model.Save(model, data.Schema, path);
var fresh = new MLContext();
var engine = fresh.Model.CreatePredictionEngine<Row, Prediction>(fresh.Model.Load(path, out _));
Prediction p = engine.Predict(new Row { Features = new[] { 0.9f, 0.1f, 0.5f } });

float torchSum = torch.ones(3).sum().item<float>();
Console.WriteLine($"CONSUMER OK auc={auc:F3} probability={p.Probability:F3} predicted={p.PredictedLabel} torch={torchSum}");

public sealed class Row
{
    [VectorType(3)] public float[] Features { get; set; }
    public bool Label { get; set; }
}

public sealed class Prediction
{
    public bool PredictedLabel { get; set; }
    public float Probability { get; set; }
}
