using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace MLExt.Benchmarks.Cli
{
    /// <summary>
    /// <c>mlext rank</c> against the reference OutRank command line on the same generated CSV, each timed end to end: from
    /// starting the process to its ranking written. The reference runs where <c>OUTRANK_REFERENCE</c> holds the command that
    /// starts it (for example <c>env PYTHONPATH=SRC:PATHOS /usr/bin/python3 -m outrank</c>); it is skipped with a message otherwise.
    /// </summary>
    internal static class RankCliBenchmark
    {
        private const string ReferenceVariable = "OUTRANK_REFERENCE";

        public static string Run(bool quick, Action<string> log)
        {
            int rows = quick ? 10_000 : 100_000;
            string folder = Path.Combine(Path.GetTempPath(), "mlext-rank-benchmark-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                string data = Path.Combine(folder, "data.csv");
                WriteClicks(data, rows);
                var report = new StringBuilder();
                report.AppendLine("## mlext rank beside the reference OutRank CLI");
                report.AppendLine();
                report.AppendLine($"Generated file: {rows:N0} rows x 20 categorical columns (2 to 10,000 values; the label depends on c00, c03 and c07) and a 0/1 label, {new FileInfo(data).Length / 1e6:F1} MB of CSV. " +
                    "Wall time from starting the process to the ranking written; every `mlext` run is a fresh process (cold). " +
                    "The reference: outbrain-inc/outrank, `--task ranking --data_source csv-raw --heuristic MI-numba-randomized --num_threads 2 --subsampling 1` (its default batches of 16,384 rows, median of the per-batch scores).");
                report.AppendLine();

                string mlext = Path.Combine(AppContext.BaseDirectory, "mlext.dll");
                var ours = new List<double>();
                string[] ourTop = null;
                for (int run = 0; run < 3; run++)
                {
                    string output = Path.Combine(folder, $"mlext-{run}");
                    ours.Add(Time("dotnet", new[] { mlext, "rank", data, "--label", "label", "--out", output }));
                    ourTop = File.ReadAllLines(Path.Combine(output, "ranking.tsv")).Skip(1).Select(l => l.Split('\t')[1]).Take(10).ToArray();
                    log($"mlext rank: {ours[^1]:F2} s");
                }
                report.AppendLine("| command | wall seconds (each run) | top 10, best first |");
                report.AppendLine("|---|---|---|");
                report.AppendLine($"| mlext rank | {string.Join(", ", ours.Select(s => s.ToString("F2", CultureInfo.InvariantCulture)))} | {string.Join(", ", ourTop)} |");
                string ordered = Path.Combine(folder, "mlext-redundancy-aware");
                double orderedSeconds = Time("dotnet", new[] { mlext, "rank", data, "--label", "label", "--out", ordered, "--redundancy-aware" });
                log($"mlext rank --redundancy-aware: {orderedSeconds:F2} s");
                report.AppendLine($"| mlext rank --redundancy-aware (adds the 3MR order) | {orderedSeconds:F2} | the same ranking |");

                string reference = Environment.GetEnvironmentVariable(ReferenceVariable);
                if (string.IsNullOrWhiteSpace(reference))
                {
                    report.AppendLine();
                    report.AppendLine($"The reference was not run ({ReferenceVariable} unset).");
                    log($"{ReferenceVariable} unset: the reference OutRank is skipped.");
                }
                else
                {
                    string output = Path.Combine(folder, "reference");
                    double seconds = Time("/bin/sh", new[] { "-c", $"{reference} --task ranking --data_path {folder} --data_source csv-raw --heuristic MI-numba-randomized " +
                        $"--num_threads 2 --subsampling 1 --output_folder {output} --disable_tqdm True" });
                    string[] theirTop = ReferenceTop(Path.Combine(output, "pairwise_ranks.tsv"), 10);
                    log($"reference OutRank: {seconds:F2} s");
                    report.AppendLine($"| reference OutRank | {seconds:F2} | {string.Join(", ", theirTop)} |");
                    report.AppendLine();
                    double ratio = seconds / ours.Max();
                    report.AppendLine($"mlext rank is {ratio:F1}x faster than the reference end to end, taking its slowest run (target >= 20x: {(ratio >= 20 ? "met" : "not met")}); " +
                        $"{ourTop.Intersect(theirTop).Count()} of the two top-10 lists agree.");
                }
                report.AppendLine();
                return report.ToString();
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        // 20 categorical columns with 2 to 10,000 values (Zipf-like draws), the label a logistic function of three of them.
        private static void WriteClicks(string path, int rows)
        {
            var random = new Random(7);
            int[] cardinality = Enumerable.Range(0, 20).Select(c => (int)Math.Round(Math.Pow(10_000, c / 19.0)) + 1).ToArray();
            using var writer = new StreamWriter(path);
            writer.WriteLine(string.Join(",", Enumerable.Range(0, 20).Select(c => $"c{c:D2}")) + ",label");
            var values = new int[20];
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < 20; c++)
                    values[c] = (int)(cardinality[c] * Math.Pow(random.NextDouble(), 2));
                double logit = -1 + (values[0] % 2 == 0 ? 1.5 : -1.5) + (values[3] % 3 == 0 ? 1 : 0) + (values[7] % 5 < 2 ? 0.8 : -0.4);
                int label = random.NextDouble() < 1 / (1 + Math.Exp(-logit)) ? 1 : 0;
                writer.WriteLine(string.Join(",", values.Select((v, c) => $"v{v}")) + "," + label.ToString(CultureInfo.InvariantCulture));
            }
        }

        private static double Time(string file, IEnumerable<string> arguments) => CliProcess.Run(file, arguments).Seconds;

        // Its pairwise_ranks.tsv holds "FeatureA FeatureB Score" rows, each name followed by "-(cardinality; percent)"; the label's
        // row against each feature gives that feature's score.
        private static string[] ReferenceTop(string path, int count)
        {
            static string Name(string field) => field[..field.LastIndexOf("-(", StringComparison.Ordinal)];
            return File.ReadAllLines(path).Skip(1)
                .Select(line => line.Split('\t'))
                .Where(f => f.Length == 3 && Name(f[0]) == "label" && Name(f[1]) != "label")
                .Select(f => (Feature: Name(f[1]), Score: double.Parse(f[2], CultureInfo.InvariantCulture)))
                .OrderByDescending(p => p.Score)
                .Select(p => p.Feature)
                .Take(count)
                .ToArray();
        }
    }
}
