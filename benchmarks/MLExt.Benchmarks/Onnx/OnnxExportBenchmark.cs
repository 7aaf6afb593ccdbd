using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExt.Data;
using MLExt.Testing;
using MLExt.Trainers;
using MLExt.Transforms;

namespace MLExt.Benchmarks.Onnx
{
    /// <summary>
    /// The ONNX parity table: each exportable component fitted on generated clicks (digits for QuickSelection), exported with
    /// <c>Model.ConvertToOnnx</c>, and the same rows scored by ML.NET's batched Transform and by ONNX Runtime alone: the largest
    /// absolute difference, and rows a second each way.
    /// </summary>
    internal static class OnnxExportBenchmark
    {
        public static string Run(bool quick, Action<string> log)
        {
            int trainRows = quick ? 5_000 : 50_000, scoredRows = quick ? 2_000 : 20_000;
            var mlContext = new MLContext(seed: 1);
            CriteoLikeDataOptions Clicks(long rows, int seed) => new CriteoLikeDataOptions
            {
                RowCount = rows, NumericFieldCount = 13, CategoricalFieldCount = 26, MaxCardinality = 10_000, Seed = seed,
            };
            var generator = new CriteoLikeData(Clicks(trainRows, 5));
            IDataView train = mlContext.Data.Cache(generator);
            // Other rows of the same fields: many of their values were never seen in training.
            IDataView scored = mlContext.Data.Cache(new CriteoLikeData(Clicks(scoredRows, 6)));
            string[] numeric = generator.NumericColumnNames.ToArray(), categorical = generator.CategoricalColumnNames.ToArray();

            var text = new StringBuilder();
            text.AppendLine("## ONNX export");
            text.AppendLine();
            text.AppendLine($"Each model is fitted on {trainRows:N0} generated click rows (26 text fields of up to 10,000 values, 13 numeric with " +
                $"missing values; QuickSelection on the digits), exported with `mlContext.Model.ConvertToOnnx` and {scoredRows:N0} other rows " +
                "(digits: all 1,797) scored both ways: ML.NET's batched `Transform` (reading the column from an in-memory view) and an " +
                "ONNX Runtime `InferenceSession` (one `Run` over all rows, inputs built beforehand). Speeds are the best of 3 runs after a " +
                "first one, whose time is given too (cold). Tolerances the tests hold: 1e-5 for linear models, 1e-4 for CTR networks.");
            text.AppendLine();
            text.AppendLine("| model | column | rows | max abs difference | ML.NET rows/s | ONNX Runtime rows/s | ORT / ML.NET | first run ML.NET / ORT (s) |");
            text.AppendLine("|---|---|---|---|---|---|---|---|");

            void Measure(string name, ITransformer model, IDataView rows, string column)
            {
                byte[] onnx = OnnxScoring.Export(mlContext, model, rows);
                using var scorer = new OnnxScoring.Scorer(onnx, rows);
                float[][] expected = OnnxScoring.Column(model.Transform(rows), column);
                double difference = OnnxScoring.MaxAbsoluteDifference(expected, scorer.Run(column)[column]);
                double mlnetFirst = Seconds(() => OnnxScoring.Column(model.Transform(rows), column));
                double ortFirst = Seconds(() => scorer.Run(column));
                double mlnet = Timing.BestOf(3, () => OnnxScoring.Column(model.Transform(rows), column));
                double ort = Timing.BestOf(3, () => scorer.Run(column));
                int count = expected.Length;
                text.AppendLine($"| {name} | {column} | {count:N0} | {difference:G2} | {count / mlnet:N0} | {count / ort:N0} | {mlnet / ort:F2}x | {mlnetFirst:F3} / {ortFirst:F3} |");
                log($"ONNX {name}: max difference {difference:G2}, ML.NET {count / mlnet:N0} rows/s, ONNX Runtime {count / ort:N0} rows/s");
            }

            var linear = mlContext.Transforms.ReplaceMissingValues(numeric.Select(c => new InputOutputColumnPair(c)).ToArray())
                .Append(mlContext.Transforms.Concatenate("Features", numeric))
                .Append(mlContext.BinaryClassification.Trainers.ElasticNet(lambda: 0.001, alpha: 0.5))
                .Fit(train);
            Measure("Elastic net (binary, missing values replaced)", linear, scored, "Probability");

            var outRank = mlContext.Transforms.ReplaceMissingValues(numeric.Select(c => new InputOutputColumnPair(c)).ToArray())
                .Append(mlContext.Transforms.Concatenate("Numbers", numeric))
                .Append(mlContext.Transforms.FeatureSelection.SelectFeaturesByOutRank("Label", new[] { "Numbers" }, 6))
                .Fit(train);
            Measure("OutRank (6 of 13 slots)", outRank, scored, "Numbers");

            string digitsPath = Path.Combine(AppContext.BaseDirectory, "Data", "digits.csv");
            IDataView digits = mlContext.Data.Cache(mlContext.Data.LoadFromTextFile(digitsPath,
                new[] { new TextLoader.Column("Pixels", DataKind.Single, 0, 63) }, separatorChar: ','));
            var quickSelection = mlContext.Transforms.FeatureSelection.SelectFeaturesByQuickSelection(new QuickSelectionOptions
            {
                InputColumnName = "Pixels", OutputColumnName = "Selected", FeaturesToKeep = 16, Epochs = quick ? 5 : 20,
            }).Fit(digits);
            Measure("QuickSelection (16 of 64 pixels)", quickSelection, digits, "Selected");

            foreach (CtrModel kind in Enum.GetValues<CtrModel>())
            {
                using CtrTransformer ctr = mlContext.BinaryClassification.Trainers.Ctr(new CtrTrainer.Options
                {
                    CategoricalColumnNames = categorical,
                    NumericColumnNames = numeric,
                    Model = kind,
                    EmbeddingDimension = 8,
                    HiddenLayers = new[] { 64, 64 },
                    BatchSize = 1024,
                    NumberOfEpochs = 1,
                    Seed = 1,
                }).Fit(train);
                Measure($"CTR {kind}", ctr, scored, "Probability");
            }
            text.AppendLine();
            return text.ToString();
        }

        private static double Seconds(Action action)
        {
            var watch = Stopwatch.StartNew();
            action();
            return watch.Elapsed.TotalSeconds;
        }
    }
}
