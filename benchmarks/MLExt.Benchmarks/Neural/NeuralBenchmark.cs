using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLExt.Data;
using MLExt.Neural;
using MLExt.Neural.Tasks;
using MLExt.Neural.Training;
using MLExt.Trainers;
using MLExt.Transforms;

namespace MLExt.Benchmarks.Neural
{
    /// <summary>
    /// The neural engine's regularizers and TabularNet: field selection by group lasso and k-sparsity on planted data next to
    /// OutRank, early-learning regularization under label noise, multi-sample dropout's epochs to a loss, and TabularNet against
    /// LightGBM and FastTree on real data.
    /// </summary>
    internal static class NeuralBenchmark
    {
        public static string Run(bool quick, Action<string> log)
        {
            var report = new StringBuilder();
            report.AppendLine("## Neural regularizers and TabularNet");
            report.AppendLine();
            report.AppendLine($"Machine: {Environment.ProcessorCount} cores, CPU. Every model here is trained by the shared neural engine; seeds fixed.");
            report.AppendLine();
            report.Append(PlantedFields(quick, log));
            report.Append(NoisyLabels(quick, log));
            report.Append(MultiSampleDropout(quick, log));
            report.Append(TabularNetAgainstTrees(log));
            return report.ToString();
        }

        /// <summary>The CTR trainer with every size left to the data against the former fixed defaults, on a small real table.</summary>
        public static string RunDefaults(Action<string> log)
        {
            var mlContext = new MLContext(seed: 1);
            var (train, test, categorical, numeric) = Ctr.CtrBenchmark.LendingClub(mlContext);
            var text = new StringBuilder();
            text.AppendLine("## Defaults chosen from the data");
            text.AppendLine();
            text.AppendLine("lending_club (7,900 training loans, bad = positive), the CTR trainer with no settings but the columns and the model: batch size, " +
                "epochs and patience chosen from the training rows, against the fixed defaults the trainer had before (batch 4,096, 10 epochs, patience 2), " +
                "and ML.NET's FastTree (one-hot categorical columns, defaults).");
            text.AppendLine();
            text.AppendLine("| model | chosen from the rows: test AUC | settings chosen | fixed batch 4,096: test AUC |");
            text.AppendLine("|---|---|---|---|");
            foreach (CtrModel model in new[] { CtrModel.DeepFM, CtrModel.DCNv2 })
            {
                string chosen = "";
                void Listen(object sender, LoggingEventArgs e)
                {
                    int at = e.Message.IndexOf("; batch ", StringComparison.Ordinal);
                    if (at >= 0)
                        chosen = e.Message[(at + 2)..].Replace(" (unset ones chosen from the training rows).", "");
                }
                double Auc(CtrTrainer.Options options)
                {
                    using CtrTransformer fitted = mlContext.BinaryClassification.Trainers.Ctr(options).Fit(train);
                    return mlContext.BinaryClassification.Evaluate(fitted.Transform(test)).AreaUnderRocCurve;
                }
                mlContext.Log += Listen;
                double auto = Auc(new CtrTrainer.Options { CategoricalColumnNames = categorical, NumericColumnNames = numeric, Model = model, Seed = 1 });
                mlContext.Log -= Listen;
                double fixedSizes = Auc(new CtrTrainer.Options
                {
                    CategoricalColumnNames = categorical, NumericColumnNames = numeric, Model = model, BatchSize = 4096, NumberOfEpochs = 10, EarlyStoppingPatience = 2, Seed = 1,
                });
                log($"Defaults {model}: chosen {auto:F4} ({chosen}), fixed {fixedSizes:F4}");
                text.AppendLine($"| {model} | {auto:F4} | {chosen} | {fixedSizes:F4} |");
            }
            var encode = mlContext.Transforms.Categorical.OneHotEncoding(categorical.Select(c => new InputOutputColumnPair(c + "_1h", c)).ToArray())
                .Append(mlContext.Transforms.Concatenate("Features", categorical.Select(c => c + "_1h").Concat(numeric).ToArray()))
                .Append(mlContext.BinaryClassification.Trainers.FastTree());
            double tree = mlContext.BinaryClassification.Evaluate(encode.Fit(train).Transform(test)).AreaUnderRocCurve;
            log($"Defaults FastTree: {tree:F4}");
            text.AppendLine($"| ML.NET FastTree | {tree:F4} | | |");
            text.AppendLine();
            return text.ToString();
        }

        // ---- Planted fields -------------------------------------------------------------------------------------------------

        private static string PlantedFields(bool quick, Action<string> log)
        {
            int trainRows = quick ? 40_000 : 200_000, testRows = quick ? 20_000 : 100_000;
            var mlContext = new MLContext(seed: 1);
            var clicks = new CriteoLikeData(new CriteoLikeDataOptions { RowCount = trainRows + testRows, MaxCardinality = 100_000, Seed = 7 });
            IDataView all = mlContext.Data.Cache(clicks);
            IDataView train = mlContext.Data.TakeRows(all, trainRows), test = mlContext.Data.SkipRows(all, trainRows);
            string[] fields = clicks.NumericColumnNames.Concat(clicks.CategoricalColumnNames).ToArray();
            var informative = clicks.InformativeColumns.ToHashSet();

            CtrTrainer.Options Options(IEnumerable<string> use) => new CtrTrainer.Options
            {
                CategoricalColumnNames = clicks.CategoricalColumnNames.Where(use.Contains).ToArray(),
                NumericColumnNames = clicks.NumericColumnNames.Where(use.Contains).ToArray(),
                Model = CtrModel.FM, EmbeddingDimension = 8, BatchSize = 1024, NumberOfEpochs = 8, LearningRate = 3e-3f, Seed = 1,
            };
            (double Auc, string[] Kept) Fit(CtrTrainer.Options options)
            {
                using CtrTransformer model = mlContext.BinaryClassification.Trainers.Ctr(options).Fit(train);
                double auc = mlContext.BinaryClassification.Evaluate(model.Transform(test)).AreaUnderRocCurve;
                return (auc, model.FieldNorms.Where(p => p.Value > 0).Select(p => p.Key).ToArray());
            }

            log("Planted fields: OutRank ranking.");
            OutRankTransformer ranked = mlContext.Transforms.FeatureSelection.SelectFeaturesByOutRank("Label", fields, fields.Length).Fit(train);
            string[] order = ranked.Ranking.Select(r => r.Name).ToArray();
            double allAuc = Fit(Options(fields)).Auc;

            var text = new StringBuilder();
            text.AppendLine($"### Planted fields: {trainRows:N0} generated training rows, {testRows:N0} held out");
            text.AppendLine();
            text.AppendLine($"13 numeric and 26 categorical fields (2 to 100,000 values); {informative.Count} informative ({string.Join(", ", clicks.InformativeColumns)}), " +
                $"the other {fields.Length - informative.Count} pure noise of every cardinality. FM, embedding 8, batch 1,024, up to 8 epochs, early stopping on AUC. " +
                "A field is kept when its FieldNorms entry is not zero. \"Refit\" is the same unregularized FM trained on the kept fields only; beside it, " +
                $"OutRank's top fields at the same count and the unregularized FM on those. All {fields.Length} fields, unregularized: test AUC {allAuc:F4}.");
            text.AppendLine();
            text.AppendLine("| regularizer | fields kept | precision | recall | test AUC (regularized) | test AUC (refit) | OutRank top-n precision | recall | test AUC (FM on those) |");
            text.AppendLine("|---|---|---|---|---|---|---|---|---|");
            var settings = new List<(string Name, Action<CtrTrainer.Options> Set)>
            {
                ("FieldGroupLasso 0.5", o => o.FieldGroupLasso = 0.5f),
                ("FieldGroupLasso 1", o => o.FieldGroupLasso = 1f),
                ("FieldGroupLasso 1.5", o => o.FieldGroupLasso = 1.5f),
                ("FieldGroupLasso 2", o => o.FieldGroupLasso = 2f),
                ("SparseFieldCount 8", o => o.SparseFieldCount = 8),
                ($"SparseFieldCount {informative.Count}", o => o.SparseFieldCount = informative.Count),
                ("SparseFieldCount 24", o => o.SparseFieldCount = 24),
            };
            foreach (var (name, set) in settings)
            {
                var options = Options(fields);
                set(options);
                var (auc, kept) = Fit(options);
                int n = kept.Length;
                string[] top = order.Take(n).ToArray();
                double refitAuc = n == 0 ? double.NaN : Fit(Options(kept)).Auc, topAuc = n == 0 ? double.NaN : Fit(Options(top)).Auc;
                log($"{name}: kept {n} ({string.Join(" ", kept)}), AUC {auc:F4}, refit {refitAuc:F4}; OutRank top {n} AUC {topAuc:F4}");
                text.AppendLine($"| {name} | {n} | {Precision(kept, informative):F2} | {Recall(kept, informative):F2} | {auc:F4} | {refitAuc:F4} | " +
                    $"{Precision(top, informative):F2} | {Recall(top, informative):F2} | {topAuc:F4} |");
            }
            // Rankings from group-lasso paths (Wide & Deep, MLP 128): the last fields to leave, as many as are informative.
            foreach (float hierarchy in new[] { 0f, 1f })
            {
                var options = Options(fields);
                options.Model = CtrModel.WideAndDeep;
                options.HiddenLayers = new[] { 128 };
                options.FieldGroupLassoHierarchy = hierarchy;
                options.FieldGroupLassoPath = 20;
                string[] lastOut;
                using (CtrTransformer model = mlContext.BinaryClassification.Trainers.Ctr(options).Fit(train))
                    lastOut = model.FieldExitOrder.Select(e => e.Field).Reverse().Take(informative.Count).ToArray();
                string[] top = order.Take(lastOut.Length).ToArray();
                double refitAuc = Fit(Options(lastOut)).Auc, topAuc = Fit(Options(top)).Auc;
                string name = $"FieldGroupLassoPath 20 steps{(hierarchy > 0 ? ", hierarchical M = 1" : "")} (Wide & Deep): the last {lastOut.Length} out";
                log($"{name}: {string.Join(" ", lastOut)}, refit {refitAuc:F4}; OutRank top {lastOut.Length} AUC {topAuc:F4}");
                text.AppendLine($"| {name} | {lastOut.Length} | {Precision(lastOut, informative):F2} | {Recall(lastOut, informative):F2} | (dense model) | {refitAuc:F4} | " +
                    $"{Precision(top, informative):F2} | {Recall(top, informative):F2} | {topAuc:F4} |");
            }
            text.AppendLine();
            return text.ToString();
        }

        private static double Precision(string[] kept, HashSet<string> informative) => kept.Length == 0 ? double.NaN : kept.Count(informative.Contains) / (double)kept.Length;

        private static double Recall(string[] kept, HashSet<string> informative) => kept.Count(informative.Contains) / (double)informative.Count;

        // ---- Noisy labels ---------------------------------------------------------------------------------------------------

        public sealed class DigitRow
        {
            [VectorType(64)] public float[] Pixels { get; set; }
            public float Digit { get; set; }
        }

        private static string NoisyLabels(bool quick, Action<string> log)
        {
            var text = new StringBuilder();
            text.AppendLine("### Noisy labels: early-learning regularization (ELR, lambda 3, beta 0.7) against the plain loss");
            text.AppendLine();
            text.AppendLine("A share of the training labels is flipped at random (binary: to the other class; multiclass: to another class, uniformly); the test " +
                "labels are clean. Both sides train a fixed number of epochs without early stopping (the noisy validation split would otherwise stop the plain " +
                "model before it memorizes, which a user without clean validation data cannot count on).");
            text.AppendLine();
            text.AppendLine("| data | model | label noise | plain | ELR | ELR - plain |");
            text.AppendLine("|---|---|---|---|---|---|");
            var mlContext = new MLContext(seed: 1);

            // Generated clicks, DeepFM, test AUC.
            int rows = quick ? 40_000 : 100_000;
            var clicks = new CriteoLikeData(new CriteoLikeDataOptions { RowCount = rows + 50_000, MaxCardinality = 10_000, LabelNoise = 0, Seed = 11 });
            IDataView all = mlContext.Data.Cache(clicks);
            IDataView cleanTrain = mlContext.Data.TakeRows(all, rows), test = mlContext.Data.SkipRows(all, rows);
            foreach (double noise in new[] { 0.0, 0.2, 0.4 })
            {
                IDataView noisy = FlipBinary(mlContext, cleanTrain, noise, seed: 5);
                double Auc(float elr)
                {
                    var options = new CtrTrainer.Options
                    {
                        CategoricalColumnNames = clicks.CategoricalColumnNames.ToArray(), NumericColumnNames = clicks.NumericColumnNames.ToArray(),
                        Model = CtrModel.DeepFM, EmbeddingDimension = 16, HiddenLayers = new[] { 256, 256 }, BatchSize = 1024, NumberOfEpochs = 8,
                        ValidationFraction = 0, EarlyLearningRegularization = elr, Seed = 1,
                    };
                    using CtrTransformer model = mlContext.BinaryClassification.Trainers.Ctr(options).Fit(noisy);
                    return mlContext.BinaryClassification.Evaluate(model.Transform(test)).AreaUnderRocCurve;
                }
                double plain = Auc(0), elr = Auc(3);
                log($"Noisy clicks {noise:P0}: plain {plain:F4}, ELR {elr:F4}");
                text.AppendLine($"| generated clicks ({rows:N0} training rows), test AUC | DeepFM | {noise:P0} | {plain:F4} | {elr:F4} | {elr - plain:+0.0000;-0.0000} |");
            }

            // Real digits, TabularNet multiclass, test accuracy.
            foreach (double noise in new[] { 0.0, 0.2, 0.4 })
            {
                var (noisy, digitsTest) = Digits(mlContext, noise);
                double Accuracy(float elr)
                {
                    var options = new TabularNetTrainer.Options
                    {
                        NumericColumnNames = new[] { "Pixels" }, NumberOfEpochs = 60, ValidationFraction = 0, EarlyLearningRegularization = elr, Seed = 1,
                    };
                    using TabularNetTransformer model = mlContext.MulticlassClassification.Trainers.TabularNet(options).Fit(noisy);
                    return mlContext.MulticlassClassification.Evaluate(model.Transform(digitsTest)).MicroAccuracy;
                }
                double plain = Accuracy(0), elr = Accuracy(3);
                log($"Noisy digits {noise:P0}: plain {plain:F4}, ELR {elr:F4}");
                text.AppendLine($"| digits (real, {noisy.GetColumn<float>("Digit").Count():N0} training rows), test accuracy | TabularNet | {noise:P0} | {plain:F4} | {elr:F4} | {elr - plain:+0.0000;-0.0000} |");
            }
            text.AppendLine();
            return text.ToString();
        }

        // A copy of the rows with a share of the labels flipped to the other class, the same flips for every reader.
        private static IDataView FlipBinary(MLContext mlContext, IDataView data, double share, int seed)
        {
            var random = new Random(seed);
            var rows = mlContext.Data.CreateEnumerable<CriteoRow>(data, reuseRowObject: false, ignoreMissingColumns: true).ToList();
            foreach (CriteoRow row in rows)
                if (random.NextDouble() < share)
                    row.Label = !row.Label;
            return mlContext.Data.LoadFromEnumerable(rows);
        }

        // ---- Multi-sample dropout -------------------------------------------------------------------------------------------

        /// <summary>Records the validation log loss (binary) after every epoch.</summary>
        private sealed class ValidationLossRecorder : TrainingHook
        {
            private TrainingRun _run;

            public List<double> Losses { get; } = new List<double>();

            public override void Begin(TrainingRun run) => _run = run;

            public override void EndEpoch(int epoch, Action<string> log)
            {
                var batch = new TensorBatch(4096, _run.Validation.IdWidth, _run.Validation.NumericFields);
                float[] logits = TrainingLoop.Predict(_run.Network, _run.Validation, batch, _run.Device);
                _run.Network.train();
                float[] labels = _run.Validation.Labels;
                Losses.Add(logits.Select((z, i) => labels[i] > 0.5f ? Softplus(-z) : Softplus(z)).Average() / Math.Log(2));
            }

            private static double Softplus(double z) => z > 30 ? z : Math.Log(1 + Math.Exp(z));
        }

        private static string MultiSampleDropout(bool quick, Action<string> log)
        {
            int rows = quick ? 40_000 : 200_000;
            var mlContext = new MLContext(seed: 1);
            var clicks = new CriteoLikeData(new CriteoLikeDataOptions { RowCount = rows, MaxCardinality = 1_000, Seed = 13 });
            IDataView data = mlContext.Data.Cache(clicks);
            var host = ((IHostEnvironment)mlContext).Register("benchmark");
            var text = new StringBuilder();
            text.AppendLine($"### Multi-sample dropout: epochs to the plain-dropout model's best validation log loss ({rows:N0} generated rows, 10% validation)");
            text.AppendLine();
            text.AppendLine("Fields of at most 1,000 values; DeepFM, MLP 400-400-400, dropout 0.5, Adam 3e-4, batch 1,024, 12 epochs without early stopping or " +
                "learning-rate drops; validation log loss in bits after each epoch.");
            text.AppendLine();
            text.AppendLine("| dropout samples | best validation log loss | epoch of the best | first epoch at or below the plain model's best | seconds per epoch | log loss by epoch |");
            text.AppendLine("|---|---|---|---|---|---|");
            double plainBest = double.NaN;
            foreach (int samples in new[] { 1, 4, 8 })
            {
                var options = new CtrTrainer.Options
                {
                    CategoricalColumnNames = clicks.CategoricalColumnNames.ToArray(), NumericColumnNames = clicks.NumericColumnNames.ToArray(), Model = CtrModel.DeepFM,
                    BatchSize = 1024, NumberOfEpochs = 12, EarlyStoppingPatience = 100, ReduceLearningRateOnPlateau = false, LearningRate = 3e-4f, Dropout = 0.5f,
                    DropoutSamples = samples, Seed = 1,
                };
                var recorder = new ValidationLossRecorder();
                var watch = Stopwatch.StartNew();
                var trained = NeuralFit.Train(host, data, options, NeuralTask.Binary, "DeepFM", featurizer => CtrTrainer.NetworkSpec(options, featurizer), new[] { recorder });
                double seconds = watch.Elapsed.TotalSeconds / options.NumberOfEpochs;
                trained.Network.Dispose();
                double best = recorder.Losses.Min();
                if (samples == 1)
                    plainBest = best;
                int reached = recorder.Losses.FindIndex(l => l <= plainBest);
                log($"MSD {samples}: validation log loss by epoch {string.Join(" ", recorder.Losses.Select(l => l.ToString("F4")))}");
                text.AppendLine($"| {samples} | {best:F5} | {recorder.Losses.IndexOf(best) + 1} | {(reached < 0 ? "never" : (reached + 1).ToString())} | {seconds:F1} | " +
                    $"{string.Join(" ", recorder.Losses.Select(l => l.ToString("F4")))} |");
            }
            text.AppendLine();
            return text.ToString();
        }

        // ---- TabularNet against trees ---------------------------------------------------------------------------------------

        // The digits split 80/20, the training labels with a share flipped to another digit, each digit a key (0-9 in order).
        private static (IDataView Train, IDataView Test) Digits(MLContext mlContext, double flipShare = 0, int seed = 5)
        {
            string path = Path.Combine(AppContext.BaseDirectory, "Data", "digits.csv");
            var columns = new[] { new TextLoader.Column("Pixels", DataKind.Single, 0, 63), new TextLoader.Column("Digit", DataKind.Single, 64) };
            IDataView digits = mlContext.Data.LoadFromTextFile(path, columns, separatorChar: ',', hasHeader: false);
            var split = mlContext.Data.TrainTestSplit(digits, testFraction: 0.2, seed: 2026);
            var random = new Random(seed);
            var train = mlContext.Data.CreateEnumerable<DigitRow>(split.TrainSet, reuseRowObject: false).ToList();
            foreach (DigitRow row in train)
                if (random.NextDouble() < flipShare)
                    row.Digit = (row.Digit + 1 + random.Next(9)) % 10;
            var toKey = mlContext.Transforms.Conversion.MapValueToKey("Label", "Digit", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue).Fit(digits);
            return (mlContext.Data.Cache(toKey.Transform(mlContext.Data.LoadFromEnumerable(train))), mlContext.Data.Cache(toKey.Transform(split.TestSet)));
        }

        private static string TabularNetAgainstTrees(Action<string> log)
        {
            var mlContext = new MLContext(seed: 1);
            var text = new StringBuilder();
            text.AppendLine("### TabularNet against LightGBM and FastTree (real data, 80/20 split, defaults on every side)");
            text.AppendLine();
            text.AppendLine("TabularNet with its defaults (MLP 256-128, embedding 8, dropout 0.1, batch, epochs and patience chosen from the rows). The trees get " +
                "the categorical columns one-hot encoded and the numbers as they are, with ML.NET's default settings. Targets: RMSE within 10% of the better tree, " +
                "accuracy within 2 points. (lending_club's interest rate follows its sub-grade, 35 values: an embedding learns it directly, while default " +
                "boosted trees need many one-hot splits.)");
            text.AppendLine();
            text.AppendLine("| data | task | metric | TabularNet | LightGBM | FastTree | TabularNet against the better tree | target |");
            text.AppendLine("|---|---|---|---|---|---|---|---|");

            // lending_club: the interest rate from the loan's other columns.
            string path = Path.Combine(AppContext.BaseDirectory, "Data", "lending_club.csv");
            string[] header = File.ReadLines(path).First().Split(',').Select(n => n.Trim('"')).ToArray();
            string[] categorical = { "term", "sub_grade", "addr_state", "verification_status", "emp_length" };
            IDataView loans = mlContext.Data.LoadFromTextFile(path, header.Select((name, i) => new TextLoader.Column(name,
                categorical.Contains(name) || name == "Class" ? DataKind.String : DataKind.Single, i)).ToArray(), separatorChar: ',', hasHeader: true, allowQuoting: true);
            string[] numeric = header.Where(n => !categorical.Contains(n) && n != "Class" && n != "int_rate").ToArray();
            var split = mlContext.Data.TrainTestSplit(mlContext.Data.Cache(loans), testFraction: 0.2, seed: 2026);
            var ours = new TabularNetTrainer.Options { LabelColumnName = "int_rate", CategoricalColumnNames = categorical, NumericColumnNames = numeric, Seed = 1 };
            double Rmse(IEstimator<ITransformer> estimator)
                => mlContext.Regression.Evaluate(estimator.Fit(split.TrainSet).Transform(split.TestSet), "int_rate").RootMeanSquaredError;
            var treeInput = mlContext.Transforms.Categorical.OneHotEncoding(categorical.Select(c => new InputOutputColumnPair(c + "_1h", c)).ToArray())
                .Append(mlContext.Transforms.Concatenate("Features", categorical.Select(c => c + "_1h").Concat(numeric).ToArray()));
            double net = Rmse(mlContext.Regression.Trainers.TabularNet(ours));
            double lgbm = Rmse(treeInput.Append(mlContext.Regression.Trainers.LightGbm(labelColumnName: "int_rate")));
            double fastTree = Rmse(treeInput.Append(mlContext.Regression.Trainers.FastTree(labelColumnName: "int_rate")));
            double better = Math.Min(lgbm, fastTree);
            log($"lending_club int_rate RMSE: TabularNet {net:F4}, LightGBM {lgbm:F4}, FastTree {fastTree:F4}");
            text.AppendLine($"| lending_club (9,857 loans) | regression of int_rate | RMSE | {net:F4} | {lgbm:F4} | {fastTree:F4} | {net / better:F3}x | " +
                $"<= 1.10x: {(net <= 1.1 * better ? "met" : "not met")} |");

            // digits: ten classes from 64 pixels.
            var (train, test) = Digits(mlContext);
            double Accuracy(IEstimator<ITransformer> estimator) => mlContext.MulticlassClassification.Evaluate(estimator.Fit(train).Transform(test)).MicroAccuracy;
            var features = mlContext.Transforms.Concatenate("Features", "Pixels");
            double netAccuracy = Accuracy(mlContext.MulticlassClassification.Trainers.TabularNet(new TabularNetTrainer.Options { NumericColumnNames = new[] { "Pixels" }, Seed = 1 }));
            double lgbmAccuracy = Accuracy(features.Append(mlContext.MulticlassClassification.Trainers.LightGbm()));
            double treeAccuracy = Accuracy(features.Append(mlContext.MulticlassClassification.Trainers.OneVersusAll(mlContext.BinaryClassification.Trainers.FastTree())));
            double bestTree = Math.Max(lgbmAccuracy, treeAccuracy);
            log($"digits accuracy: TabularNet {netAccuracy:F4}, LightGBM {lgbmAccuracy:F4}, FastTree (one versus all) {treeAccuracy:F4}");
            text.AppendLine($"| digits (1,797 images) | multiclass, 10 digits | accuracy | {netAccuracy:F4} | {lgbmAccuracy:F4} | {treeAccuracy:F4} (one versus all) | " +
                $"{(netAccuracy - bestTree) * 100:+0.0;-0.0} points | >= -2 points: {(netAccuracy >= bestTree - 0.02 ? "met" : "not met")} |");
            text.AppendLine();
            return text.ToString();
        }
    }
}
