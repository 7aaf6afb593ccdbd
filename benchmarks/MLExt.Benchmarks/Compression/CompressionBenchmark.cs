using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExt.Benchmarks.Ctr;
using MLExt.Data;
using MLExt.Trainers;
using MLExt.Transforms;

namespace MLExt.Benchmarks.Compression
{
    /// <summary>
    /// Embedding compression in the CTR trainer: test AUC, stored embedding bytes, saved model size and training and scoring time
    /// of each method at several memory ratios against the full tables; and learned embeddings as LightGBM's input against
    /// one-hot hashing.
    /// </summary>
    internal static class CompressionBenchmark
    {
        /// <summary>The methods sized to a memory budget.</summary>
        public static readonly CtrEmbeddingCompression[] Sized =
        {
            CtrEmbeddingCompression.Hashing, CtrEmbeddingCompression.QuotientRemainder, CtrEmbeddingCompression.MultiHash,
            CtrEmbeddingCompression.TensorTrain, CtrEmbeddingCompression.Robe, CtrEmbeddingCompression.MixedDimension, CtrEmbeddingCompression.DeepHashEmbedding,
            CtrEmbeddingCompression.Unified, CtrEmbeddingCompression.Pruning,
        };

        /// <summary>A method as the benchmarks run it: a compression method, with the Unified fields' shared table stored at a precision.
        /// Written "Unified" or "Unified Int8".</summary>
        public readonly record struct Storage(CtrEmbeddingCompression Method, CtrEmbeddingPrecision Precision = CtrEmbeddingPrecision.Float32)
        {
            public static implicit operator Storage(CtrEmbeddingCompression method) => new Storage(method);

            public override string ToString() => Precision == CtrEmbeddingPrecision.Float32 ? Method.ToString() : $"{Method} {Precision}";

            public static Storage Parse(string text)
            {
                string[] parts = text.Split(' ');
                return new Storage(Enum.Parse<CtrEmbeddingCompression>(parts[0]), parts.Length > 1 ? Enum.Parse<CtrEmbeddingPrecision>(parts[1]) : CtrEmbeddingPrecision.Float32);
            }
        }

        /// <summary>The sized methods, then Unified with its shared table in 8 and in 4 bits (EmbeddingPrecision).</summary>
        public static readonly Storage[] Methods = Sized.Select(m => (Storage)m)
            .Concat(new[] { CtrEmbeddingPrecision.Int8, CtrEmbeddingPrecision.Int4 }.Select(p => new Storage(CtrEmbeddingCompression.Unified, p))).ToArray();

        public static string Run(bool quick, string folder, Action<string> log)
        {
            var report = new StringBuilder();
            report.AppendLine("## Embedding compression");
            report.AppendLine();
            int trainRows = quick ? 40_000 : 200_000, testRows = quick ? 20_000 : 100_000;
            var mlContext = new MLContext(seed: 1);
            var clicks = new CriteoLikeData(new CriteoLikeDataOptions { RowCount = trainRows + testRows, Seed = 2026 });
            IDataView all = mlContext.Data.Cache(clicks);
            all.GetColumn<bool>("Label").Count();
            IDataView train = mlContext.Data.TakeRows(all, trainRows), test = mlContext.Data.SkipRows(all, trainRows);
            report.Append(AucAgainstMemory(mlContext, clicks, train, test, trainRows, testRows, quick, folder, log));

            var (loanTrain, loanTest, loanCategorical, loanNumeric) = CtrBenchmark.LendingClub(mlContext);
            report.AppendLine("### Learned embeddings as LightGBM's input");
            report.AppendLine();
            report.AppendLine("`mlContext.Transforms.Categorical.LearnEmbeddings` (DeepFM, embedding 8, defaults otherwise) feeds LightGBM each categorical column's " +
                "learned embedding; the peer feeds LightGBM the same columns one-hot hash encoded (2^12 slots each). Both get the numeric columns as they are.");
            report.AppendLine();
            report.AppendLine("| data | LightGBM on one-hot hashing: test AUC | LightGBM on learned embeddings: test AUC | gain |");
            report.AppendLine("|---|---|---|---|");
            report.AppendLine(LearnedAgainstOneHot(mlContext, "lending_club (real), 20% held out", loanTrain, loanTest, loanCategorical, loanNumeric, log));
            report.AppendLine(LearnedAgainstOneHot(mlContext, $"generated Criteo-like, {trainRows:N0} training rows", train, test,
                clicks.CategoricalColumnNames.ToArray(), clicks.NumericColumnNames.ToArray(), log));
            report.AppendLine();
            return report.ToString();
        }

        private static string AucAgainstMemory(MLContext mlContext, CriteoLikeData clicks, IDataView train, IDataView test, int trainRows, int testRows, bool quick,
            string folder, Action<string> log)
        {
            var text = new StringBuilder();
            text.AppendLine($"### AUC against memory: generated Criteo-like, {trainRows:N0} training rows, {testRows:N0} held out, DeepFM");
            text.AppendLine();
            text.AppendLine($"Machine: {Environment.ProcessorCount} cores, CPU. DeepFM (embedding 16, MLP 400-400-400, batch, epochs and patience chosen from the rows, " +
                "10% of the training rows for early stopping on AUC, seed 1) on 13 numeric and 26 categorical fields of 2 to 1,000,000 values. \"Memory kept\" is " +
                "`EmbeddingMemoryRatio`; \"embeddings\" the stored bytes (`EmbeddingBytes`) against the full tables'; training time is the whole Fit against the full " +
                "tables' Fit; scoring is batched `Transform` over the held-out rows. The grid at 1,000,000 rows, with DCNv2 and every ratio, is the next section.");
            text.AppendLine();
            text.AppendLine("| method | memory kept | test AUC | AUC vs full | embeddings | model file | training time vs full | scoring time vs full |");
            text.AppendLine("|---|---|---|---|---|---|---|---|");
            CtrTrainer.Options Options(Storage method, double ratio) => new CtrTrainer.Options
            {
                CategoricalColumnNames = clicks.CategoricalColumnNames.ToArray(),
                NumericColumnNames = clicks.NumericColumnNames.ToArray(),
                Model = CtrModel.DeepFM,
                EmbeddingCompression = method.Method,
                EmbeddingPrecision = method.Precision,
                EmbeddingMemoryRatio = ratio,
                Seed = 1,
            };
            // One Fit before timing: the first in a process pays for JIT compilation and libtorch's start.
            using (mlContext.BinaryClassification.Trainers.Ctr(Options(CtrEmbeddingCompression.None, 1)).Fit(mlContext.Data.TakeRows(train, 2000))) { }
            var full = Measure(mlContext, Options(CtrEmbeddingCompression.None, 1), train, test);
            text.AppendLine($"| full tables | 1 | {full.Auc:F4} | | {full.EmbeddingBytes / 1024.0:N0} KiB | {full.FileBytes / 1024.0:N0} KiB | 1.00 ({full.TrainSeconds:F0} s) | 1.00 |");
            log($"Compression: full AUC {full.Auc:F4} ({full.TrainSeconds:F0} s)");
            var settings = new List<(Storage Method, double Ratio)> { (CtrEmbeddingCompression.Int8, 1), (CtrEmbeddingCompression.Int4, 1) };
            var curves = Methods.ToDictionary(method => method.ToString(), _ => new List<(double Ratio, double Auc)> { (1, full.Auc) });
            foreach (double ratio in quick ? new[] { 0.01 } : new[] { 0.1, 0.01, 0.001 })
                settings.AddRange(Methods.Select(method => (method, ratio)));
            foreach (var (method, ratio) in settings)
            {
                string line;
                try
                {
                    var m = Measure(mlContext, Options(method, ratio), train, test);
                    line = $"| {method} | {ratio:G} | {m.Auc:F4} | {m.Auc - full.Auc:+0.0000;-0.0000;0.0000} | {m.EmbeddingBytes / 1024.0:N0} KiB ({(double)m.EmbeddingBytes / full.EmbeddingBytes:P2}) | " +
                        $"{m.FileBytes / 1024.0:N0} KiB | {m.TrainSeconds / full.TrainSeconds:F2} ({m.TrainSeconds:F0} s) | {m.ScoreSeconds / full.ScoreSeconds:F2} |";
                    log($"Compression: {method} {ratio:G} AUC {m.Auc:F4} ({m.TrainSeconds:F0} s)");
                    if (curves.TryGetValue(method.ToString(), out var curve))
                        curve.Add((ratio, m.Auc));
                }
                catch (ArgumentOutOfRangeException error)
                {
                    // A method that cannot meet a field's share says so; the table says which.
                    line = $"| {method} | {ratio:G} | cannot meet the budget: {error.Message.Split(" Raise")[0].Replace("|", "/")} | | | | | |";
                    log($"Compression: {method} {ratio:G}: {error.Message}");
                }
                text.AppendLine(line);
            }
            text.AppendLine();
            if (!quick)
            {
                File.WriteAllText(Path.Combine(folder, "compression-auc-memory.svg"), Plot(curves, full.Auc, "DeepFM test AUC against embedding memory kept (generated Criteo-like)"));
                text.AppendLine("The same as a curve: [compression-auc-memory.svg](compression-auc-memory.svg) (test AUC against memory kept, log scale).");
                text.AppendLine();
            }
            return text.ToString();
        }

        /// <summary>Test AUC against the memory kept (log scale), a line per method (keyed by its label), the full model's AUC dashed.</summary>
        public static string Plot(Dictionary<string, List<(double Ratio, double Auc)>> curves, double fullAuc, string title)
        {
            const int width = 720, height = 420, left = 70, right = 190, top = 30, bottom = 50;
            double minAuc = Math.Floor(curves.Values.SelectMany(c => c).Min(p => p.Auc) * 100) / 100, maxAuc = Math.Ceiling(fullAuc * 100 + 0.5) / 100;
            double minLog = curves.Values.SelectMany(c => c).Min(p => Math.Log10(p.Ratio));
            double X(double ratio) => left + (Math.Log10(ratio) - minLog) / (0 - minLog) * (width - left - right);
            double Y(double auc) => top + (maxAuc - auc) / (maxAuc - minAuc) * (height - top - bottom);
            string[] colours = { "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#000080" };
            var svg = new StringBuilder();
            svg.AppendLine($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">");
            svg.AppendLine($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>");
            svg.AppendLine($"<text x=\"{left}\" y=\"18\">{title}</text>");
            for (double auc = minAuc; auc <= maxAuc + 1e-9; auc += 0.01)
                svg.AppendLine($"<line x1=\"{left}\" x2=\"{width - right}\" y1=\"{Y(auc):F1}\" y2=\"{Y(auc):F1}\" stroke=\"#ddd\"/><text x=\"{left - 40}\" y=\"{Y(auc) + 4:F1}\">{auc:F2}</text>");
            for (int power = (int)Math.Round(minLog); power <= 0; power++)
                svg.AppendLine($"<text x=\"{X(Math.Pow(10, power)) - 12:F1}\" y=\"{height - bottom + 18}\">{Math.Pow(10, power):G}</text>");
            svg.AppendLine($"<text x=\"{left + 150}\" y=\"{height - 12}\">memory kept (EmbeddingMemoryRatio)</text>");
            svg.AppendLine($"<line x1=\"{left}\" x2=\"{width - right}\" y1=\"{Y(fullAuc):F1}\" y2=\"{Y(fullAuc):F1}\" stroke=\"black\" stroke-dasharray=\"4 3\"/>");
            int index = 0;
            foreach (var (method, curve) in curves)
            {
                string colour = colours[index % colours.Length];
                string points = string.Join(" ", curve.OrderBy(p => p.Ratio).Select(p => $"{X(p.Ratio):F1},{Y(p.Auc):F1}"));
                svg.AppendLine($"<polyline points=\"{points}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>");
                svg.AppendLine($"<text x=\"{width - right + 10}\" y=\"{top + 16 * index + 10}\" fill=\"{colour}\">{method}</text>");
                index++;
            }
            svg.AppendLine($"<text x=\"{width - right + 10}\" y=\"{top + 16 * index + 10}\">- - full tables</text>");
            svg.AppendLine("</svg>");
            return svg.ToString();
        }

        public sealed record Measured(double Auc, long EmbeddingBytes, long FileBytes, double TrainSeconds, double ScoreSeconds);

        /// <summary>Fits, scores the held-out rows and saves the model once, timing the first two.</summary>
        public static Measured Measure(MLContext mlContext, CtrTrainer.Options options, IDataView train, IDataView test)
        {
            var watch = Stopwatch.StartNew();
            using CtrTransformer model = mlContext.BinaryClassification.Trainers.Ctr(options).Fit(train);
            double trainSeconds = watch.Elapsed.TotalSeconds;
            watch.Restart();
            IDataView scored = model.Transform(test);
            scored.GetColumn<float>("Probability").Count();
            double scoreSeconds = watch.Elapsed.TotalSeconds;
            double auc = mlContext.BinaryClassification.Evaluate(scored).AreaUnderRocCurve;
            return new Measured(auc, model.EmbeddingBytes, ModelFiles.SavedBytes(mlContext, model, train.Schema), trainSeconds, scoreSeconds);
        }

        private static string LearnedAgainstOneHot(MLContext mlContext, string title, IDataView train, IDataView test, string[] categorical, string[] numeric, Action<string> log)
        {
            var numbers = mlContext.Transforms.Concatenate("Numbers", numeric).Append(mlContext.Transforms.ReplaceMissingValues("Numbers"));
            var hashed = categorical.Select(c => new InputOutputColumnPair("hashed_" + c, c)).ToArray();
            var oneHot = mlContext.Transforms.Categorical.OneHotHashEncoding(hashed, numberOfBits: 12).Append(numbers)
                .Append(mlContext.Transforms.Concatenate("Features", hashed.Select(h => h.OutputColumnName).Append("Numbers").ToArray()))
                .Append(mlContext.BinaryClassification.Trainers.LightGbm());
            double oneHotAuc = mlContext.BinaryClassification.Evaluate(oneHot.Fit(train).Transform(test)).AreaUnderRocCurve;

            var learned = mlContext.Transforms.Categorical.LearnEmbeddings(new LearnEmbeddingsOptions
            {
                OutputColumnName = "Embeddings", CategoricalColumnNames = categorical, NumericColumnNames = numeric, EmbeddingDimension = 8, Seed = 1,
            });
            var embedded = learned.Append(numbers).Append(mlContext.Transforms.Concatenate("Features", "Embeddings", "Numbers"))
                .Append(mlContext.BinaryClassification.Trainers.LightGbm());
            var model = embedded.Fit(train);
            double learnedAuc = mlContext.BinaryClassification.Evaluate(model.Transform(test)).AreaUnderRocCurve;
            foreach (var part in model.OfType<IDisposable>())
                part.Dispose();
            log($"Learned embeddings, {title}: one-hot {oneHotAuc:F4}, learned {learnedAuc:F4}");
            return $"| {title} | {oneHotAuc:F4} | {learnedAuc:F4} | {learnedAuc - oneHotAuc:+0.0000;-0.0000;0.0000} |";
        }
    }
}
