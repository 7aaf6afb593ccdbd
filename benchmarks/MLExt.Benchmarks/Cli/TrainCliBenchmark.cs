using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML;
using MLExt.Cli.Commands;
using MLExt.Cli.Data;
using MLExt.Cli.Training;

namespace MLExt.Benchmarks.Cli
{
    /// <summary>
    /// <c>mlext train --time-budget 60</c> against the single best trainer at its defaults, on the same rows: each real data set
    /// is split 80/20 three times (seeded shuffles); the tool trains on the 80% file with nothing more held out
    /// (<c>--test-fraction 0</c>) and <c>mlext evaluate</c> scores the 20% file, while each trainer the sweep starts from (the
    /// same pipelines, defaults) is fitted in process on the 80% and scored on the 20%. The best of those is chosen on the test
    /// rows themselves, which favours the peer.
    /// </summary>
    internal static class TrainCliBenchmark
    {
        private const int Splits = 3;

        public static string Run(bool quick, Action<string> log)
        {
            int budget = quick ? 15 : 60;
            var report = new StringBuilder();
            report.AppendLine("## mlext train beside the best default trainer");
            report.AppendLine();
            report.AppendLine($"`mlext train --time-budget {budget}` (a fresh process, end to end) on 80% of the rows with `--test-fraction 0`, scored on the other 20% with `mlext evaluate`; " +
                $"each of the sweep's trainers at its defaults fitted on the same 80% and scored on the same 20%; {Splits} seeded 80/20 splits per data set. " +
                "\"Best default\" picks, per split, the default trainer with the highest test AUC (an oracle choice that favours the peer).");
            report.AppendLine();
            report.AppendLine("| data | split | mlext train AUC | trainer it chose | wall s | best default AUC | best default | " +
                string.Join(" | ", TrainerCandidates.All.Where(c => c.Tasks.Contains(ModelTask.Binary)).Select(c => c.Name)) + " |");
            report.AppendLine("|---|---|---|---|---|---|---|" + string.Concat(Enumerable.Repeat("---|", TrainerCandidates.All.Count(c => c.Tasks.Contains(ModelTask.Binary)))));
            string folder = Path.Combine(Path.GetTempPath(), "mlext-train-benchmark-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            var summary = new List<string>();
            try
            {
                foreach (var (name, label) in new[] { ("lending_club", "Class"), ("mlc_churn", "churn") })
                {
                    string[] lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Data", name + ".csv"));
                    var ours = new List<double>();
                    var peers = new List<double>();
                    for (int split = 1; split <= Splits; split++)
                    {
                        string[] rows = lines.Skip(1).ToArray();
                        var random = new Random(split);
                        for (int i = rows.Length - 1; i > 0; i--)
                        {
                            int j = random.Next(i + 1);
                            (rows[i], rows[j]) = (rows[j], rows[i]);
                        }
                        int trainCount = (int)(rows.Length * 0.8);
                        string train = Path.Combine(folder, $"{name}-{split}-train.csv"), test = Path.Combine(folder, $"{name}-{split}-test.csv");
                        File.WriteAllLines(train, rows.Take(trainCount).Prepend(lines[0]));
                        File.WriteAllLines(test, rows.Skip(trainCount).Prepend(lines[0]));

                        var defaults = Defaults(train, test, label, split);
                        var (best, bestAuc) = defaults.OrderByDescending(d => d.Value).First();
                        string model = Path.Combine(folder, $"{name}-{split}.zip");
                        var watch = Stopwatch.StartNew();
                        string trained = Mlext("train", train, "--label", label, "--model", model, "--time-budget", budget.ToString(CultureInfo.InvariantCulture),
                            "--test-fraction", "0", "--seed", split.ToString(CultureInfo.InvariantCulture));
                        double wall = watch.Elapsed.TotalSeconds;
                        string chosen = Regex.Match(trained, @"Best: trial \d+, (\w+)").Groups[1].Value;
                        double auc = double.Parse(Regex.Match(Mlext("evaluate", model, test, "--label", label), @"AUC ([0-9.]+)").Groups[1].Value, CultureInfo.InvariantCulture);
                        ours.Add(auc);
                        peers.Add(bestAuc);
                        log($"mlext train on {name} split {split}: AUC {auc:F4} ({chosen}, {wall:F0} s); best default {best} {bestAuc:F4}");
                        report.AppendLine($"| {name} | {split} | {auc:F4} | {chosen} | {wall:F0} | {bestAuc:F4} | {best} | {string.Join(" | ", defaults.Values.Select(v => v.ToString("F4", CultureInfo.InvariantCulture)))} |");
                    }
                    summary.Add($"{name}: mlext train {ours.Average():F4} against the best default {peers.Average():F4} on average ({ours.Zip(peers).Count(p => Math.Round(p.First, 4) >= Math.Round(p.Second, 4))} of {Splits} splits at least as good to 4 decimals)");
                }
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
            report.AppendLine();
            report.AppendLine(string.Join("; ", summary) + ".");
            report.AppendLine();
            return report.ToString();
        }

        // Each binary trainer of the sweep at its defaults, fitted on the training file as mlext train reads it, scored on the test file.
        private static Dictionary<string, double> Defaults(string trainPath, string testPath, string label, int seed)
        {
            var mlContext = new MLContext(seed);
            using DataFile trainFile = DataFile.Open(trainPath), testFile = DataFile.Open(testPath);
            IDataView train = mlContext.Data.Cache(trainFile.Load(mlContext));
            IDataView test = testFile.Load(mlContext, train.Schema);
            IEstimator<ITransformer> mapping = LabelClasses.Read(train, label).Mapping(mlContext, ModelTask.Binary, "Label");
            ITransformer mapper = mapping.Fit(train);
            IDataView labelledTrain = mlContext.Data.Cache(mapper.Transform(train)), labelledTest = mapper.Transform(test);
            int labelIndex = trainFile.IndexOf(label);
            var data = new TrialData(ModelTask.Binary, "Label", trainFile.Features(labelIndex, numeric: false), trainFile.Features(labelIndex, numeric: true), seed);
            var aucs = new Dictionary<string, double>();
            foreach (TrainerCandidate candidate in TrainerCandidates.All.Where(c => c.Tasks.Contains(ModelTask.Binary)))
            {
                ITransformer model = candidate.Fit(new MLContext(seed), data, labelledTrain, validation: null, point: null, out _);
                aucs[candidate.Name] = TaskMetrics.Evaluate(mlContext, model.Transform(labelledTest), "Label", ModelTask.Binary).Primary;
            }
            return aucs;
        }

        private static string Mlext(params string[] arguments)
            => CliProcess.Run("dotnet", new[] { Path.Combine(AppContext.BaseDirectory, "mlext.dll") }.Concat(arguments)).Output;
    }
}
