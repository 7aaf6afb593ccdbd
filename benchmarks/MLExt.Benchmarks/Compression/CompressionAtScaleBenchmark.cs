using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExt.Data;
using MLExt.Trainers;
using Storage = MLExt.Benchmarks.Compression.CompressionBenchmark.Storage;

namespace MLExt.Benchmarks.Compression
{
    /// <summary>
    /// Embedding compression at scale: every method at every memory ratio on 1,000,000 generated Criteo-like training rows, for DeepFM
    /// and DCNv2, one epoch each (the usual CTR regime at this size). The grid takes hours on a laptop CPU, so each finished cell is
    /// appended to compression-at-scale.tsv and a later run goes on from where the last stopped; the section is written from the
    /// file. Training seconds are recorded but not reported as speed: the grid may share the machine (the 200,000-row section times
    /// the methods on an idle machine). Once a model's cells at 100x are in, the full model and the method best there are trained
    /// again with four more seeds, so the target is judged against the spread that training alone gives, and the method best there is
    /// measured at ratios between 0.1 and 0.01, to show how much memory it needs to come within 0.001 of the full model.
    /// </summary>
    internal static class CompressionAtScaleBenchmark
    {
        private const int TrainRows = 1_000_000, TestRows = 200_000;
        private const string CellsFile = "compression-at-scale.tsv";
        private static readonly CtrModel[] Models = { CtrModel.DeepFM, CtrModel.DCNv2 };
        // The targets' ratios first, so a partial grid answers them.
        private static readonly double[] Ratios = { 0.01, 0.001, 0.1, 0.5, 0.0001 };
        // The seeds the full model and the best method at 100x are trained with (the grid itself uses the first).
        private static readonly int[] Seeds = { 1, 2, 3, 4, 5 };
        // The ratios between 0.1 and 0.01 the method best at 100x is measured at (with the grid's seed).
        private static readonly double[] Between = { 0.05, 0.03, 0.02 };

        private sealed record Cell(CtrModel Model, Storage Method, double Ratio, int Seed, double Auc, long EmbeddingBytes, long FileBytes, double TrainSeconds, string Failure)
        {
            public string Key => Keys(Model, Method, Ratio, Seed);

            public static string Keys(CtrModel model, Storage method, double ratio, int seed = 1)
                => $"{model}\t{method}\t{ratio.ToString("R", CultureInfo.InvariantCulture)}\t{seed}";

            public string Line => string.Join('\t', Key, Auc.ToString("F6", CultureInfo.InvariantCulture), EmbeddingBytes, FileBytes,
                TrainSeconds.ToString("F1", CultureInfo.InvariantCulture), Failure ?? "");

            public static Cell Parse(string line)
            {
                string[] f = line.Split('\t');
                return new Cell(Enum.Parse<CtrModel>(f[0]), Storage.Parse(f[1]), double.Parse(f[2], CultureInfo.InvariantCulture), int.Parse(f[3]),
                    double.Parse(f[4], CultureInfo.InvariantCulture), long.Parse(f[5]), long.Parse(f[6]), double.Parse(f[7], CultureInfo.InvariantCulture), f[8].Length == 0 ? null : f[8]);
            }
        }

        /// <summary>Measures the cells not yet in the file (all of them with <paramref name="reportOnly"/> false), then writes the section.</summary>
        public static string Run(string folder, bool reportOnly, Action<string> log)
        {
            string path = Path.Combine(folder, CellsFile);
            var cells = File.Exists(path) ? File.ReadAllLines(path).Skip(1).Where(l => l.Length > 0).Select(Cell.Parse).ToDictionary(c => c.Key) : new Dictionary<string, Cell>();
            var grid = Grid().ToList();
            if (!reportOnly && Missing(grid, cells).Any())
            {
                if (!File.Exists(path))
                    File.WriteAllText(path, "model\tmethod\tratio\tseed\tauc\tembedding_bytes\tfile_bytes\ttrain_seconds\tfailure\n");
                var mlContext = new MLContext(seed: 1);
                var clicks = new CriteoLikeData(new CriteoLikeDataOptions { RowCount = TrainRows + TestRows, Seed = 2026 });
                IDataView all = mlContext.Data.Cache(clicks);
                all.GetColumn<bool>("Label").Count();
                IDataView train = mlContext.Data.TakeRows(all, TrainRows), test = mlContext.Data.SkipRows(all, TrainRows);
                // The seed cells depend on which method the grid finds best, so the missing cells are asked for again after each one.
                for (var next = Missing(grid, cells).FirstOrDefault(); next != default; next = Missing(grid, cells).FirstOrDefault())
                {
                    var (model, method, ratio, seed) = next;
                    Cell cell;
                    try
                    {
                        var m = CompressionBenchmark.Measure(mlContext, Options(clicks, model, method, ratio, seed), train, test);
                        cell = new Cell(model, method, ratio, seed, m.Auc, m.EmbeddingBytes, m.FileBytes, m.TrainSeconds, null);
                    }
                    catch (ArgumentOutOfRangeException error)
                    {
                        cell = new Cell(model, method, ratio, seed, double.NaN, 0, 0, 0, error.Message.Split(" Raise")[0].Replace('\t', ' ').Replace("|", "/"));
                    }
                    log($"Compression at scale: {model} {method} {ratio:G} seed {seed}: " + (cell.Failure ?? $"AUC {cell.Auc:F4} ({cell.TrainSeconds:F0} s)"));
                    cells[cell.Key] = cell;
                    File.AppendAllText(path, cell.Line + "\n");
                }
            }
            return Report(cells, grid, folder);
        }

        // The grid's cells not measured yet, then, for each model whose cells at 100x are all in, the seed cells and the cells between
        // 0.1 and 0.01.
        private static IEnumerable<(CtrModel Model, Storage Method, double Ratio, int Seed)> Missing(
            List<(CtrModel Model, Storage Method, double Ratio)> grid, Dictionary<string, Cell> cells)
        {
            foreach (var (model, method, ratio) in grid.Where(g => !cells.ContainsKey(Cell.Keys(g.Model, g.Method, g.Ratio))))
                yield return (model, method, ratio, 1);
            foreach (CtrModel model in Models)
            {
                if (BestAtHundredfold(cells, model) is not Cell best)
                    continue;
                foreach (int seed in Seeds.Skip(1))
                {
                    foreach (var (method, ratio) in new[] { ((Storage)CtrEmbeddingCompression.None, 1.0), (best.Method, best.Ratio) })
                    {
                        if (!cells.ContainsKey(Cell.Keys(model, method, ratio, seed)))
                            yield return (model, method, ratio, seed);
                    }
                }
                foreach (double ratio in Between.Where(r => !cells.ContainsKey(Cell.Keys(model, best.Method, r))))
                    yield return (model, best.Method, ratio, 1);
            }
        }

        // The method best at 0.01 with the grid's seed, once every method has been measured there (and the full model); else null.
        private static Cell BestAtHundredfold(Dictionary<string, Cell> cells, CtrModel model)
        {
            bool measured = CompressionBenchmark.Methods.All(m => cells.ContainsKey(Cell.Keys(model, m, 0.01))) && cells.ContainsKey(Cell.Keys(model, CtrEmbeddingCompression.None, 1));
            return measured ? Best(cells, model, 0.01) : null;
        }

        // The sized method with the highest AUC among those measured at this ratio with the grid's seed; null when none is.
        private static Cell Best(Dictionary<string, Cell> cells, CtrModel model, double ratio)
            => CompressionBenchmark.Methods.Select(m => cells.GetValueOrDefault(Cell.Keys(model, m, ratio))).Where(c => c is { Failure: null }).OrderByDescending(c => c.Auc).FirstOrDefault();

        private static IEnumerable<(CtrModel Model, Storage Method, double Ratio)> Grid()
        {
            foreach (CtrModel model in Models)
            {
                yield return (model, CtrEmbeddingCompression.None, 1);
                foreach (double ratio in Ratios)
                {
                    foreach (Storage method in CompressionBenchmark.Methods)
                        yield return (model, method, ratio);
                }
                yield return (model, CtrEmbeddingCompression.Int8, 1);
                yield return (model, CtrEmbeddingCompression.Int4, 1);
            }
        }

        private static CtrTrainer.Options Options(CriteoLikeData clicks, CtrModel model, Storage method, double ratio, int seed) => new CtrTrainer.Options
        {
            CategoricalColumnNames = clicks.CategoricalColumnNames.ToArray(),
            NumericColumnNames = clicks.NumericColumnNames.ToArray(),
            Model = model,
            NumberOfEpochs = 1,
            ValidationFraction = 0,
            EmbeddingCompression = method.Method,
            EmbeddingPrecision = method.Precision,
            EmbeddingMemoryRatio = ratio,
            Seed = seed,
        };

        private static string Report(Dictionary<string, Cell> cells, List<(CtrModel Model, Storage Method, double Ratio)> grid, string folder)
        {
            var text = new StringBuilder();
            text.AppendLine("## Embedding compression at scale");
            text.AppendLine();
            text.AppendLine($"Generated Criteo-like data, {TrainRows:N0} training rows and {TestRows:N0} held out (13 numeric and 26 categorical fields of 2 to 1,000,000 values, " +
                "power-law frequencies); embedding 16, MLP 400-400-400, batch 4096, one epoch, no validation split, seed 1. \"Memory kept\" is `EmbeddingMemoryRatio` " +
                "(the share of the full tables' parameters a sized method may keep, in bytes; Int8 and Int4 store full tables quantized; \"Unified Int8\" and \"Unified Int4\" " +
                "are Unified with its shared table stored in 8 or 4 bits, `EmbeddingPrecision`, so the same bytes hold 3.8 or 7.1 times the rows); \"embeddings\" the stored bytes " +
                "(`EmbeddingBytes`) against the full tables'. Cells are measured by `--only compression-at-scale`, which appends each to " +
                $"[{CellsFile}]({CellsFile}) and goes on from there in a later run. Speed is in the 200,000-row section above (this grid may share the machine).");
            text.AppendLine();
            foreach (CtrModel model in Models)
            {
                if (!cells.TryGetValue(Cell.Keys(model, CtrEmbeddingCompression.None, 1), out Cell full))
                {
                    text.AppendLine($"### {model}: not measured yet");
                    text.AppendLine();
                    continue;
                }
                text.AppendLine($"### {model}: test AUC against memory kept (full tables {full.Auc:F4}, {full.EmbeddingBytes / 1048576.0:N1} MiB of embeddings)");
                text.AppendLine();
                text.AppendLine("| method | " + string.Join(" | ", Ratios.OrderByDescending(r => r).Select(r => $"{r:G}")) + " |");
                text.AppendLine("|---|" + string.Concat(Ratios.Select(_ => "---|")));
                foreach (Storage method in CompressionBenchmark.Methods)
                {
                    text.Append($"| {method} |");
                    foreach (double ratio in Ratios.OrderByDescending(r => r))
                        text.Append(' ').Append(cells.TryGetValue(Cell.Keys(model, method, ratio), out Cell c) ? Describe(c, full) : "not run").Append(" |");
                    text.AppendLine();
                }
                text.AppendLine();
                foreach (CtrEmbeddingCompression method in new[] { CtrEmbeddingCompression.Int8, CtrEmbeddingCompression.Int4 })
                {
                    if (cells.TryGetValue(Cell.Keys(model, method, 1), out Cell q))
                        text.AppendLine($"- {method}: {Describe(q, full)}, model file {q.FileBytes / 1048576.0:N1} MiB against {full.FileBytes / 1048576.0:N1} MiB.");
                }
                foreach (double target in new[] { 0.01, 0.001 })
                {
                    Cell best = Best(cells, model, target);
                    double allowed = target == 0.01 ? 0.001 : 0.005;
                    text.AppendLine(best is null ? $"- At {1 / target:N0}x: not measured yet."
                        : $"- At {1 / target:N0}x the best is {best.Method} at {best.Auc:F4} ({best.Auc - full.Auc:+0.0000;-0.0000;0.0000}); target within {allowed} of the full model: {(full.Auc - best.Auc <= allowed ? "met" : "not met")}.");
                }
                text.AppendLine();
                text.Append(SeedSpread(cells, model));
                text.Append(BetweenTenfoldAndHundredfold(cells, model, full));
                var curves = CompressionBenchmark.Methods.ToDictionary(m => m.ToString(), m => Ratios.Select(r => cells.GetValueOrDefault(Cell.Keys(model, m, r))).Where(c => c is { Failure: null })
                    .Select(c => (c.Ratio, c.Auc)).Prepend((1.0, full.Auc)).ToList());
                string plot = $"compression-at-scale-{model}.svg";
                File.WriteAllText(Path.Combine(folder, plot), CompressionBenchmark.Plot(curves, full.Auc, $"{model} test AUC against embedding memory kept ({TrainRows:N0} generated rows)"));
                text.AppendLine($"As a curve: [{plot}]({plot}).");
                text.AppendLine();
            }
            text.AppendLine("### Next to the benchmark paper");
            text.AppendLine();
            text.AppendLine("The tables of Zhang et al. (VLDB 2024, arXiv 2311.15578) could not be reached from this machine. The one AUC-against-memory series in " +
                "their code (`tools/EmbeddingMemoryCompression/scripts/fit_scaling_law.py` in the Hetu repository, a plotting script) is below; it does not say which " +
                "method, data or model it is for (their defaults are Criteo Kaggle, 45,840,617 rows and 33,762,577 values, and DLRM with dimension 16), so only its " +
                "gaps compare. Its 1% of memory keeps about 5,400,000 embedding parameters; this grid's 1% keeps about 80,000 (of 8,060,000), since 1,000,000 " +
                "generated rows hold far fewer values.");
            text.AppendLine();
            text.AppendLine("| memory kept | their AUC | gap to their 0.5 | this grid's best (DeepFM) | gap to this grid's 0.5 best |");
            text.AppendLine("|---|---|---|---|---|");
            var theirs = new (double Ratio, double Auc)[] { (0.5, 0.8083), (0.1, 0.8082), (0.01, 0.8073), (0.001, 0.8033), (0.0001, 0.8021) };
            double BestAt(double ratio) => Best(cells, CtrModel.DeepFM, ratio)?.Auc ?? double.NaN;
            double oursAtHalf = BestAt(0.5);
            foreach (var (ratio, auc) in theirs)
            {
                double ours = BestAt(ratio);
                text.AppendLine($"| {ratio:G} | {auc:F4} | {auc - theirs[0].Auc:+0.0000;-0.0000;0.0000} | " +
                    (double.IsNaN(ours) ? "not measured | |" : $"{ours:F4} | {ours - oursAtHalf:+0.0000;-0.0000;0.0000} |"));
            }
            text.AppendLine();
            int missing = grid.Count(g => !cells.ContainsKey(Cell.Keys(g.Model, g.Method, g.Ratio)));
            if (missing > 0)
                text.AppendLine($"{missing} of {grid.Count} cells are not measured yet.").AppendLine();
            return text.ToString();
        }

        // The full model and the best method at 100x over every seed: the gap against what training alone moves AUC by.
        private static string SeedSpread(Dictionary<string, Cell> cells, CtrModel model)
        {
            if (BestAtHundredfold(cells, model) is not Cell best)
                return "";
            var rows = Seeds.Select(seed => (Seed: seed, Full: cells.GetValueOrDefault(Cell.Keys(model, CtrEmbeddingCompression.None, 1, seed)),
                Best: cells.GetValueOrDefault(Cell.Keys(model, best.Method, best.Ratio, seed)))).ToList();
            if (rows.Any(r => r.Full is null || r.Best is null))
                return $"Seed spread at 100x: not measured yet.{Environment.NewLine}{Environment.NewLine}";
            var text = new StringBuilder();
            text.AppendLine($"The full model and {best.Method} at 0.01 trained with {Seeds.Length} seeds (the trainer's `Seed`: the initial weights and the order rows are trained in; the data and the hash functions stay):");
            text.AppendLine();
            text.AppendLine($"| seed | full tables | {best.Method} at 0.01 | gap |");
            text.AppendLine("|---|---|---|---|");
            foreach (var (seed, full, compressed) in rows)
                text.AppendLine($"| {seed} | {full.Auc:F4} | {compressed.Auc:F4} | {compressed.Auc - full.Auc:+0.0000;-0.0000;0.0000} |");
            double fullMean = rows.Average(r => r.Full.Auc), bestMean = rows.Average(r => r.Best.Auc);
            text.AppendLine($"| mean | {fullMean:F4} | {bestMean:F4} | {bestMean - fullMean:+0.0000;-0.0000;0.0000} |");
            text.AppendLine();
            text.AppendLine($"- Over the seeds the full model spans {rows.Min(r => r.Full.Auc):F4}-{rows.Max(r => r.Full.Auc):F4} and {best.Method} {rows.Min(r => r.Best.Auc):F4}-{rows.Max(r => r.Best.Auc):F4}; " +
                $"the mean gap, {bestMean - fullMean:+0.0000;-0.0000;0.0000}, against the target of 0.001: {(fullMean - bestMean <= 0.001 ? "met" : "not met")}.");
            text.AppendLine();
            return text.ToString();
        }

        // The method best at 100x at the ratios between 0.1 and 0.01, and the least memory at which it is within 0.001 of the full model.
        private static string BetweenTenfoldAndHundredfold(Dictionary<string, Cell> cells, CtrModel model, Cell full)
        {
            if (BestAtHundredfold(cells, model) is not Cell best)
                return "";
            Cell[] measured = Between.Prepend(0.1).Append(0.01).Select(r => cells.GetValueOrDefault(Cell.Keys(model, best.Method, r))).ToArray();
            if (measured.Any(c => c is null))
                return $"{best.Method} between 0.1 and 0.01: not measured yet.{Environment.NewLine}{Environment.NewLine}";
            Cell least = measured.Where(c => c.Failure is null && full.Auc - c.Auc <= 0.001).OrderBy(c => c.Ratio).FirstOrDefault();
            return $"{best.Method} between 0.1 and 0.01 (seed 1): " + string.Join(", ", measured.Select(c => $"{c.Ratio:G} {Describe(c, full)}")) + ". " +
                (least is null ? "It is within 0.001 of the full model at none of them." : $"It is within 0.001 of the full model down to {least.Ratio:G} ({1 / least.Ratio:N0}x less memory).")
                + Environment.NewLine + Environment.NewLine;
        }

        // AUC and its gap to the full model, and the embedding bytes kept; or why the method could not meet the budget.
        private static string Describe(Cell c, Cell full) => c.Failure is not null ? "cannot meet the budget"
            : $"{c.Auc:F4} ({c.Auc - full.Auc:+0.0000;-0.0000;0.0000}; {(double)c.EmbeddingBytes / full.EmbeddingBytes:P2})";
    }
}
