using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExt.Data;
using MLExt.Trainers;

namespace MLExt.Examples.QuickStart
{
    /// <summary>
    /// The CTR trainer: DeepFM on a generated Criteo-like click log and on the Lending Club loans, each next to ML.NET's
    /// field-aware factorization machine on the same split; then the DeepFM model is saved, reloaded and asked about one row.
    /// </summary>
    public static class ClickModels
    {
        public static void Run(MLContext mlContext, DataOperationsCatalog.TrainTestData loans, string[] loanCategorical, string[] loanNumeric)
        {
            // 200,000 generated rows: 13 numeric and 26 categorical fields (2 to 1,000,000 values), label from a hidden FM-style model.
            var clicks = new CriteoLikeData(new CriteoLikeDataOptions { RowCount = 200_000, Seed = 2026 });
            IDataView cached = mlContext.Data.Cache(clicks);
            IDataView train = mlContext.Data.TakeRows(cached, 160_000), test = mlContext.Data.SkipRows(cached, 160_000);
            Console.WriteLine();
            Console.WriteLine("CTR: DeepFM on 160,000 generated Criteo-like clicks (40,000 held out), against ML.NET's field-aware factorization machine...");
            var deepFm = mlContext.BinaryClassification.Trainers.Ctr(new CtrTrainer.Options
            {
                CategoricalColumnNames = clicks.CategoricalColumnNames.ToArray(),
                NumericColumnNames = clicks.NumericColumnNames.ToArray(),
                Model = CtrModel.DeepFM,
                HiddenLayers = new[] { 200, 200 },
                BatchSize = 2048,
                NumberOfEpochs = 4,
                Seed = 1,
            });
            var watch = System.Diagnostics.Stopwatch.StartNew();
            using CtrTransformer clickModel = deepFm.Fit(train);
            Report(mlContext, "DeepFM (MLExt)", clickModel.Transform(test), watch.Elapsed.TotalSeconds,
                $"{clickModel.ParameterCount:N0} parameters, {clickModel.ParameterBytes / 1e6:F1} MB");
            Compare(mlContext, "field-aware FM (ML.NET)", train, test, clicks.CategoricalColumnNames.ToArray(), clicks.NumericColumnNames.ToArray(), "Label");

            Console.WriteLine();
            Console.WriteLine("CTR: DeepFM on the Lending Club loans (bad = click), against the field-aware factorization machine...");
            IEstimator<ITransformer> label = mlContext.Transforms.Conversion.MapValue("Label", new Dictionary<string, bool> { ["bad"] = true, ["good"] = false }, nameof(Loan.Class));
            IDataView loanTrain = label.Fit(loans.TrainSet).Transform(loans.TrainSet), loanTest = label.Fit(loans.TrainSet).Transform(loans.TestSet);
            var loanModel = mlContext.BinaryClassification.Trainers.Ctr(new CtrTrainer.Options
            {
                CategoricalColumnNames = loanCategorical,
                NumericColumnNames = loanNumeric,
                Model = CtrModel.DeepFM,
                EmbeddingDimension = 8,
                HiddenLayers = new[] { 64, 64 },
                Dropout = 0.2f,
                BatchSize = 256,
                NumberOfEpochs = 20,
                EarlyStoppingPatience = 3,
                MinimumCategoryCount = 5,
                Seed = 1,
            });
            watch.Restart();
            using CtrTransformer fittedLoans = loanModel.Fit(loanTrain);
            Report(mlContext, "DeepFM (MLExt)", fittedLoans.Transform(loanTest), watch.Elapsed.TotalSeconds);
            Compare(mlContext, "field-aware FM (ML.NET)", loanTrain, loanTest, loanCategorical, loanNumeric, "Label");

            string path = Path.Combine(Directory.GetCurrentDirectory(), "click-model.zip");
            mlContext.Model.Save(clickModel, clicks.Schema, path);
            var serving = new MLContext();
            ITransformer loaded = serving.Model.Load(path, out _);
            var engine = serving.Model.CreatePredictionEngine<CriteoRow, ClickPrediction>(loaded);
            CriteoRow first = serving.Data.CreateEnumerable<CriteoRow>(test, reuseRowObject: false).First();
            ClickPrediction prediction = engine.Predict(first);
            Console.WriteLine($"Saved {path}; reloaded, one held-out impression (clicked: {first.Label}) gets P(click) = {prediction.Probability:F3}.");
            (loaded as IDisposable)?.Dispose();
        }

        private static void Report(MLContext mlContext, string name, IDataView scored, double seconds, string detail = null)
        {
            var metrics = mlContext.BinaryClassification.Evaluate(scored);
            Console.WriteLine($"  {name,-26} AUC {metrics.AreaUnderRocCurve:F4}, log loss {metrics.LogLoss:F4}, {seconds:F0} s" + (detail == null ? "" : $"; {detail}"));
        }

        // ML.NET's FFM takes one Single vector per field: each categorical column hashed to one-hot, the numeric ones together.
        private static void Compare(MLContext mlContext, string name, IDataView train, IDataView test, string[] categorical, string[] numeric, string labelColumn)
        {
            var pipeline = mlContext.Transforms.Categorical.OneHotHashEncoding(categorical.Select(c => new InputOutputColumnPair("ffm_" + c, c)).ToArray(), numberOfBits: 16)
                .Append(mlContext.Transforms.Concatenate("ffm_numbers", numeric))
                .Append(mlContext.Transforms.ReplaceMissingValues("ffm_numbers"))
                .Append(mlContext.Transforms.NormalizeMeanVariance("ffm_numbers"))
                .Append(mlContext.BinaryClassification.Trainers.FieldAwareFactorizationMachine(
                    categorical.Select(c => "ffm_" + c).Append("ffm_numbers").ToArray(), labelColumn));
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var model = pipeline.Fit(train);
            Report(mlContext, name, model.Transform(test), watch.Elapsed.TotalSeconds);
        }

        public sealed class ClickPrediction
        {
            public float Probability { get; set; }
        }
    }
}
