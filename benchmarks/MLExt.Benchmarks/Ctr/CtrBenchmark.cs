using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLExt.Data;
using MLExt.Trainers;
using MLExt.Neural.Featurization;
using MLExt.Neural.Networks;
using MLExt.Neural.Tasks;
using MLExt.Neural.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLExt.Benchmarks.Ctr
{
    /// <summary>
    /// The CTR trainer against ML.NET's field-aware factorization machine, LightGBM and FastTree on the same splits (generated
    /// Criteo-like data and the real lending_club), its training throughput against a bare TorchSharp loop of the identical
    /// network, and batched scoring against a PredictionEngine loop.
    /// </summary>
    internal static class CtrBenchmark
    {
        private static readonly CtrModel[] Models = Enum.GetValues<CtrModel>();

        public static string Run(bool quick, Action<string> log)
        {
            var report = new StringBuilder();
            report.AppendLine("## CTR trainer");
            report.AppendLine();
            report.AppendLine($"Machine: {Environment.ProcessorCount} cores, CPU (TorchSharp 0.107, libtorch 2.10). MLExt models: embedding 16, MLP 400-400-400 " +
                "where the model has one, Adam 1e-3, batch 4096, 10% of the training rows for early stopping on AUC (patience 1, restore best), seed 1. " +
                "Peers get each categorical column one-hot hash encoded (2^12 slots) and the numeric columns as they are (FFM: as one field, standardized).");
            report.AppendLine();

            int trainRows = quick ? 40_000 : 1_000_000, testRows = quick ? 20_000 : 200_000;
            var mlContext = new MLContext(seed: 1);
            var clicks = new CriteoLikeData(new CriteoLikeDataOptions { RowCount = trainRows + testRows, Seed = 2026 });
            log($"Materializing {trainRows + testRows:N0} generated rows.");
            IDataView all = mlContext.Data.Cache(clicks);
            all.GetColumn<bool>("Label").Count();
            IDataView train = mlContext.Data.TakeRows(all, trainRows), test = mlContext.Data.SkipRows(all, trainRows);
            report.Append(Quality(mlContext, $"Generated Criteo-like: {trainRows:N0} training rows, {testRows:N0} held out (13 numeric, 26 categorical fields of 2 to 1,000,000 values)",
                train, test, clicks.CategoricalColumnNames.ToArray(), clicks.NumericColumnNames.ToArray(), 2, log, target: true));

            var (loanTrain, loanTest, loanCategorical, loanNumeric) = LendingClub(mlContext);
            report.Append(Quality(mlContext, "lending_club (real): 80% training, 20% held out, bad = positive", loanTrain, loanTest, loanCategorical, loanNumeric, 20, log, target: false));
            return report.ToString();
        }

        /// <summary>Training throughput against a bare loop and batched scoring against a PredictionEngine loop, on generated rows.</summary>
        public static string RunSpeed(bool quick, Action<string> log)
        {
            var report = new StringBuilder();
            report.AppendLine("## CTR speed");
            report.AppendLine();
            report.AppendLine($"Machine: {Environment.ProcessorCount} cores, CPU (TorchSharp 0.107, libtorch 2.10). Generated Criteo-like rows (13 numeric, 26 categorical fields).");
            report.AppendLine();
            var (mlContext, clicks, train, trainRows, test, testRows) = SpeedData(quick);
            report.Append(Throughput(mlContext, train, trainRows, clicks, quick, log));
            if (!quick)
                report.Append(FitStartBenchmark.Run(log));
            report.Append(Scoring(mlContext, train, test, testRows, clicks, log));
            report.Append(AttentionCostBenchmark.Run(log));
            return report.ToString();
        }

        /// <summary>The CTR speed section of an earlier report with its scoring part measured again (--only ctr-scoring).</summary>
        public static string RerunScoring(bool quick, string speedSection, Action<string> log)
        {
            var (mlContext, clicks, train, _, test, testRows) = SpeedData(quick);
            return Replace(speedSection, "### Scoring", Scoring(mlContext, train, test, testRows, clicks, log));
        }

        /// <summary>The CTR speed section of an earlier report with its AutoInt+ part measured again (--only ctr-attention).</summary>
        public static string RerunAttentionCost(string speedSection, Action<string> log)
            => Replace(speedSection, AttentionCostBenchmark.Heading, AttentionCostBenchmark.Run(log));

        /// <summary>The CTR speed section of an earlier report with its one-epoch warm and cold part measured again (--only ctr-fit-start).</summary>
        public static string RerunFitStart(string speedSection, Action<string> log)
            => Replace(speedSection, "### One epoch, warm and cold", FitStartBenchmark.Run(log));

        // The "### " subsection that starts with the heading, replaced (or added at the end).
        private static string Replace(string section, string heading, string subsection)
        {
            int start = section.IndexOf(heading, StringComparison.Ordinal);
            if (start < 0)
                return section + subsection;
            int end = section.IndexOf("\n### ", start, StringComparison.Ordinal);
            return section[..start] + subsection + (end < 0 ? "" : section[(end + 1)..]);
        }

        private static (MLContext MLContext, CriteoLikeData Clicks, IDataView Train, int TrainRows, IDataView Test, int TestRows) SpeedData(bool quick)
        {
            int trainRows = quick ? 20_000 : 200_000, testRows = quick ? 5_000 : 50_000;
            var mlContext = new MLContext(seed: 1);
            var clicks = new CriteoLikeData(new CriteoLikeDataOptions { RowCount = trainRows + testRows, Seed = 2026 });
            IDataView all = mlContext.Data.Cache(clicks);
            all.GetColumn<bool>("Label").Count();
            return (mlContext, clicks, mlContext.Data.TakeRows(all, trainRows), trainRows, mlContext.Data.SkipRows(all, trainRows), testRows);
        }

        internal static CtrTrainer.Options Options(CtrModel model, string[] categorical, string[] numeric, int epochs) => new CtrTrainer.Options
        {
            CategoricalColumnNames = categorical,
            NumericColumnNames = numeric,
            Model = model,
            // The settings these figures have always been measured with (large click data), not the ones chosen from the rows.
            BatchSize = 4096,
            NumberOfEpochs = epochs,
            EarlyStoppingPatience = 1,
            Seed = 1,
        };

        private static string Quality(MLContext mlContext, string title, IDataView train, IDataView test, string[] categorical, string[] numeric, int epochs,
            Action<string> log, bool target)
        {
            var rows = new List<(string Name, double Auc, double LogLoss, double Seconds)>();
            foreach (CtrModel model in Models)
            {
                var options = Options(model, categorical, numeric, epochs);
                // A split's row count is not known up front: count it.
                if ((train.GetRowCount() ?? train.GetColumn<bool>("Label").LongCount()) < 100_000)
                {
                    // A small table: smaller batches, so an epoch is more than a handful of steps.
                    options.BatchSize = 256;
                    options.EarlyStoppingPatience = 3;
                }
                var watch = Stopwatch.StartNew();
                using CtrTransformer fitted = mlContext.BinaryClassification.Trainers.Ctr(options).Fit(train);
                double seconds = watch.Elapsed.TotalSeconds;
                var metrics = mlContext.BinaryClassification.Evaluate(fitted.Transform(test));
                rows.Add(($"MLExt {model}", metrics.AreaUnderRocCurve, metrics.LogLoss, seconds));
                log($"{title[..Math.Min(20, title.Length)]}: {model} AUC {metrics.AreaUnderRocCurve:F4} ({seconds:F0} s)");
            }
            foreach (var (name, trainer) in Peers(mlContext, categorical, numeric))
            {
                var watch = Stopwatch.StartNew();
                var fitted = trainer.Fit(train);
                double seconds = watch.Elapsed.TotalSeconds;
                var metrics = mlContext.BinaryClassification.Evaluate(fitted.Transform(test));
                rows.Add((name, metrics.AreaUnderRocCurve, metrics.LogLoss, seconds));
                log($"{title[..Math.Min(20, title.Length)]}: {name} AUC {metrics.AreaUnderRocCurve:F4} ({seconds:F0} s)");
            }

            var text = new StringBuilder();
            text.AppendLine($"### {title}");
            text.AppendLine();
            text.AppendLine("| model | test AUC | test log loss (bits) | training seconds |");
            text.AppendLine("|---|---|---|---|");
            foreach (var row in rows.OrderByDescending(r => r.Auc))
                text.AppendLine($"| {row.Name} | {row.Auc:F4} | {row.LogLoss:F4} | {row.Seconds:F0} |");
            text.AppendLine();
            var best = rows.Where(r => r.Name.StartsWith("MLExt", StringComparison.Ordinal)).OrderByDescending(r => r.Auc).First();
            double ffm = rows.Single(r => r.Name.Contains("field-aware")).Auc, lightGbm = rows.Single(r => r.Name.Contains("LightGBM")).Auc;
            text.AppendLine($"Best MLExt model: {best.Name} at {best.Auc:F4}; vs field-aware FM {best.Auc - ffm:+0.0000;-0.0000}, vs LightGBM {best.Auc - lightGbm:+0.0000;-0.0000}." +
                (target ? $" Target: >= +0.005 over FFM ({(best.Auc - ffm >= 0.005 ? "met" : "not met")}) and >= LightGBM ({(best.Auc >= lightGbm ? "met" : "not met")})." : ""));
            text.AppendLine();
            return text.ToString();
        }

        private static IEnumerable<(string Name, IEstimator<ITransformer> Trainer)> Peers(MLContext mlContext, string[] categorical, string[] numeric)
        {
            var hashed = categorical.Select(c => new InputOutputColumnPair("hashed_" + c, c)).ToArray();
            IEstimator<ITransformer> Encode() => mlContext.Transforms.Categorical.OneHotHashEncoding(hashed, numberOfBits: 12);
            var numbers = mlContext.Transforms.Concatenate("numbers", numeric).Append(mlContext.Transforms.ReplaceMissingValues("numbers"));
            string[] features = hashed.Select(h => h.OutputColumnName).Append("numbers").ToArray();
            yield return ("ML.NET field-aware FM", Encode().Append(numbers).Append(mlContext.Transforms.NormalizeMeanVariance("numbers"))
                .Append(mlContext.BinaryClassification.Trainers.FieldAwareFactorizationMachine(features, "Label")));
            yield return ("ML.NET LightGBM", Encode().Append(numbers).Append(mlContext.Transforms.Concatenate("Features", features))
                .Append(mlContext.BinaryClassification.Trainers.LightGbm()));
            yield return ("ML.NET FastTree", Encode().Append(numbers).Append(mlContext.Transforms.Concatenate("Features", features))
                .Append(mlContext.BinaryClassification.Trainers.FastTree()));
        }

        internal static (IDataView Train, IDataView Test, string[] Categorical, string[] Numeric) LendingClub(MLContext mlContext)
        {
            // Text columns by name, every other column of the header a number.
            string path = Path.Combine(AppContext.BaseDirectory, "Data", "lending_club.csv");
            string[] header = File.ReadLines(path).First().Split(',').Select(n => n.Trim('"')).ToArray();
            string[] categorical = { "term", "sub_grade", "addr_state", "verification_status", "emp_length" };
            IDataView loans = mlContext.Data.LoadFromTextFile(path, header.Select((name, i) => new TextLoader.Column(name,
                categorical.Contains(name) || name == "Class" ? DataKind.String : DataKind.Single, i)).ToArray(), separatorChar: ',', hasHeader: true, allowQuoting: true);
            IDataView labelled = mlContext.Transforms.Conversion.MapValue("Label", new Dictionary<string, bool> { ["bad"] = true, ["good"] = false }, "Class")
                .Fit(loans).Transform(loans);
            var split = mlContext.Data.TrainTestSplit(mlContext.Data.Cache(labelled), testFraction: 0.2, seed: 2026);
            return (split.TrainSet, split.TestSet, categorical, header.Where(n => !categorical.Contains(n) && n != "Class").ToArray());
        }

        // A whole Fit (featurization, cache, batching, training, no validation) against the bare loop of the identical network over
        // the same featurized rows already in tensors, both counting training samples per second over the same steps. Each is timed
        // three times, alternately, after a warm-up Fit (JIT compilation, libtorch's first allocations), and the fastest run counts.
        private static string Throughput(MLContext mlContext, IDataView part, int rows, CriteoLikeData clicks, bool quick, Action<string> log)
        {
            const int epochs = 2, repeats = 3;
            var text = new StringBuilder();
            text.AppendLine("### Training throughput (26 categorical + 13 numeric fields, embedding 16, MLP 400-400-400, batch 4096)");
            text.AppendLine();
            text.AppendLine($"Whole Fit on {rows:N0} cached rows for {epochs} epochs without validation, against a bare TorchSharp loop (Adam, the same network " +
                "built by the same code, forward, log loss, backward, step) over the same featurized rows already in memory as tensors, for the same " +
                $"number of steps. Each side is timed {repeats} times, alternately, after a warm-up Fit; the fastest run counts.");
            text.AppendLine();
            text.AppendLine("| model | Fit samples/s | Fit seconds | of which featurizing | bare loop samples/s | bare loop seconds | ratio | target >= 0.9 |");
            text.AppendLine("|---|---|---|---|---|---|---|---|");
            foreach (CtrModel model in new[] { CtrModel.DeepFM, CtrModel.DCNv2 })
            {
                var options = Options(model, clicks.CategoricalColumnNames.ToArray(), clicks.NumericColumnNames.ToArray(), epochs);
                options.ValidationFraction = 0;
                mlContext.BinaryClassification.Trainers.Ctr(options).Fit(mlContext.Data.TakeRows(part, 10_000)).Dispose();
                var host = ((IHostEnvironment)mlContext).Register("benchmark");
                var (featurizer, cache) = NeuralFeaturizer.Learn(host, part, options, NeuralTask.Binary, options.Seed.Value, long.MaxValue);
                double fitSeconds = double.MaxValue, featurizeSeconds = double.NaN, bareSeconds = double.MaxValue;
                for (int repeat = 0; repeat < repeats; repeat++)
                {
                    var (seconds, featurizing, _, _, _) = TimedFit(mlContext, options, part, log);
                    if (seconds < fitSeconds)
                        (fitSeconds, featurizeSeconds) = (seconds, featurizing);
                    bareSeconds = Math.Min(bareSeconds, BareLoop(CtrTrainer.NetworkSpec(options, featurizer), cache, options, epochs));
                }
                cache.Dispose();
                double fitRate = (double)rows * epochs / fitSeconds, bareRate = (double)rows * epochs / bareSeconds;
                log($"Throughput {model}: Fit {fitRate:N0} samples/s, bare {bareRate:N0}");
                text.AppendLine($"| {model} | {fitRate:N0} | {fitSeconds:F1} | {featurizeSeconds:F1} | {bareRate:N0} | {bareSeconds:F1} | {fitRate / bareRate:F2} | {(fitRate / bareRate >= 0.9 ? "met" : "not met")} |");
            }
            text.AppendLine();
            return text.ToString();
        }

        /// <summary>A timed Fit: its seconds, the featurizing's (as the trainer reports them), the just-in-time compilation time (all
        /// threads) in the whole Fit and up to the end of featurizing, and the page faults up to the end of featurizing.</summary>
        internal readonly record struct FitTiming(double Seconds, double Featurizing, double Compiling, double FeaturizingCompiling, long FeaturizingFaults);

        internal static FitTiming TimedFit(MLContext mlContext, CtrTrainer.Options options, IDataView data, Action<string> log)
        {
            double featurizing = double.NaN, featurizingCompiling = double.NaN;
            long featurizingFaults = 0;
            TimeSpan compiled = JitInfo.GetCompilationTime();
            long faults = Timing.PageFaults();
            void Listen(object sender, LoggingEventArgs e)
            {
                var match = Regex.Match(e.Message, @"Featurized \d+ rows in ([\d.]+) s");
                if (match.Success)
                {
                    featurizing = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                    featurizingCompiling = (JitInfo.GetCompilationTime() - compiled).TotalSeconds;
                    featurizingFaults = Timing.PageFaults() - faults;
                }
                if (e.Message.Contains("Epoch ", StringComparison.Ordinal) || match.Success)
                    log(e.Message);
            }
            mlContext.Log += Listen;
            var watch = Stopwatch.StartNew();
            mlContext.BinaryClassification.Trainers.Ctr(options).Fit(data).Dispose();
            double seconds = watch.Elapsed.TotalSeconds;
            mlContext.Log -= Listen;
            return new FitTiming(seconds, featurizing, (JitInfo.GetCompilationTime() - compiled).TotalSeconds, featurizingCompiling, featurizingFaults);
        }

        // Seconds for the identical network (same spec, same seed) to train for the given epochs on the cached rows, already batched
        // into tensors in order: network creation, forward, log loss, backward, Adam step.
        internal static double BareLoop(NetworkSpec spec, FeaturizedRows cache, CtrTrainer.Options options, int epochs)
        {
            // The trainer's own batch gatherer, outside any dispose scope: the tensors stay for every epoch.
            var gather = new TensorBatch(options.BatchSize, cache.IdWidth, cache.NumericFields);
            int[] order = Enumerable.Range(0, cache.Rows).ToArray();
            var batches = new List<(Tensor Ids, Tensor Numeric, Tensor Labels)>();
            for (int start = 0; start < cache.Rows; start += options.BatchSize)
            {
                ReadOnlySpan<int> rows = order.AsSpan(start, Math.Min(options.BatchSize, cache.Rows - start));
                var (ids, numeric) = gather.Inputs(cache, rows, torch.CPU);
                batches.Add((ids, numeric, gather.Targets(cache, rows, torch.CPU).Labels));
            }
            var watch = Stopwatch.StartNew();
            torch.manual_seed(options.Seed.Value);
            using (NeuralNetwork network = NeuralNetwork.Create(spec))
            using (var optimizer = torch.optim.Adam(network.parameters(), lr: options.LearningRate))
            {
                network.train();
                for (int epoch = 0; epoch < epochs; epoch++)
                {
                    foreach (var (ids, numeric, labels) in batches)
                    {
                        using var scope = NewDisposeScope();
                        Tensor loss = nn.functional.binary_cross_entropy_with_logits(network.forward(ids, numeric).squeeze(-1), labels);
                        optimizer.zero_grad();
                        loss.backward();
                        optimizer.step();
                        loss.item<float>();
                    }
                }
            }
            double seconds = watch.Elapsed.TotalSeconds;
            foreach (var (ids, numeric, labels) in batches)
            {
                ids.Dispose();
                numeric.Dispose();
                labels.Dispose();
            }
            return seconds;
        }

        public sealed class Prediction
        {
            public float Probability { get; set; }
        }

        private static string Scoring(MLContext mlContext, IDataView train, IDataView scoreRows, int rows, CriteoLikeData clicks, Action<string> log)
        {
            CriteoRow[] objects = mlContext.Data.CreateEnumerable<CriteoRow>(scoreRows, reuseRowObject: false).ToArray();
            var text = new StringBuilder();
            text.AppendLine("### Scoring");
            text.AppendLine();
            text.AppendLine($"{rows:N0} cached rows scored by `Transform` (batches of 2,048 through the network, the next batch featurized while the " +
                "network runs) and by a `PredictionEngine` loop (one forward pass per row); models trained for one epoch on 20,000 rows with the " +
                "settings above. \"Network alone\" is the ceiling for batched scoring: the same architecture's forward passes over the rows already " +
                "featurized in memory, so no batched path can pass network alone / PredictionEngine (the ceiling column). PredictionEngine: best of 3 runs. " +
                "Transform and network alone: warm (each run once first), best of 5 runs, alternating, so both see the same share of a busy machine.");
            text.AppendLine();
            text.AppendLine("| model | Transform rows/s | network alone rows/s | Transform / network alone | target >= 0.9 | PredictionEngine rows/s | ratio | ceiling | target >= 20x |");
            text.AppendLine("|---|---|---|---|---|---|---|---|---|");
            var host = ((IHostEnvironment)mlContext).Register("benchmark");
            foreach (CtrModel kind in new[] { CtrModel.DeepFM, CtrModel.DCNv2, CtrModel.FM })
            {
                var options = Options(kind, clicks.CategoricalColumnNames.ToArray(), clicks.NumericColumnNames.ToArray(), 1);
                options.ValidationFraction = 0;
                using CtrTransformer model = mlContext.BinaryClassification.Trainers.Ctr(options).Fit(mlContext.Data.TakeRows(train, 20_000));
                var engine = mlContext.Model.CreatePredictionEngine<CriteoRow, Prediction>(model);
                double single = Timing.BestOf(3, () =>
                {
                    foreach (CriteoRow row in objects)
                        engine.Predict(row);
                });
                var (featurizer, featurized) = NeuralFeaturizer.Learn(host, scoreRows, options, NeuralTask.Binary, options.Seed.Value, long.MaxValue);
                double batched = double.MaxValue, network = double.MaxValue;
                using (featurized)
                using (NeuralNetwork alone = NeuralNetwork.Create(CtrTrainer.NetworkSpec(options, featurizer)))
                {
                    var batch = new TensorBatch(2048, featurized.IdWidth, featurized.NumericFields);
                    // Warm: each path once before the clock, then alternating.
                    model.Transform(scoreRows).GetColumn<float>("Probability").Count();
                    TrainingLoop.Predict(alone, featurized, batch, torch.CPU);
                    for (int r = 0; r < 5; r++)
                    {
                        batched = Math.Min(batched, Timing.BestOf(1, () => model.Transform(scoreRows).GetColumn<float>("Probability").Count()));
                        network = Math.Min(network, Timing.BestOf(1, () => TrainingLoop.Predict(alone, featurized, batch, torch.CPU)));
                    }
                }
                log($"Scoring {kind}: batched {rows / batched:N0} rows/s, network alone {rows / network:N0}, PredictionEngine {rows / single:N0} rows/s");
                text.AppendLine($"| {kind} | {rows / batched:N0} | {rows / network:N0} | {network / batched:F2} | {(network / batched >= 0.9 ? "met" : "not met")} | " +
                    $"{rows / single:N0} | {single / batched:F1}x | {single / network:F1}x | {(single / batched >= 20 ? "met" : "not met")} |");
            }
            text.AppendLine();
            return text.ToString();
        }
    }
}
