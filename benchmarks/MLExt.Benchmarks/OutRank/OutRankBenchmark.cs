using System;
using System.Collections.Generic;
using System.IO;
using System.Diagnostics;
using System.Linq;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExt.Transforms;

namespace MLExt.Benchmarks.OutRank
{
    /// <summary>
    /// OutRank ranking against ML.NET's mutual-information feature selector on generated categorical data: key columns with
    /// cardinalities from 2 to 100,000 and power-law value frequencies, in memory; the same kind of data as text columns
    /// against key columns; and a larger set streamed from disk.
    /// </summary>
    internal static class OutRankBenchmark
    {
        private const int Features = 40;

        public static string Run(int rows, int textRows, int streamedRows, Action<string> log)
        {
            var mlContext = new MLContext(seed: 1);
            // First, so that its cold Fits are the process's first of their kind.
            string textAgainstKeys = TextAgainstKeys(mlContext, textRows, log);
            log($"Generating {rows:N0} rows x {Features} categorical features.");
            var (codes, cardinalities, label) = Generate(rows, seed: 7);

            // MLExt ranks scalar key columns; ML.NET's selector takes the same codes as one vector of keys.
            var scalar = new ArrayDataViewBuilder(mlContext);
            scalar.AddColumn("Label", BooleanDataViewType.Instance, label);
            for (int j = 0; j < Features; j++)
                scalar.AddColumn($"F{j:00}", new KeyDataViewType(typeof(uint), cardinalities[j]), codes[j]);
            IDataView scalarView = scalar.GetDataView();
            var vector = new ArrayDataViewBuilder(mlContext);
            vector.AddColumn("Label", BooleanDataViewType.Instance, label);
            uint[][] rowsOfCodes = Enumerable.Range(0, rows).Select(i => Enumerable.Range(0, Features).Select(j => codes[j][i]).ToArray()).ToArray();
            vector.AddColumn("Codes", new KeyDataViewType(typeof(uint), cardinalities.Max()), rowsOfCodes);
            IDataView vectorView = vector.GetDataView();

            string[] names = Enumerable.Range(0, Features).Select(j => $"F{j:00}").ToArray();
            OutRankTransformer ours = null;
            double oursSeconds = Timing.BestOf(3, () => ours = mlContext.Transforms.FeatureSelection.SelectFeaturesByOutRank("Label", names, 10).Fit(scalarView));
            log($"MLExt OutRank: {oursSeconds:F3}s");
            double plainSeconds = Timing.BestOf(3, () => mlContext.Transforms.FeatureSelection.SelectFeaturesByOutRank("Label", names, 10, OutRankHeuristic.MutualInformation).Fit(scalarView));
            log($"MLExt OutRank plain MI: {plainSeconds:F3}s");
            double mlnetSeconds = Timing.BestOf(3, () => mlContext.Transforms.FeatureSelection.SelectFeaturesBasedOnMutualInformation("Selected", "Codes", "Label", slotsInOutput: 10).Fit(vectorView));
            log($"ML.NET mutual-information selector: {mlnetSeconds:F3}s");

            var report = new StringBuilder();
            report.AppendLine("## OutRank ranking");
            report.AppendLine();
            report.AppendLine($"Data: {rows:N0} rows x {Features} key columns generated in the run (cardinalities {cardinalities.Min()} to {cardinalities.Max():N0}, " +
                "power-law value frequencies, a logistic label over 8 of them), held in memory. Machine: " + Environment.ProcessorCount + " cores.");
            report.AppendLine();
            report.AppendLine("| ranker | seconds | rows/second | vs ML.NET | target | met |");
            report.AppendLine("|---|---|---|---|---|---|");
            report.AppendLine($"| MLExt OutRank, chance-adjusted (default), best of 3 | {oursSeconds:F3} | {rows / oursSeconds:N0} | {mlnetSeconds / oursSeconds:F1}x faster | <= 2 s and >= 5x | {(oursSeconds <= 2 && mlnetSeconds / oursSeconds >= 5 ? "yes" : "no")} |");
            report.AppendLine($"| MLExt OutRank, plain MI, best of 3 | {plainSeconds:F3} | {rows / plainSeconds:N0} | {mlnetSeconds / plainSeconds:F1}x faster | | |");
            report.AppendLine($"| ML.NET SelectFeaturesBasedOnMutualInformation (vector of keys), best of 3 | {mlnetSeconds:F3} | {rows / mlnetSeconds:N0} | 1x | | |");
            report.AppendLine();
            report.AppendLine("Top 10 by MLExt (chance-adjusted): " + string.Join(", ", ours.Ranking.Take(10).Select(s => $"{s.Name} ({s.Cardinality:N0})")) +
                ". Informative columns: " + string.Join(", ", Informative.Select(j => $"F{j:00}")) + ".");
            report.AppendLine();
            report.Append(textAgainstKeys);
            report.Append(Streamed(mlContext, streamedRows, log));
            return report.ToString();
        }

        private static readonly int[] Informative = { 0, 5, 10, 15, 20, 25, 30, 35 };

        // The same generated codes ranked as key columns and as text columns (each code spelled as eight hex digits, like
        // Criteo's hashed values): text pays for reading characters, hashing and a code table that keys skip. Where text
        // lives matters: sliced from one string per row, as TextLoader reads a line, or one shared string per distinct value.
        private static string TextAgainstKeys(MLContext mlContext, int rows, Action<string> log)
        {
            const int warmUpRows = 2000;
            log($"Generating {rows:N0} rows x {Features} columns as keys and as text.");
            var (codes, cardinalities, label) = Generate(rows, seed: 13);
            var keys = new ArrayDataViewBuilder(mlContext);
            var lines = new ArrayDataViewBuilder(mlContext);
            var shared = new ArrayDataViewBuilder(mlContext);
            var numbers = new ArrayDataViewBuilder(mlContext);
            foreach (var builder in new[] { keys, lines, shared })
                builder.AddColumn("Label", BooleanDataViewType.Instance, label);
            numbers.AddColumn("Label", BooleanDataViewType.Instance, label[..warmUpRows]);
            // Multiplying by an odd number is a bijection on uint: distinct codes stay distinct values.
            string[][] spellings = cardinalities.Select(c => Enumerable.Range(0, (int)c + 1).Select(code => unchecked((uint)code * 2654435761u).ToString("x8")).ToArray()).ToArray();
            var slices = Enumerable.Range(0, Features).Select(_ => new ReadOnlyMemory<char>[rows]).ToArray();
            for (int i = 0; i < rows; i++)
            {
                string line = string.Join(",", Enumerable.Range(0, Features).Select(j => spellings[j][codes[j][i]]));
                for (int j = 0; j < Features; j++)
                    slices[j][i] = line.AsMemory(9 * j, 8);
            }
            for (int j = 0; j < Features; j++)
            {
                keys.AddColumn($"F{j:00}", new KeyDataViewType(typeof(uint), cardinalities[j]), codes[j]);
                lines.AddColumn($"F{j:00}", TextDataViewType.Instance, slices[j]);
                shared.AddColumn($"F{j:00}", codes[j].Select(c => spellings[j][c]).ToArray());
                numbers.AddColumn($"F{j:00}", NumberDataViewType.Single, codes[j][..warmUpRows].Select(c => (float)c).ToArray());
            }
            IDataView keyView = keys.GetDataView(), lineView = lines.GetDataView(), sharedView = shared.GetDataView();
            string[] names = Enumerable.Range(0, Features).Select(j => $"F{j:00}").ToArray();
            OutRankTransformer Rank(IDataView view) => mlContext.Transforms.FeatureSelection.SelectFeaturesByOutRank("Label", names, 10).Fit(view);

            // A small Fit on numeric columns compiles the ranking code every kind shares; each kind's first Fit then pays for
            // its own encoder and reader, as in a process that ranks once.
            Rank(numbers.GetDataView());
            OutRankTransformer byKey = null, byText = null;
            double keyCold = Timing.BestOf(1, () => byKey = Rank(keyView));
            double lineCold = Timing.BestOf(1, () => byText = Rank(lineView));
            log($"Cold: keys {keyCold:F3}s, text {lineCold:F3}s");
            // Interleaved, so every kind sees the same share of a busy machine.
            double keyWarm = double.MaxValue, lineWarm = double.MaxValue, sharedWarm = double.MaxValue;
            for (int r = 0; r < WarmRepeats; r++)
            {
                keyWarm = Math.Min(keyWarm, Timing.BestOf(1, () => Rank(keyView)));
                lineWarm = Math.Min(lineWarm, Timing.BestOf(1, () => Rank(lineView)));
                sharedWarm = Math.Min(sharedWarm, Timing.BestOf(1, () => Rank(sharedView)));
            }
            log($"Warm: keys {keyWarm:F3}s, text {lineWarm:F3}s, shared strings {sharedWarm:F3}s");
            bool sameOrder = byKey.Ranking.Select(s => s.Name).SequenceEqual(byText.Ranking.Select(s => s.Name));
            double largestDifference = byKey.Ranking.Zip(byText.Ranking, (k, t) => Math.Abs(k.Score - t.Score)).Max();

            string Row(string kind, double key, double text, bool judged)
                => $"| {kind} | {key:F3} | {text:F3} | {text / key:F2}x | {(judged ? "<= 2x" : "")} | {(judged ? (text <= 2 * key ? "yes" : "no") : "")} |";
            var report = new StringBuilder();
            report.AppendLine($"Text against key columns: {rows:N0} rows x {Features} columns of the same kind ({rows * (long)Features:N0} values), " +
                "ranked as key columns and as text columns (each code spelled as 8 hex digits), chance-adjusted. Text is sliced from one string " +
                "per row (as TextLoader reads a line), or else is one shared string per distinct value (reading those strings is scattered across " +
                $"memory). Warm: best of {WarmRepeats} Fits of each, interleaved. Cold: each kind's first Fit in the process (keys first), after one Fit " +
                "on 2,000 rows of numeric columns.");
            report.AppendLine();
            report.AppendLine("| | key columns, seconds | text columns, seconds | text / key | target | met |");
            report.AppendLine("|---|---|---|---|---|---|");
            report.AppendLine(Row("warm, text sliced from a string per row", keyWarm, lineWarm, judged: true));
            report.AppendLine(Row("warm, one shared string per distinct value", keyWarm, sharedWarm, judged: false));
            report.AppendLine(Row("cold, text sliced from a string per row", keyCold, lineCold, judged: true));
            report.AppendLine();
            report.AppendLine($"Same ranking from both: {(sameOrder ? "yes" : "no")} (largest score difference {largestDifference:G2}).");
            report.AppendLine();
            return report.ToString();
        }

        private const int WarmRepeats = 10;

        private sealed class StreamedRow
        {
            public bool Label { get; set; }
            [KeyType(100001), VectorType(Features)] public uint[] Codes { get; set; }
        }

        // The same kind of data, generated row by row into ML.NET's binary format on disk, then ranked from a cursor over the
        // file (the 40 codes as the slots of one key vector): memory should follow the count tables, not the rows.
        private static string Streamed(MLContext mlContext, int rows, Action<string> log)
        {
            string path = Path.Combine(Path.GetTempPath(), $"mlext-outrank-{Environment.ProcessId}.idv");
            try
            {
                log($"Writing {rows:N0} rows to {path}.");
                using (var stream = File.Create(path))
                    mlContext.Data.SaveAsBinary(mlContext.Data.LoadFromEnumerable(GenerateRows(rows, seed: 11)), stream);
                long fileBytes = new FileInfo(path).Length;
                IDataView onDisk = mlContext.Data.LoadFromBinary(path);

                GC.Collect();
                long before = GC.GetTotalMemory(forceFullCollection: true);
                long peak = before;
                using var sampler = new System.Threading.Timer(_ => peak = Math.Max(peak, GC.GetTotalMemory(false)), null, 0, 20);
                OutRankTransformer ranked = null;
                double seconds = Timing.BestOf(1, () => ranked = mlContext.Transforms.FeatureSelection.SelectFeaturesByOutRank("Label", new[] { "Codes" }, 10).Fit(onDisk));
                long tableBytes = ranked.Ranking.Sum(s => (s.Cardinality + 1) * 2 * sizeof(long));
                log($"Streamed: {seconds:F3}s, peak heap growth {(peak - before) / 1e6:F0} MB, tables ~{tableBytes / 1e6:F1} MB, file {fileBytes / 1e6:F0} MB");

                var text = new StringBuilder();
                text.AppendLine($"Streamed from disk: {rows:N0} rows of the same kind of data written to ML.NET's binary IDataView format " +
                    $"({fileBytes / 1e6:F0} MB, the 40 codes as slots of one key vector) and ranked from a cursor over the file.");
                text.AppendLine();
                text.AppendLine("| rows | seconds | rows/second | peak managed-heap growth while ranking | count tables (estimate) | data in memory if materialized |");
                text.AppendLine("|---|---|---|---|---|---|");
                text.AppendLine($"| {rows:N0} | {seconds:F1} | {rows / seconds:N0} | {(peak - before) / 1e6:F0} MB | {tableBytes / 1e6:F1} MB | {rows * (long)Features * 4 / 1e6:F0} MB |");
                text.AppendLine();
                text.AppendLine("The heap is sampled every 20 ms; it includes the cursors' read buffers and garbage not yet collected.");
                text.AppendLine();
                return text.ToString();
            }
            finally
            {
                File.Delete(path);
            }
        }

        private static IEnumerable<StreamedRow> GenerateRows(int rows, int seed)
        {
            var random = new Random(seed);
            var cardinalities = Cardinalities();
            for (int i = 0; i < rows; i++)
            {
                var codes = new uint[Features];
                double logit = -1;
                for (int j = 0; j < Features; j++)
                {
                    double u = random.NextDouble();
                    codes[j] = 1 + (uint)Math.Min(cardinalities[j] - 1, (ulong)(u * u * cardinalities[j]));
                }
                foreach (int j in Informative)
                    logit += codes[j] % 2 == 0 ? 0.4 : -0.2;
                yield return new StreamedRow { Codes = codes, Label = random.NextDouble() < 1 / (1 + Math.Exp(-logit)) };
            }
        }

        private static ulong[] Cardinalities()
            => Enumerable.Range(0, Features).Select(j => (ulong)Math.Round(2 * Math.Pow(50000, j / (double)(Features - 1)))).ToArray();

        private static (uint[][] Codes, ulong[] Cardinalities, bool[] Label) Generate(int rows, int seed)
        {
            var random = new Random(seed);
            var cardinalities = Cardinalities();
            var codes = new uint[Features][];
            for (int j = 0; j < Features; j++)
            {
                codes[j] = new uint[rows];
                for (int i = 0; i < rows; i++)
                {
                    // Squaring a uniform draw makes small codes much more frequent (a heavy head, a long tail).
                    double u = random.NextDouble();
                    codes[j][i] = 1 + (uint)Math.Min(cardinalities[j] - 1, (ulong)(u * u * cardinalities[j]));
                }
            }
            var label = new bool[rows];
            for (int i = 0; i < rows; i++)
            {
                double logit = -1;
                foreach (int j in Informative)
                    logit += codes[j][i] % 2 == 0 ? 0.4 : -0.2;
                label[i] = random.NextDouble() < 1 / (1 + Math.Exp(-logit));
            }
            return (codes, cardinalities, label);
        }
    }
}
