using System;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExt.Trainers;
using TorchSharp;

// A user's app built only from the MLExt packages: train, save, load in a fresh context, predict; train a CTR network on
// text fields (TorchSharp, loading libLibTorchSharp.so as patched where needed by the package's buildTransitive targets);
// and say which TorchSharp the app resolved, and whether Microsoft.ML.TorchSharp (referenced by one variant) loads beside it.
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

var clicks = Enumerable.Range(0, 2000).Select(_ =>
{
    int site = random.Next(8);
    return new Click { Site = "s" + site, Device = "d" + random.Next(3), Clicked = random.NextDouble() < (site < 4 ? 0.7 : 0.2) };
}).ToList();
IDataView clickData = mlContext.Data.LoadFromEnumerable(clicks);
var ctr = mlContext.BinaryClassification.Trainers.Ctr(new CtrTrainer.Options
{
    LabelColumnName = "Clicked", CategoricalColumnNames = new[] { "Site", "Device" }, Model = CtrModel.DeepFM, NumberOfEpochs = 5, Seed = 1,
}).Fit(clickData);
double ctrAuc = mlContext.BinaryClassification.Evaluate(ctr.Transform(clickData), "Clicked").AreaUnderRocCurve;

float torchSum = torch.ones(3).sum().item<float>();
string torchSharp = typeof(torch).Assembly.GetName().Version.ToString();
// Loading every type of Microsoft.ML.TorchSharp binds its references to TorchSharp: a version it cannot use fails here.
System.Reflection.Assembly mlTorchSharp = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == "Microsoft.ML.TorchSharp")
    ?? (File.Exists(Path.Combine(AppContext.BaseDirectory, "Microsoft.ML.TorchSharp.dll")) ? System.Reflection.Assembly.Load("Microsoft.ML.TorchSharp") : null);
string mlTorchSharpTypes = mlTorchSharp == null ? "absent" : mlTorchSharp.GetTypes().Length.ToString();
Console.WriteLine($"CONSUMER OK auc={auc:F3} probability={p.Probability:F3} predicted={p.PredictedLabel} ctrauc={ctrAuc:F3} torch={torchSum} " +
    $"torchsharp={torchSharp} mltorchsharptypes={mlTorchSharpTypes}");

public sealed class Row
{
    [VectorType(3)] public float[] Features { get; set; }
    public bool Label { get; set; }
}

public sealed class Click
{
    public string Site { get; set; }
    public string Device { get; set; }
    public bool Clicked { get; set; }
}

public sealed class Prediction
{
    public bool PredictedLabel { get; set; }
    public float Probability { get; set; }
}
