using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.ML;
using MLExt.Data;
using MLExt.Transforms;
using MLExt.Transforms.QuickSelecting.Core;

namespace MLExt.Benchmarks.QuickSelection
{
    /// <summary>
    /// QuickSelection beside its authors' code (Sparse_DAE.py, run where <c>QUICKSELECTION_REFERENCE</c> names its folder with the
    /// Cython module built): the same training rows, scaled alike, three seeds, and the selected features scored the paper's way
    /// (extra trees, 50 trees, trained on the 80% and scored on the held-out 20%) and by LightGBM; then MLExt's departures from
    /// the authors' training, one at a time, to show which of them cost quality.
    /// </summary>
    internal static class AuthorsComparison
    {
        private const string ReferenceVariable = "QUICKSELECTION_REFERENCE";
        private const string PythonVariable = "QUICKSELECTION_PYTHON";
        // The small sets' held-out parts are a few hundred rows, where one seed's accuracy moves by a point or more: they get
        // ten seeds beside the authors', so that a gap can be told from seed noise; the departures are ablated on seeds 1-3.
        private const int AblationSeeds = 3;

        private sealed record DataSet(string Name, float[][] Train, int[] TrainLabels, float[][] Test, int[] TestLabels, int Keep, bool Images, int[] Seeds);

        private static readonly (string Name, TrainingDepartures Departures)[] Variants =
        {
            ("authors' way (default)", new TrainingDepartures()),
            ("Glorot-uniform weights", new TrainingDepartures(GlorotUniformWeights: true)),
            ("fresh noise per batch", new TrainingDepartures(FreshNoisePerBatch: true)),
            ("inverted dropout", new TrainingDepartures(InvertedDropout: true)),
            ("decay through the gradient", new TrainingDepartures(DecayThroughGradient: true)),
            ("rank the final weights", new TrainingDepartures(RankFinalWeights: true)),
            ("all five (MLExt before)", new TrainingDepartures(true, true, true, true, true)),
        };

        public static string Run(bool quick, Action<string> log)
        {
            int epochs = quick ? 5 : 100;
            string reference = Environment.GetEnvironmentVariable(ReferenceVariable);
            string python = Environment.GetEnvironmentVariable(PythonVariable) ?? "python3";
            bool haveReference = reference != null && File.Exists(Path.Combine(reference, "Sparse_DAE.py"));
            if (!haveReference)
                log($"{ReferenceVariable} does not name a folder with the authors' Sparse_DAE.py: their side is skipped.");

            var glyphs = new GlyphImageData(new GlyphImageDataOptions { RowCount = quick ? 2000 : 12000, Seed = 3 });
            var (digits, digitLabels) = QuickSelectionBenchmark.LoadDigits();
            var madelon = new MadelonLikeData(new MadelonLikeDataOptions { Seed = 4 });
            DataSet[] sets =
            {
                Split($"generated glyph images ({glyphs.Features.Length:N0} x 784)", glyphs.Features, glyphs.Labels, 50, true, 3),
                Split("digits (1,797 x 64, real)", digits, digitLabels.Select(l => (int)l).ToArray(), 20, true, quick ? 3 : 10),
                Split("Madelon-style (2,600 x 500)", madelon.Features, madelon.Labels.Select(l => l ? 1 : 0).ToArray(), 20, false, quick ? 3 : 10),
            };

            var report = new StringBuilder();
            report.AppendLine("## QuickSelection beside the authors' code");
            report.AppendLine();
            report.AppendLine($"Each data set split 80/20 once (seed 42); selection on the 80% scaled as named (standard: zero mean, unit variance; min-max: to [0, 1]), " +
                $"the paper's settings ({epochs} epochs, 1000 hidden units, epsilon 13, zeta 0.2, noise 0.2, dropout 0.2, batch 100, learning rate 0.01, momentum 0.9, " +
                $"weight decay 1e-5), seeds 1 to {sets[0].Seeds.Length} on the images and 1 to {sets[1].Seeds.Length} on the two small sets. Accuracy: extra trees (50 trees, scikit-learn's defaults, as the paper scores) and LightGBM (ML.NET's defaults), " +
                "trained on the 80% with the selected columns and scored on the 20%; means over the seeds, ± their standard error. " +
                (haveReference
                    ? "The authors' code: Sparse_DAE.py of zahraatashgahi/QuickSelection (float64, its Cython sparse operations), driven by benchmarks/MLExt.Benchmarks/QuickSelection/reference_quickselection.py with a linear output layer on every set, ranked on the input strengths of the w1 its fit saves."
                    : $"The authors' code was not run ({ReferenceVariable} unset)."));
            report.AppendLine();
            report.AppendLine("| data | scaling | selector | seconds per epoch | extra-trees accuracy | LightGBM accuracy | same features as the authors' (of k) | near-blank pixels chosen |");
            report.AppendLine("|---|---|---|---|---|---|---|---|");
            var ablation = new StringBuilder();
            ablation.AppendLine($"### MLExt's departures from the authors' training, one at a time (extra-trees accuracy, mean of seeds 1-{AblationSeeds})");
            ablation.AppendLine();
            ablation.AppendLine("| data | scaling | " + string.Join(" | ", Variants.Select(v => v.Name)) + " |");
            ablation.AppendLine("|---|---|" + string.Concat(Variants.Select(_ => "---|")));
            var verdicts = new List<string>();

            foreach (DataSet set in sets)
            {
                bool[] nearBlank = set.Images ? NearBlank(set.Train) : null;
                var variance = UnsupervisedBaselines.ByVariance(set.Train, set.Keep);
                foreach (QuickSelectionScaling scaling in new[] { QuickSelectionScaling.Standard, QuickSelectionScaling.MinMax })
                {
                    float[][] scaled = set.Train.Select(r => (float[])r.Clone()).ToArray();
                    bool[] constant = InputScaler.ScaleInPlace(scaled, scaling);
                    var authors = new List<(int[] Chosen, double Seconds)>();
                    if (haveReference)
                        foreach (int seed in set.Seeds)
                        {
                            authors.Add(RunAuthors(python, reference, scaled, constant, set.Keep, seed, epochs));
                            log($"{set.Name}, {scaling}, seed {seed}: the authors' code {authors[^1].Seconds:F2} s per epoch");
                        }
                    var cells = new List<string>();
                    double faithful = 0, faithfulError = 0, faithfulSeconds = 0;
                    foreach (var (variant, departures) in Variants)
                    {
                        bool isDefault = departures == Variants[0].Departures;
                        var runs = set.Seeds.Take(isDefault ? set.Seeds.Length : AblationSeeds).Select(seed => RunMLExt(scaled, constant, set.Keep, seed, epochs, departures)).ToArray();
                        double[] accuracies = runs.Select(r => TreesAccuracy(set, r.Chosen, r.Seed)).ToArray();
                        cells.Add($"{accuracies.Take(AblationSeeds).Average():F3}");
                        log($"{set.Name}, {scaling}, {variant}: extra trees {accuracies.Average():F3}");
                        if (!isDefault)
                            continue;
                        faithful = accuracies.Average();
                        faithfulError = StandardError(accuracies);
                        faithfulSeconds = runs.Average(r => r.Seconds);
                        double lightGbm = runs.Average(r => LightGbmAccuracy(set, r.Chosen));
                        string overlap = authors.Count == 0 ? "" : $"{runs.Select((r, i) => r.Chosen.Intersect(authors[i].Chosen).Count()).Average():F1}";
                        report.AppendLine($"| {set.Name} | {scaling} | MLExt | {runs.Average(r => r.Seconds):F3} | {faithful:F3} ± {faithfulError:F3} | {lightGbm:F3} | {overlap} | {Blank(runs.Select(r => r.Chosen), nearBlank)} |");
                    }
                    if (authors.Count > 0)
                    {
                        double[] accuracies = authors.Select((a, i) => TreesAccuracy(set, a.Chosen, set.Seeds[i])).ToArray();
                        double trees = accuracies.Average(), treesError = StandardError(accuracies);
                        double lightGbm = authors.Average(a => LightGbmAccuracy(set, a.Chosen));
                        report.AppendLine($"| {set.Name} | {scaling} | authors' code | {authors.Average(a => a.Seconds):F3} | {trees:F3} ± {treesError:F3} | {lightGbm:F3} | | {Blank(authors.Select(a => a.Chosen), nearBlank)} |");
                        double speed = authors.Average(a => a.Seconds) / faithfulSeconds;
                        // The gap against its standard error (the two sides' errors combined) says whether seed noise could explain it.
                        double gapError = Math.Sqrt(faithfulError * faithfulError + treesError * treesError);
                        verdicts.Add($"{set.Name}, {scaling}: extra-trees accuracy MLExt {faithful:F3}, the authors' {trees:F3} ({(faithful >= trees - 0.002 ? "met" : "not met")}; " +
                            $"difference {Math.Round(faithful - trees, 3):+0.000;-0.000;0.000} ± {gapError:F3}); " +
                            $"MLExt {speed:F1}x faster per epoch{(set.Train[0].Length == 784 ? $" (target >= 4x at d = 784: {(speed >= 4 ? "met" : "not met")})" : "")}.");
                    }
                    ablation.AppendLine($"| {set.Name} | {scaling} | {string.Join(" | ", cells)} |");
                }
                report.AppendLine($"| {set.Name} | | {set.Keep} largest variance | | {TreesAccuracy(set, variance, 1):F3} | {LightGbmAccuracy(set, variance):F3} | | {Blank(new[] { variance }, nearBlank)} |");
                int[] all = Enumerable.Range(0, set.Train[0].Length).ToArray();
                report.AppendLine($"| {set.Name} | | all {all.Length} features | | {TreesAccuracy(set, all, 1):F3} | {LightGbmAccuracy(set, all):F3} | | |");
            }
            report.AppendLine();
            report.AppendLine("Near-blank pixels: non-zero in under 5% of the training images (mean per seed). Target: MLExt's extra-trees accuracy at least the authors' minus 0.002 with both scalings.");
            report.AppendLine();
            foreach (string verdict in verdicts)
                report.AppendLine($"- {verdict}");
            report.AppendLine();
            report.Append(ablation);
            report.AppendLine();
            return report.ToString();
        }

        private static DataSet Split(string name, float[][] rows, int[] labels, int keep, bool images, int seeds)
        {
            int[] order = Enumerable.Range(0, rows.Length).ToArray();
            new Random(42).Shuffle(order);
            int train = (int)(0.8 * rows.Length);
            return new DataSet(name, order[..train].Select(i => rows[i]).ToArray(), order[..train].Select(i => labels[i]).ToArray(),
                order[train..].Select(i => rows[i]).ToArray(), order[train..].Select(i => labels[i]).ToArray(), keep, images, Enumerable.Range(1, seeds).ToArray());
        }

        private static (int[] Chosen, double Seconds, int Seed) RunMLExt(float[][] scaled, bool[] constant, int keep, int seed, int epochs, TrainingDepartures departures)
        {
            var settings = new AutoencoderSettings(Hidden: 1000, Epsilon: 13, Zeta: 0.2, NoiseFactor: 0.2, Epochs: epochs, BatchSize: 100,
                LearningRate: 0.01f, Momentum: 0.9f, WeightDecay: 1e-5f, HiddenDropout: 0.2, departures);
            // As QuickSelectionEstimator.Fit does from its seed.
            var random = new Random(seed);
            var (encoder, decoder) = AutoencoderTraining.InitialLayers(scaled[0].Length, settings, random);
            using var backend = new SparseAutoencoder(encoder, decoder, settings);
            var watch = Stopwatch.StartNew();
            float[] strengths = AutoencoderTraining.Train(backend, scaled, settings, random, null);
            double seconds = watch.Elapsed.TotalSeconds / epochs;
            for (int f = 0; f < strengths.Length; f++)
                if (constant[f])
                    strengths[f] = 0;
            return (QuickSelectionEstimator.Strongest(strengths, keep), seconds, seed);
        }

        private static (int[] Chosen, double Seconds) RunAuthors(string python, string reference, float[][] scaled, bool[] constant, int keep, int seed, int epochs)
        {
            string rowsFile = Path.GetTempFileName();
            try
            {
                using (var writer = new BinaryWriter(File.Create(rowsFile)))
                    foreach (float[] row in scaled)
                        foreach (float v in row)
                            writer.Write(v);
                string script = Path.Combine(AppContext.BaseDirectory, "QuickSelection", "reference_quickselection.py");
                var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (string argument in new[] { script, reference, rowsFile, scaled.Length.ToString(CultureInfo.InvariantCulture),
                    scaled[0].Length.ToString(CultureInfo.InvariantCulture), seed.ToString(CultureInfo.InvariantCulture), epochs.ToString(CultureInfo.InvariantCulture) })
                    start.ArgumentList.Add(argument);
                using Process process = Process.Start(start);
                var error = process.StandardError.ReadToEndAsync();
                string output = process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                if (process.ExitCode != 0)
                    throw new InvalidOperationException($"The authors' code failed: {error.Result}");
                string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                double seconds = double.Parse(lines.Single(l => l.StartsWith("seconds_per_epoch ", StringComparison.Ordinal)).Split(' ')[1], CultureInfo.InvariantCulture);
                float[] strengths = lines.Single(l => l.StartsWith("strengths ", StringComparison.Ordinal)).Split(' ').Skip(1)
                    .Select(v => (float)double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
                for (int f = 0; f < strengths.Length; f++)
                    if (constant[f])
                        strengths[f] = 0;
                return (QuickSelectionEstimator.Strongest(strengths, keep), seconds);
            }
            finally
            {
                File.Delete(rowsFile);
            }
        }

        private static double TreesAccuracy(DataSet set, int[] chosen, int seed)
            => ExtraTreesClassifier.Fit(Columns(set.Train, chosen), set.TrainLabels, 50, seed).Accuracy(Columns(set.Test, chosen), set.TestLabels);

        private static double LightGbmAccuracy(DataSet set, int[] chosen)
        {
            var mlContext = new MLContext(seed: 1);
            IDataView train = QuickSelectionBenchmark.ToDataView(mlContext, Columns(set.Train, chosen), set.TrainLabels.Select(l => (float)l).ToArray());
            IDataView test = QuickSelectionBenchmark.ToDataView(mlContext, Columns(set.Test, chosen), set.TestLabels.Select(l => (float)l).ToArray());
            var model = mlContext.Transforms.Conversion.MapValueToKey("Label").Append(mlContext.MulticlassClassification.Trainers.LightGbm()).Fit(train);
            return mlContext.MulticlassClassification.Evaluate(model.Transform(test)).MicroAccuracy;
        }

        private static double StandardError(double[] values)
        {
            double mean = values.Average();
            return values.Length < 2 ? 0 : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1) / values.Length);
        }

        private static float[][] Columns(float[][] rows, int[] chosen) => rows.Select(r => chosen.Select(c => r[c]).ToArray()).ToArray();

        // Pixels non-zero in under 5% of the training images: borders a glyph rarely reaches.
        private static bool[] NearBlank(float[][] rows)
            => Enumerable.Range(0, rows[0].Length).Select(f => rows.Count(r => r[f] != 0) < 0.05 * rows.Length).ToArray();

        private static string Blank(IEnumerable<int[]> selections, bool[] nearBlank)
            => nearBlank == null ? "" : $"{selections.Average(s => s.Count(f => nearBlank[f])):F1}";
    }
}
