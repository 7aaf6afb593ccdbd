using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExt.Benchmarks.Ctr;
using MLExt.Data;
using MLExt.Trainers;
using MLExt.Transforms;

namespace MLExt.Benchmarks.OptFS
{
    /// <summary>
    /// OptFS feature gates in the CTR trainer against the ungated model: values kept, noise values dropped, test AUC, model file
    /// size and training time, on generated click data whose effects are sparse in values, on the real lending_club, and on the
    /// generated Criteo-like data; and OptFS against OutRank's field selection at the same number of values.
    /// </summary>
    internal static class OptFSBenchmark
    {
        public static string Run(bool quick, Action<string> log)
        {
            var report = new StringBuilder();
            report.AppendLine("## OptFS feature gates");
            report.AppendLine();
            report.AppendLine($"Machine: {Environment.ProcessorCount} cores, CPU. The CTR trainer (DeepFM, embedding 16, MLP 400-400-400, Adam 1e-3, batch, epochs and " +
                "patience chosen from the rows, 10% of the training rows for early stopping on AUC, seed 1) without gates and with `FeatureGates = OptFS` " +
                "(15 search epochs, final temperature 200, rewind epoch 1 unless the row says otherwise, the gates' learning rate chosen from the search's steps). \"Values\" are the ids the gates judge: each field's vocabulary (values seen at least " +
                "twice) and its out-of-vocabulary id, and each standardized numeric field as a whole. Time: the gated Fit (search, then retraining) against the " +
                "plain Fit, as a ratio.");
            report.AppendLine();
            int trainRows = quick ? 40_000 : 200_000, testRows = quick ? 20_000 : 100_000;
            var mlContext = new MLContext(seed: 1);

            var sparse = new CriteoLikeData(new CriteoLikeDataOptions { RowCount = trainRows + testRows, MaxCardinality = 100_000, EffectiveValueShare = 0.3, Seed = 11 });
            report.Append(Generated(mlContext, sparse, $"Generated clicks with value-sparse effects: {trainRows:N0} training rows, {testRows:N0} held out",
                "13 numeric and 26 categorical fields (2 to 100,000 values); in the 9 informative categorical fields only 30% of the values carry an effect, " +
                "the other 17 categorical fields and 6 numeric fields carry none.", trainRows, target: true, log));

            var criteo = new CriteoLikeData(new CriteoLikeDataOptions { RowCount = trainRows + testRows, Seed = 2026 });
            report.Append(Generated(mlContext, criteo, $"Generated Criteo-like: {trainRows:N0} training rows, {testRows:N0} held out",
                "13 numeric and 26 categorical fields (2 to 1,000,000 values); every value of the 9 informative categorical fields carries an effect.", trainRows, target: false, log));

            var (loanTrain, loanTest, loanCategorical, loanNumeric) = CtrBenchmark.LendingClub(mlContext);
            report.Append(Compare(mlContext, "lending_club (real): 80% training, 20% held out, bad = positive", "", loanTrain, loanTest, loanCategorical, loanNumeric,
                new[] { (OptFSOptions.DefaultGateStrength, 1), (15f, 1) }, null, log).Text);
            return report.ToString();
        }

        private static string Generated(MLContext mlContext, CriteoLikeData clicks, string title, string description, int trainRows, bool target, Action<string> log)
        {
            IDataView all = mlContext.Data.Cache(clicks);
            all.GetColumn<bool>("Label").Count();
            IDataView train = mlContext.Data.TakeRows(all, trainRows), test = mlContext.Data.SkipRows(all, trainRows);
            var noise = clicks.NoiseColumns.ToHashSet();
            // The paper's rewind epoch 1 at three strengths; on the value-sparse data also the initial weights (rewind epoch 0).
            var settings = new List<(float, int)> { (2f, 1), (OptFSOptions.DefaultGateStrength, 1), (15f, 1) };
            if (target)
                settings.AddRange(new[] { (2f, 0), (OptFSOptions.DefaultGateStrength, 0) });
            var (text, plain, gated) = Compare(mlContext, title, description, train, test, clicks.CategoricalColumnNames.ToArray(), clicks.NumericColumnNames.ToArray(),
                settings, noise, log);
            var report = new StringBuilder(text);
            var best = gated.First(g => g.Strength == OptFSOptions.DefaultGateStrength && g.Rewind == 1);
            if (target)
            {
                bool met = best.KeptFraction <= 0.5 && best.Auc >= plain.Auc - 0.002;
                report.AppendLine($"Target (the default GateStrength, {OptFSOptions.DefaultGateStrength:G}): at most half of the values kept at no more than 0.002 AUC loss: kept {best.KeptFraction:P1}, " +
                    $"AUC {best.Auc - plain.Auc:+0.0000;-0.0000} against the ungated model ({(met ? "met" : "not met")}).");
                report.AppendLine();
            }

            // OutRank at the same budget: its best fields, taken in rank order while their values add up to no more than OptFS kept.
            log($"{title[..20]}: OutRank at the same budget.");
            string[] fields = clicks.NumericColumnNames.Concat(clicks.CategoricalColumnNames).ToArray();
            OutRankTransformer ranked = mlContext.Transforms.FeatureSelection.SelectFeaturesByOutRank("Label", fields, fields.Length).Fit(train);
            var chosen = new List<string>();
            long budget = best.KeptValues, used = 0;
            foreach (string name in ranked.Ranking.Select(r => r.Name))
            {
                long size = plain.ValuesOfField.TryGetValue(name, out int values) ? values : 1;
                if (used + size > budget)
                    continue;
                chosen.Add(name);
                used += size;
            }
            var options = Options(clicks.CategoricalColumnNames.Where(chosen.Contains).ToArray(), clicks.NumericColumnNames.Where(chosen.Contains).ToArray());
            double outRankAuc;
            using (CtrTransformer model = mlContext.BinaryClassification.Trainers.Ctr(options).Fit(train))
                outRankAuc = mlContext.BinaryClassification.Evaluate(model.Transform(test)).AreaUnderRocCurve;
            report.AppendLine($"At the same budget of {budget:N0} values, OutRank's top fields that fit ({chosen.Count} fields, {used:N0} values: {string.Join(", ", chosen)}) " +
                $"give the ungated DeepFM a test AUC of {outRankAuc:F4}, against OptFS's {best.Auc:F4} ({(best.Auc > outRankAuc ? "OptFS higher: met" : "OptFS not higher: not met")}).");
            report.AppendLine();
            return report.ToString();
        }

        private static CtrTrainer.Options Options(string[] categorical, string[] numeric) => new CtrTrainer.Options
        {
            CategoricalColumnNames = categorical,
            NumericColumnNames = numeric,
            Model = CtrModel.DeepFM,
            Seed = 1,
        };

        private sealed record Plain(double Auc, long EmbeddingBytes, long FileBytes, double Seconds, Dictionary<string, int> ValuesOfField);

        private sealed record Gated(float Strength, int Rewind, double Auc, double KeptFraction, long KeptValues, double NoiseDropped, long EmbeddingBytes, long FileBytes, double Seconds);

        private static (string Text, Plain Plain, List<Gated> Gated) Compare(MLContext mlContext, string title, string description, IDataView train, IDataView test,
            string[] categorical, string[] numeric, IEnumerable<(float Strength, int Rewind)> settings, HashSet<string> noise, Action<string> log)
        {
            string tag = title[..Math.Min(20, title.Length)];
            // The ungated model once before timing: the first Fit in a process pays for JIT compilation and libtorch's start.
            using (mlContext.BinaryClassification.Trainers.Ctr(Options(categorical, numeric)).Fit(mlContext.Data.TakeRows(train, 2000))) { }
            var watch = Stopwatch.StartNew();
            Plain plain;
            using (CtrTransformer model = mlContext.BinaryClassification.Trainers.Ctr(Options(categorical, numeric)).Fit(train))
            {
                double seconds = watch.Elapsed.TotalSeconds;
                var values = FieldValues(model, categorical);
                plain = new Plain(mlContext.BinaryClassification.Evaluate(model.Transform(test)).AreaUnderRocCurve, model.EmbeddingBytes, ModelFiles.SavedBytes(mlContext, model, train.Schema), seconds, values);
            }
            log($"{tag}: ungated AUC {plain.Auc:F4} ({plain.Seconds:F0} s)");
            long allValues = plain.ValuesOfField.Values.Sum() + numeric.Length;

            var gated = new List<Gated>();
            foreach (var (strength, rewind) in settings)
            {
                var options = Options(categorical, numeric);
                options.FeatureGates = CtrFeatureGates.OptFS;
                options.GateStrength = strength;
                options.RewindEpoch = rewind;
                watch.Restart();
                using CtrTransformer model = mlContext.BinaryClassification.Trainers.Ctr(options).Fit(train);
                double seconds = watch.Elapsed.TotalSeconds;
                var values = FieldValues(model, categorical);
                // Values of noise fields dropped: the vocabulary values (the out-of-vocabulary id aside) the gated model no longer has.
                double noiseDropped = noise == null ? double.NaN
                    : 1 - values.Where(p => noise.Contains(p.Key)).Sum(p => p.Value - 1.0) / plain.ValuesOfField.Where(p => noise.Contains(p.Key)).Sum(p => p.Value - 1.0);
                gated.Add(new Gated(strength, rewind, mlContext.BinaryClassification.Evaluate(model.Transform(test)).AreaUnderRocCurve, model.KeptValueFraction,
                    (long)Math.Round(model.KeptValueFraction * allValues), noiseDropped, model.EmbeddingBytes, ModelFiles.SavedBytes(mlContext, model, train.Schema), seconds));
                log($"{tag}: OptFS {strength:G2}, rewind {rewind}: kept {model.KeptValueFraction:P1}, AUC {gated[^1].Auc:F4} ({seconds:F0} s)");
            }

            var text = new StringBuilder();
            text.AppendLine($"### {title}");
            text.AppendLine();
            if (description.Length > 0)
            {
                text.AppendLine(description);
                text.AppendLine();
            }
            text.AppendLine($"| model | values kept | {(noise == null ? "" : "noise-field values dropped | ")}test AUC | AUC vs ungated | embeddings | model file | training time vs ungated |");
            text.AppendLine($"|---|---|{(noise == null ? "" : "---|")}---|---|---|---|---|");
            text.AppendLine($"| DeepFM, no gates | {allValues:N0} (100%) | {(noise == null ? "" : "0% | ")}{plain.Auc:F4} | | {plain.EmbeddingBytes / 1024.0:N0} KiB | {plain.FileBytes / 1024.0:N0} KiB | 1.00 ({plain.Seconds:F0} s) |");
            foreach (Gated g in gated)
                text.AppendLine($"| DeepFM + OptFS, GateStrength {g.Strength:G2}{(g.Rewind == 1 ? "" : $", RewindEpoch {g.Rewind}")} | {g.KeptValues:N0} ({g.KeptFraction:P1}) | {(noise == null ? "" : $"{g.NoiseDropped:P1} | ")}{g.Auc:F4} | " +
                    $"{g.Auc - plain.Auc:+0.0000;-0.0000} | {g.EmbeddingBytes / 1024.0:N0} KiB | {g.FileBytes / 1024.0:N0} KiB | {g.Seconds / plain.Seconds:F2} ({g.Seconds:F0} s) |");
            text.AppendLine();
            return (text.ToString(), plain, gated);
        }

        // Each categorical field's values in the model: its vocabulary and its out-of-vocabulary id.
        private static Dictionary<string, int> FieldValues(CtrTransformer model, string[] categorical)
            => categorical.Select((name, f) => (name, size: model.NetworkSpec.FieldSizes[f])).ToDictionary(p => p.name, p => p.size);
    }
}
