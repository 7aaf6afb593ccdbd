using System;
using System.IO;
using System.Linq;
using Microsoft.ML;
using MLExt.Data;
using MLExt.Neural;
using MLExt.Trainers;
using MLExt.Transforms;

// Embedding compression on generated click data with large power-law vocabularies: a DeepFM with full tables, then the same
// model keeping 1% of the tables' memory (Unified: the large fields share one hashed table), the same 1% with the shared table
// stored in 8 bits (about 3.8 times the rows), and with 4-bit quantized tables.
// Last, the categorical columns' learned embeddings as LightGBM's input.
var mlContext = new MLContext(seed: 1);
var clicks = new CriteoLikeData(new CriteoLikeDataOptions { RowCount = 120_000, Seed = 7 });
IDataView all = mlContext.Data.Cache(clicks);
IDataView train = mlContext.Data.TakeRows(all, 100_000), test = mlContext.Data.SkipRows(all, 100_000);
string[] categorical = clicks.CategoricalColumnNames.ToArray(), numeric = clicks.NumericColumnNames.ToArray();

long SavedBytes(ITransformer model)
{
    using var stream = new MemoryStream();
    mlContext.Model.Save(model, train.Schema, stream);
    return stream.Length;
}

var settings = new[]
{
    (CtrEmbeddingCompression.None, 1.0, CtrEmbeddingPrecision.Float32),
    (CtrEmbeddingCompression.Unified, 0.01, CtrEmbeddingPrecision.Float32),
    (CtrEmbeddingCompression.Unified, 0.01, CtrEmbeddingPrecision.Int8),
    (CtrEmbeddingCompression.Int4, 1.0, CtrEmbeddingPrecision.Float32),
};
foreach (var (method, ratio, precision) in settings)
{
    var options = new CtrTrainer.Options
    {
        CategoricalColumnNames = categorical,
        NumericColumnNames = numeric,
        Model = CtrModel.DeepFM,
        EmbeddingCompression = method,
        EmbeddingMemoryRatio = ratio,
        EmbeddingPrecision = precision,
        Seed = 1,
    };
    using CtrTransformer model = mlContext.BinaryClassification.Trainers.Ctr(options).Fit(train);
    double auc = mlContext.BinaryClassification.Evaluate(model.Transform(test)).AreaUnderRocCurve;
    string stored = precision == CtrEmbeddingPrecision.Float32 ? "" : $" ({precision} shared table)";
    Console.WriteLine($"DeepFM, {method}{stored} at {ratio:G}: test AUC {auc:F4}, embeddings {model.EmbeddingBytes / 1024.0:N0} of {model.UncompressedEmbeddingBytes / 1024.0:N0} KiB, "
        + $"model file {SavedBytes(model) / 1024.0:N0} KiB");
    if (method == CtrEmbeddingCompression.Unified && precision == CtrEmbeddingPrecision.Float32)
    {
        // The per-field readout: which fields were compressed, and to what.
        foreach (EmbeddingTableInfo table in model.EmbeddingTables.OrderByDescending(t => t.Bytes).Take(5))
            Console.WriteLine($"  {table.Field,-4} {table.Method,-8} {table.Rows,9:N0} rows x {table.Dimension}, {table.Bytes / 1024.0,7:N1} KiB");
    }
}

// Learned embeddings: a DeepFM learns the categorical columns' embeddings, and LightGBM reads them with the numeric columns.
var learned = mlContext.Transforms.Categorical.LearnEmbeddings("Embeddings", "Label", categorical, numeric, embeddingDimension: 8)
    .Append(mlContext.Transforms.Concatenate("Numbers", numeric))
    .Append(mlContext.Transforms.ReplaceMissingValues("Numbers"))
    .Append(mlContext.Transforms.Concatenate("Features", "Embeddings", "Numbers"))
    .Append(mlContext.BinaryClassification.Trainers.LightGbm());
var pipeline = learned.Fit(train);
Console.WriteLine($"LightGBM on learned embeddings: test AUC {mlContext.BinaryClassification.Evaluate(pipeline.Transform(test)).AreaUnderRocCurve:F4}");
foreach (var part in pipeline.OfType<IDisposable>())
    part.Dispose();
