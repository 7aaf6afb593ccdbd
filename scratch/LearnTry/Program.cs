using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExt.Data;
using MLExt.Transforms;

int trainRows = int.Parse(args[0]), testRows = 50_000;
var mlContext = new MLContext(seed: 1);
var clicks = new CriteoLikeData(new CriteoLikeDataOptions { RowCount = trainRows + testRows, Seed = 2026 });
IDataView all = mlContext.Data.Cache(clicks);
IDataView train = mlContext.Data.TakeRows(all, trainRows), test = mlContext.Data.SkipRows(all, trainRows);
string[] categorical = clicks.CategoricalColumnNames.ToArray(), numeric = clicks.NumericColumnNames.ToArray();
var numbers = mlContext.Transforms.Concatenate("Numbers", numeric).Append(mlContext.Transforms.ReplaceMissingValues("Numbers"));
var hashed = categorical.Select(c => new InputOutputColumnPair("hashed_" + c, c)).ToArray();
var oneHot = mlContext.Transforms.Categorical.OneHotHashEncoding(hashed, numberOfBits: 12).Append(numbers)
    .Append(mlContext.Transforms.Concatenate("Features", hashed.Select(h => h.OutputColumnName).Append("Numbers").ToArray()))
    .Append(mlContext.BinaryClassification.Trainers.LightGbm());
Console.WriteLine($"one-hot: {mlContext.BinaryClassification.Evaluate(oneHot.Fit(train).Transform(test)).AreaUnderRocCurve:F4}");
foreach (string mode in args.Skip(1))
{
    var options = new LearnEmbeddingsOptions
    {
        OutputColumnName = "Embeddings", CategoricalColumnNames = categorical, NumericColumnNames = numeric, EmbeddingDimension = 8, Seed = 1,
        IncludeFirstOrderWeights = mode.Contains("w"),
    };
    if (mode.Contains("m"))
        options.MinimumCategoryCount = 20;
    IDataView embedOn = train, treesOn = train;
    if (mode.Contains("s"))
    {
        embedOn = mlContext.Data.TakeRows(train, trainRows / 2);
        treesOn = mlContext.Data.SkipRows(train, trainRows / 2);
    }
    var embeddings = mlContext.Transforms.Categorical.LearnEmbeddings(options).Fit(embedOn);
    var trees = numbers.Append(mlContext.Transforms.Concatenate("Features", "Embeddings", "Numbers")).Append(mlContext.BinaryClassification.Trainers.LightGbm())
        .Fit(embeddings.Transform(treesOn));
    Console.WriteLine($"{mode}: LightGBM AUC {mlContext.BinaryClassification.Evaluate(trees.Transform(embeddings.Transform(test))).AreaUnderRocCurve:F4}");
}
