using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Runtime;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLExt.Data;
using MLExt.Devices;
using MLExt.Neural.Featurization;
using MLExt.Neural.Tasks;
using MLExt.Trainers;
using TorchSharp;

namespace MLExt.Benchmarks.Ctr
{
    /// <summary>
    /// One epoch of DeepFM as a new user runs it: 163,840 cached rows of 26 text and 13 numeric fields, MLP 400-400-400, batch
    /// 4096, no validation. The whole Fit against the bare TorchSharp loop over the same steps (see
    /// <see cref="CtrBenchmark"/>), warm (six runs each in this process, alternating) and cold (each side the first call in a fresh
    /// process, three processes each), with where the cold Fit's time goes.
    /// </summary>
    internal static class FitStartBenchmark
    {
        public const string ChildArgument = "--fit-start-child";
        public const string KeepFreedMemoryArgument = "--keep-freed-memory";

        /// <summary>Whether this process keeps freed memory (<see cref="CpuAllocator.KeepFreedMemory"/>); its children then do too.</summary>
        public static bool KeepsFreedMemory { get; set; }

        private const int Rows = 163_840;

        public static string Run(Action<string> log)
        {
            var text = new StringBuilder();
            text.AppendLine("### One epoch, warm and cold (163,840 rows of 26 text + 13 numeric fields, DeepFM 400-400-400, batch 4096)");
            text.AppendLine();
            text.AppendLine("The Fit a new user runs, one epoch without validation, against the bare loop over the same 40 steps. Warm: both in this " +
                "process after one call of each (the same Fit, the same loop), six runs each, alternating. Cold: each side in a fresh process of its own (the data generated and " +
                "cached before the clock starts; the bare loop's rows featurized before it), three processes each; the bare loop's cold time " +
                "includes libtorch's start-up as the Fit's does." +
                (KeepsFreedMemory ? " Every process of this run kept freed memory for reuse (`--keep-freed-memory`: `CpuAllocator.KeepFreedMemory()`)." : ""));
            text.AppendLine();

            var (mlContext, data, options) = Setup();
            // Warm means after one call: the same Fit once, so its per-chunk loops have run often enough to be compiled optimized
            // (a warm-up on a few thousand rows left the first measured run in partly unoptimized code).
            mlContext.BinaryClassification.Trainers.Ctr(options).Fit(data).Dispose();
            var host = ((IHostEnvironment)mlContext).Register("benchmark");
            var (featurizer, cache) = NeuralFeaturizer.Learn(host, data, options, NeuralTask.Binary, options.Seed.Value, long.MaxValue);
            CtrBenchmark.BareLoop(CtrTrainer.NetworkSpec(options, featurizer), cache, options, 1);
            var warmFit = new List<double>();
            var warmFeaturizing = new List<double>();
            var warmBare = new List<double>();
            for (int run = 0; run < 6; run++)
            {
                long faults = Timing.PageFaults();
                var (seconds, featurizing, _, _, _) = CtrBenchmark.TimedFit(mlContext, options, data, _ => { });
                long fitFaults = Timing.PageFaults() - faults;
                warmFit.Add(seconds);
                warmFeaturizing.Add(featurizing);
                warmBare.Add(CtrBenchmark.BareLoop(CtrTrainer.NetworkSpec(options, featurizer), cache, options, 1));
                log($"Warm run {run + 1}: Fit {seconds:F2} s (featurizing {featurizing:F2} s, {fitFaults:N0} page faults), bare {warmBare[^1]:F2} s ({Timing.PageFaults() - faults - fitFaults:N0} page faults)");
            }
            cache.Dispose();

            var coldFit = new List<CtrBenchmark.FitTiming>();
            var coldBare = new List<(double Seconds, double Compiling)>();
            for (int run = 0; run < 3; run++)
            {
                double[] fit = Child("fit"), bare = Child("bare");
                coldFit.Add(new CtrBenchmark.FitTiming(fit[0], fit[1], fit[2], fit[3], (long)fit[4]));
                coldBare.Add((bare[0], bare[1]));
                log($"Cold run {run + 1}: Fit {fit[0]:F2} s (featurizing {fit[1]:F2} s; compiling {fit[2]:F2} s, {fit[3]:F2} s of it " +
                    $"while featurizing; {fit[4]:N0} page faults while featurizing), bare {bare[0]:F2} s (compiling {bare[1]:F2} s)");
            }
            double[] torchStart = Enumerable.Range(0, 3).Select(_ => Child("torch")[0]).ToArray();

            var warmRatios = warmFit.Zip(warmBare, (fit, bare) => bare / fit).ToArray();
            var coldRatios = coldFit.Zip(coldBare, (fit, bare) => bare.Seconds / fit.Seconds).ToArray();
            text.AppendLine("| | Fit seconds (min-max) | of which featurizing | bare loop seconds (min-max) | ratio bare / Fit, every run | worst | target | met |");
            text.AppendLine("|---|---|---|---|---|---|---|---|");
            text.AppendLine($"| warm | {warmFit.Min():F2}-{warmFit.Max():F2} | {warmFeaturizing.Min():F2}-{warmFeaturizing.Max():F2} | {warmBare.Min():F2}-{warmBare.Max():F2} | " +
                $"{string.Join(", ", warmRatios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))} | {warmRatios.Min():F2} | >= 0.9 | {(warmRatios.Min() >= 0.9 ? "met" : "not met")} |");
            text.AppendLine($"| cold | {coldFit.Min(f => f.Seconds):F2}-{coldFit.Max(f => f.Seconds):F2} | {coldFit.Min(f => f.Featurizing):F2}-{coldFit.Max(f => f.Featurizing):F2} | {coldBare.Min(b => b.Seconds):F2}-{coldBare.Max(b => b.Seconds):F2} | " +
                $"{string.Join(", ", coldRatios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))} | {coldRatios.Min():F2} | >= 0.8 | {(coldRatios.Min() >= 0.8 ? "met" : "not met")} |");
            text.AppendLine();
            double coldTraining = coldFit.Average(f => f.Seconds - f.Featurizing), warmTraining = warmFit.Zip(warmFeaturizing, (fit, featurizing) => fit - featurizing).Average();
            text.AppendLine($"Where the cold Fit's time goes (averages): featurizing {coldFit.Average(f => f.Featurizing):F2} s cold against {warmFeaturizing.Average():F2} s warm " +
                $"(until featurizing ends, just-in-time compilation on all threads {coldFit.Average(f => f.FeaturizingCompiling):F2} s and {coldFit.Average(f => f.FeaturizingFaults):N0} page faults); the rest (network, training, model) {coldTraining:F2} s cold " +
                $"against {warmTraining:F2} s warm; compilation in the whole cold Fit {coldFit.Average(f => f.Compiling):F2} s, in the cold bare loop {coldBare.Average(b => b.Compiling):F2} s; " +
                $"libtorch's first operation in a fresh process is {torchStart.Average():F2} s " +
                $"({string.Join(", ", torchStart.Select(s => s.ToString("F2", CultureInfo.InvariantCulture)))}), paid by the bare loop too.");
            text.AppendLine();
            return text.ToString();
        }

        /// <summary>In a child process: one cold measurement, printed as seconds on one line (see <see cref="Child"/>).</summary>
        public static void RunChild(string side)
        {
            if (side == "torch")
            {
                var watch = Stopwatch.StartNew();
                torch.ones(1).sum().item<float>();
                Console.WriteLine(watch.Elapsed.TotalSeconds.ToString("R", CultureInfo.InvariantCulture));
                return;
            }
            var (mlContext, data, options) = Setup();
            if (side == "fit")
            {
                var fit = CtrBenchmark.TimedFit(mlContext, options, data, _ => { });
                Console.WriteLine(string.Join(" ", new[] { fit.Seconds, fit.Featurizing, fit.Compiling, fit.FeaturizingCompiling, fit.FeaturizingFaults }.Select(s => s.ToString("R", CultureInfo.InvariantCulture))));
                return;
            }
            var host = ((IHostEnvironment)mlContext).Register("benchmark");
            var (featurizer, cache) = NeuralFeaturizer.Learn(host, data, options, NeuralTask.Binary, options.Seed.Value, long.MaxValue);
            TimeSpan compiledBefore = JitInfo.GetCompilationTime();
            double bare = CtrBenchmark.BareLoop(CtrTrainer.NetworkSpec(options, featurizer), cache, options, 1);
            double bareCompiling = (JitInfo.GetCompilationTime() - compiledBefore).TotalSeconds;
            Console.WriteLine(string.Join(" ", new[] { bare, bareCompiling }.Select(s => s.ToString("R", CultureInfo.InvariantCulture))));
        }

        private static (MLContext MLContext, IDataView Data, CtrTrainer.Options Options) Setup()
        {
            var mlContext = new MLContext(seed: 1);
            var clicks = new CriteoLikeData(new CriteoLikeDataOptions { RowCount = Rows, Seed = 2026 });
            IDataView data = mlContext.Data.Cache(clicks);
            // The cache fills a column when a cursor first asks for it: ask for all of them, so no timed run generates rows.
            using (DataViewRowCursor cursor = data.GetRowCursor(data.Schema))
            {
                while (cursor.MoveNext())
                {
                }
            }
            var options = CtrBenchmark.Options(CtrModel.DeepFM, clicks.CategoricalColumnNames.ToArray(), clicks.NumericColumnNames.ToArray(), 1);
            options.ValidationFraction = 0;
            return (mlContext, data, options);
        }

        // Runs this benchmark program as a child for one cold measurement and reads the seconds it prints.
        private static double[] Child(string side)
        {
            string keep = KeepsFreedMemory ? $" {KeepFreedMemoryArgument}" : "";
            var start = new ProcessStartInfo("dotnet", $"\"{Assembly.GetEntryAssembly().Location}\" {ChildArgument} {side}{keep}") { RedirectStandardOutput = true };
            using Process process = Process.Start(start);
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            string line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last();
            return line.Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        }
    }
}
