using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML;
using MLExt.Cli.Data;
using MLExt.Cli.Training;
using Spectre.Console;

namespace MLExt.Cli.Commands
{
    /// <summary>
    /// <c>mlext train DATA --label COL --model OUT.zip</c>: infers the columns' types and the task, sweeps MLExt's and ML.NET's
    /// trainers over their declared search spaces within a time budget, and writes the best pipeline, its held-out metrics and
    /// the C# code that loads it.
    /// </summary>
    internal static class TrainCommand
    {
        // Time kept back from the sweep to refit the best trial on all the training rows, as a multiple of the refit's expected
        // time (a margin for the machine's variations), and a second more for evaluating and saving.
        private const double RefitReserve = 1.25;

        // Characters of a trial's settings the leaderboard table shows.
        private const int SettingsShown = 28;

        public static Command Create(IAnsiConsole console)
        {
            var data = DataFile.Argument();
            var label = new Option<string>("--label") { Description = "The column to predict.", Required = true };
            var model = new Option<string>("--model") { Description = "The model zip to write (a C# file that uses it is written beside it).", Required = true };
            var task = new Option<ModelTask?>("--task") { Description = "binary, multiclass or regression; by default inferred from the label: two values are binary, more text values multiclass, more numbers regression." };
            var trainer = new Option<string>("--trainer") { Description = $"Sweep one trainer only: {string.Join(", ", TrainerCandidates.All.Select(c => c.Name))}." };
            var budget = new Option<int>("--time-budget") { Description = "Seconds for the sweep.", DefaultValueFactory = _ => 60 };
            var testFraction = new Option<double>("--test-fraction") { Description = "Share of the rows held out to test the final model; 0 holds none out (the model learns from every row, and no test metrics are printed).", DefaultValueFactory = _ => 0.2 };
            var maxTrials = new Option<int?>("--max-trials") { Description = "Stop the sweep after this many trials, even with time left (default: as many as the budget allows)." };
            var seed = new Option<int>("--seed") { Description = "Seed of the splits, the sweep and the trainers.", DefaultValueFactory = _ => 1 };
            var command = new Command("train", """
                Train a model on a file. Infers the column types and the task, then sweeps
                LightGBM, FastTree, elastic net, MLExt's CTR networks and TabularNet over
                their declared search spaces within the time budget: each trainer's
                defaults first, then seeded random settings, scored by 3-fold
                cross-validation below 20,000 rows (else on a validation split). A trial
                whose first fit scores below the median stops there, and one that takes
                4x its trainer's default time is stopped. Shows the leaderboard as it
                goes, refits the best on all training rows, prints its held-out test
                metrics, and writes the model zip and a C# file that loads it.

                Examples:
                  mlext train loans.csv --label Class --model loans.zip
                  mlext train churn.csv --label churn --model churn.zip \
                    --time-budget 300 --trainer lightgbm
                  mlext train houses.tsv --label price --task regression \
                    --model price.zip --test-fraction 0.1
                  mlext train day_0.txt.gz --label Label --model criteo.zip
                """)
            {
                data, label, model, task, trainer, budget, testFraction, maxTrials, seed,
            };
            command.SetAction(parsed => Run(console, parsed.GetValue(data), parsed.GetValue(label), parsed.GetValue(model), parsed.GetValue(task),
                parsed.GetValue(trainer), parsed.GetValue(budget), parsed.GetValue(testFraction), parsed.GetValue(maxTrials), parsed.GetValue(seed)));
            return command;
        }

        internal static int Run(IAnsiConsole console, string path, string label, string modelPath, ModelTask? requestedTask, string trainerName,
            int budgetSeconds, double testFraction, int? maxTrials, int seed)
        {
            return CommandErrors.Report(console, () =>
            {
                var clock = Stopwatch.StartNew();
                if (budgetSeconds < 1)
                    throw new CliException($"--time-budget is {budgetSeconds}; give at least 1 second.");
                if (maxTrials < 1)
                    throw new CliException($"--max-trials is {maxTrials}; give at least 1.");
                if (!(testFraction >= 0 && testFraction < 0.9))
                    throw new CliException($"--test-fraction is {testFraction.ToString(CultureInfo.InvariantCulture)}; it must be at least 0 and below 0.9.");
                TrainerCandidate[] candidates = TrainerCandidates.All
                    .Where(c => trainerName == null || c.Name.Equals(trainerName, StringComparison.OrdinalIgnoreCase)).ToArray();
                if (candidates.Length == 0)
                    throw new CliException($"No trainer is named '{trainerName}'. The trainers are: {string.Join(", ", TrainerCandidates.All.Select(c => c.Name))}.");

                using DataFile file = DataFile.Open(path);
                int labelIndex = file.IndexOf(label);
                file.RequireRows();
                if (file.Columns.Length < 2)
                    throw new CliException($"'{path}' has no column besides the label '{label}' to learn from.");
                file.ReportTypes(console, labelIndex, "numeric columns");

                var mlContext = new MLContext(seed);
                IDataView rows = mlContext.Data.Cache(file.Load(mlContext));
                LabelClasses classes = LabelClasses.Read(rows, label);
                ModelTask task = classes.Choose(requestedTask);
                candidates = candidates.Where(c => c.Tasks.Contains(task)).ToArray();
                if (candidates.Length == 0)
                    throw new CliException($"The {trainerName} trainer does not do {Lower(task)} tasks; these do: {string.Join(", ", TrainerCandidates.All.Where(c => c.Tasks.Contains(task)).Select(c => c.Name))}.");
                console.WriteLine(TaskLine(classes, task));

                // The trainers' label column, made outside the saved model, so that scoring a file without the label works.
                string trainerLabel = file.Columns.Contains("Label") && label != "Label" ? "Label.Trained" : "Label";
                IDataView labelled = classes.Mapping(mlContext, task, trainerLabel).Fit(rows).Transform(rows);
                var (trainPart, testPart) = testFraction > 0 ? Split(mlContext, labelled, testFraction, seed) : (labelled, null);
                IDataView trainAll = mlContext.Data.Cache(trainPart);
                long trainAllRows = DataFile.CountRows(trainAll), testRows = file.RowCount - trainAllRows;

                var data = new TrialData(task, trainerLabel, file.Features(labelIndex, numeric: false), file.Features(labelIndex, numeric: true), seed);
                var sweep = new Sweep(mlContext, candidates, data, trainAll, trainAllRows);
                console.WriteLine($"Rows: {trainAllRows:N0} to train, {testRows:N0} held out to test. Trials are scored by {sweep.Scoring}.");
                string metricName = (sweep.CrossValidated ? "cross-validated " : "validation ") + TaskMetrics.PrimaryName(task);
                var budget = TimeSpan.FromSeconds(budgetSeconds);
                console.WriteLine($"Sweeping {string.Join(", ", candidates.Select(c => c.Name))} for {budgetSeconds} s, ranked by {metricName}.");
                List<Trial> trials = RunWithLeaderboard(console, sweep, clock, budget, maxTrials ?? int.MaxValue, metricName);

                Trial best = Sweep.Best(trials);
                if (best == null)
                    throw new CliException(NoTrialFinished(trials, budgetSeconds));
                Trial stopped = trials.LastOrDefault(t => t.Outcome == TrialOutcome.StoppedAtBudget);
                if (stopped != null)
                    console.WriteLine($"The time budget ran out during trial {stopped.Number} ({stopped.Candidate.Name}): it was stopped, and the best finished trial is kept.");
                console.WriteLine($"Best: trial {best.Number}, {best.Candidate.Name} ({best.Settings}), {metricName} {best.Metric:F4}.");

                ITransformer model = Refit(console, sweep, best, trainAll, trainAllRows, budget - clock.Elapsed);
                string quality = $"{metricName} {best.Metric:F4} (no rows held out)";
                if (testPart != null)
                {
                    string line = TaskMetrics.Evaluate(mlContext, model.Transform(testPart), trainerLabel, task).Line;
                    console.WriteLine($"Held-out test ({testRows:N0} rows): {line}");
                    quality = "held-out " + line;
                }

                // A multiclass model predicts the class itself, not its key, as Model Builder's do.
                if (task == ModelTask.Multiclass)
                    model = model.Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(model.Transform(trainAll)));
                string folder = Path.GetDirectoryName(Path.GetFullPath(modelPath));
                Directory.CreateDirectory(folder);
                mlContext.Model.Save(model, rows.Schema, modelPath);
                string code = ConsumptionCode.Write(modelPath, rows.Schema, task, classes.Numeric,
                    $"Predicts '{label}' of {Path.GetFileName(path)} ({Lower(task)}, {best.Candidate.Name}); {quality}.",
                    best.Candidate.Packages);
                console.WriteLine($"Wrote {modelPath} ({new FileInfo(modelPath).Length / 1024.0:N0} KB) and {code} in {clock.Elapsed.TotalSeconds:F0} s.");
            });
        }

        private static string TaskLine(LabelClasses classes, ModelTask task)
        {
            string values = classes.CountedAll ? $"{classes.Values.Count:N0} values" : "over 1,000 values";
            return task switch
            {
                ModelTask.Binary => $"Task: binary, '{classes.PositiveClass}' is the positive class ({classes.Share(classes.PositiveClass):P1} of rows).",
                ModelTask.Multiclass => $"Task: multiclass, {classes.Values.Count} classes ({string.Join(", ", classes.Values.Take(10))}{(classes.Values.Count > 10 ? ", ..." : "")}).",
                _ => $"Task: regression ('{classes.Column}' has {values}{(classes.CountedAll ? "; --task multiclass would treat them as classes" : "")}).",
            };
        }

        // An interactive terminal redraws one leaderboard table as trials finish; redirected output gets a line per trial. Both
        // end with the finished trials best first.
        private static List<Trial> RunWithLeaderboard(IAnsiConsole console, Sweep sweep, Stopwatch clock, TimeSpan budget, int maxTrials, string metricName)
        {
            TimeSpan Reserve(Trial best) => best.Duration * (sweep.RefitTimeShare * RefitReserve) + TimeSpan.FromSeconds(1);
            List<Trial> trials;
            if (console.Profile.Capabilities.Interactive)
            {
                Table live = Leaderboard(metricName, "Trials so far");
                trials = console.Live(live).Start(context => sweep.Run(clock, budget, Reserve, maxTrials, trial =>
                {
                    AddRow(live, trial);
                    context.Refresh();
                }));
            }
            else
                trials = sweep.Run(clock, budget, Reserve, maxTrials, trial => console.WriteLine(
                    $"trial {trial.Number}: {trial.Candidate.Name}, {Outcome(trial)}{(double.IsNaN(trial.Metric) ? "" : $", {metricName} {trial.Metric:F4}")}, {trial.Duration.TotalSeconds:F1} s ({trial.Settings})"));
            Table ranked = Leaderboard(metricName, "Leaderboard (finished trials, best first)");
            foreach (Trial trial in trials.Where(t => t.Outcome == TrialOutcome.Finished).OrderByDescending(t => t.Metric).ThenBy(t => t.Number).Take(10))
                AddRow(ranked, trial);
            console.Write(ranked);
            return trials;
        }

        private static Table Leaderboard(string metricName, string title)
        {
            var table = new Table().Title(title);
            foreach (string heading in new[] { "trial", "trainer", metricName, "seconds", "outcome", "settings" })
                table.AddColumn(heading);
            return table;
        }

        private static void AddRow(Table table, Trial trial) => table.AddRow(new Text(trial.Number.ToString(CultureInfo.InvariantCulture)), new Text(trial.Candidate.Name),
            new Text(double.IsNaN(trial.Metric) ? "" : trial.Metric.ToString("F4", CultureInfo.InvariantCulture)),
            new Text(trial.Duration.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)), new Text(Outcome(trial)),
            // The settings cut short, so that a row fits a terminal's line; the trial lines and the "Best" line give them whole.
            new Text(trial.Settings.Length <= SettingsShown ? trial.Settings : trial.Settings[..(SettingsShown - 1)] + "…"));

        private static string Outcome(Trial trial) => trial.Outcome switch
        {
            TrialOutcome.Finished => "finished",
            TrialOutcome.StoppedEarly => "stopped early (its first fit below the median)",
            TrialOutcome.StoppedAtBudget => "stopped at the time budget",
            TrialOutcome.StoppedSlow => $"stopped at {Sweep.SlowerThanDefaults}x its defaults' time",
            _ => "failed: " + trial.Failure,
        };

        private static string NoTrialFinished(List<Trial> trials, int budgetSeconds)
        {
            Trial first = trials.FirstOrDefault();
            if (first == null || first.Outcome == TrialOutcome.StoppedAtBudget)
                return $"The time budget of {budgetSeconds} s was too short to finish one trial{(first == null ? "" : $": {first.Candidate.Name} was stopped after {first.Duration.TotalSeconds:F0} s")}. " +
                    "Give a longer --time-budget.";
            return "No trial finished: " + string.Join("; ", trials.Where(t => t.Outcome == TrialOutcome.Failed).Select(t => $"{t.Candidate.Name}: {t.Failure}").Distinct());
        }

        // The best trial's settings trained again on all the training rows (its validation rows too), where the budget leaves time.
        private static ITransformer Refit(IAnsiConsole console, Sweep sweep, Trial best, IDataView trainAll, long trainAllRows, TimeSpan left)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                if (left > TimeSpan.Zero)
                {
                    ITransformer model = sweep.Train(best.Candidate, best.Point, trainAll, validation: null, left, out _);
                    console.WriteLine($"Refitted on all {trainAllRows:N0} training rows in {clock.Elapsed.TotalSeconds:F1} s.");
                    return model;
                }
            }
            catch (Exception) when (clock.Elapsed >= left)
            {
                // Cancelled at the budget's end: fall through to the trial's model.
            }
            console.WriteLine("No time was left to refit on all the training rows: the trial's model is kept.");
            return best.Model;
        }

        private static (IDataView Train, IDataView Test) Split(MLContext mlContext, IDataView data, double testFraction, int seed)
        {
            DataOperationsCatalog.TrainTestData split = mlContext.Data.TrainTestSplit(data, testFraction, seed: seed);
            return (split.TrainSet, split.TestSet);
        }

        private static string Lower(ModelTask task) => task.ToString().ToLowerInvariant();
    }
}
