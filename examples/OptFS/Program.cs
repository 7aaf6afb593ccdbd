using System;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;
using MLExt.Data;
using MLExt.Trainers;
using MLExt.Transforms;

// OptFS on generated click data whose effects are sparse in values: in the informative fields only 30% of the values move the
// click odds, and the noise fields carry none. First as a transform that turns the dropped values into missing ones before
// LightGBM, then inside the CTR trainer, whose saved model keeps embeddings for the kept values alone.
var mlContext = new MLContext(seed: 1);
mlContext.Log += (_, e) =>
{
    if (e.RawMessage.StartsWith("Gate search epoch", StringComparison.Ordinal))
        Console.WriteLine("  " + e.RawMessage);
};
var clicks = new CriteoLikeData(new CriteoLikeDataOptions
{
    RowCount = 120_000, NumericFieldCount = 4, CategoricalFieldCount = 12, MaxCardinality = 20_000, EffectiveValueShare = 0.3, Seed = 3,
});
IDataView all = mlContext.Data.Cache(clicks);
IDataView train = mlContext.Data.TakeRows(all, 100_000), test = mlContext.Data.SkipRows(all, 100_000);
string[] categorical = clicks.CategoricalColumnNames.ToArray(), numeric = clicks.NumericColumnNames.ToArray();
Console.WriteLine($"Informative fields: {string.Join(", ", clicks.InformativeColumns)}; the others are noise.");

// 1. The transform: search the gates on a DeepFM backbone, then look at what each field kept.
Console.WriteLine("OptFS gate search (DeepFM backbone):");
OptFSTransformer optfs = mlContext.Transforms.FeatureSelection.SelectFeaturesByOptFS("Label", categorical, numeric).Fit(train);
Console.WriteLine($"{"field",-8} {"values",8} {"kept",8}");
foreach (OptFSField field in optfs.Fields)
    Console.WriteLine($"{field.Name,-8} {field.Values,8:N0} {field.KeptValues,8:N0}");
Console.WriteLine($"Kept {optfs.KeptValueFraction:P1} of the values.");

// Any trainer downstream sees the reduced feature set: dropped values are missing (empty text) under the same column names.
IEstimator<ITransformer> LightGbm() => mlContext.Transforms.Categorical.OneHotHashEncoding(categorical.Select(c => new InputOutputColumnPair(c)).ToArray(), numberOfBits: 12)
    .Append(mlContext.Transforms.Concatenate("Features", categorical.Concat(numeric).ToArray()))
    // One-hot slots as plain numbers: ML.NET's LightGBM turns one-hot blocks back into categorical features, and with many
    // missing (all-zero) blocks its dataset loading fails (an IndexOutOfRangeException in LoadDataset, ML.NET 5.0.1).
    .Append(mlContext.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options { UseCategoricalSplit = false }));
double Auc(ITransformer model) => mlContext.BinaryClassification.Evaluate(model.Transform(test)).AreaUnderRocCurve;
Console.WriteLine($"LightGBM on every value: test AUC {Auc(LightGbm().Fit(train)):F4}");
Console.WriteLine($"LightGBM on the values OptFS kept: test AUC {Auc(optfs.Append(LightGbm().Fit(optfs.Transform(train)))):F4}");

// 2. Inside the CTR trainer: search, rewind and retrain in one Fit.
long SavedBytes(ITransformer model)
{
    using var stream = new MemoryStream();
    mlContext.Model.Save(model, train.Schema, stream);
    return stream.Length;
}
foreach (CtrFeatureGates gates in new[] { CtrFeatureGates.None, CtrFeatureGates.OptFS })
{
    var options = new CtrTrainer.Options { CategoricalColumnNames = categorical, NumericColumnNames = numeric, Model = CtrModel.DeepFM, FeatureGates = gates, Seed = 1 };
    using CtrTransformer model = mlContext.BinaryClassification.Trainers.Ctr(options).Fit(train);
    Console.WriteLine($"DeepFM, gates {gates}: test AUC {Auc(model):F4}, {model.KeptValueFraction:P1} of the values kept, model file {SavedBytes(model) / 1024.0:N0} KiB");
}
