using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using MLExt.Trainers;
using MLExt.Trainers.ElasticNet.Core;

namespace MLExt.Benchmarks.ElasticNet
{
    /// <summary>
    /// The elastic-net trainer against R glmnet (objective at a fixed lambda, time of a full 100-lambda path) and against
    /// ML.NET's L-BFGS logistic regression with L1 (time to reach the same objective), on generated dense logistic data.
    /// </summary>
    internal static class ElasticNetBenchmark
    {
        public static string Run(int rows, int features, Action<string> log)
        {
            var report = new StringBuilder();
            report.AppendLine("## Elastic net (logistic, lasso)");
            report.AppendLine();
            // First, so its first Fit is the process's first elastic-net call (the cold figure).
            report.Append(FixedLambdaBenchmark.Run(log));
            report.AppendLine("### The full path");
            report.AppendLine();
            log($"Generating {rows} x {features} dense logistic data.");
            var (x, y) = Generate(rows, features, seed: 2026);
            report.AppendLine($"Data: {rows:N0} rows x {features} dense features generated in the run (20 informative, correlated, logistic labels), seed 2026. " +
                $"Machine: {Environment.ProcessorCount} cores.");
            report.AppendLine();

            // Full default path, as glmnet(x, y, family = "binomial") does: 100 lambdas, ratio 1e-4, glmnet's early stop.
            var problem = Problem(x, y, standardize: true, tolerance: 1e-7);
            PathFit path = null;
            double pathSeconds = Timing.BestOf(3, () =>
            {
                var solver = new CoordinateDescentSolver(problem);
                path = solver.FitPath(solver.DefaultLambdas(100, 1e-4), stopEarly: true);
            });
            log($"MLExt path: {pathSeconds:F3}s, {path.Length} lambdas.");

            // Fixed lambda: the 50th of the default sequence, reached along the same warm-start sequence by both.
            double lambdaMax = path.Lambdas[0];
            double lambda = lambdaMax * Math.Pow(1e-4, 49 / 99.0);
            double[] sequence = Enumerable.Range(0, 100).Select(k => lambdaMax * Math.Pow(lambda / lambdaMax, k / 99.0)).ToArray();
            var tightProblem = Problem(x, y, standardize: true, tolerance: 1e-14);
            PathFit tight = new CoordinateDescentSolver(tightProblem).FitPath(sequence, stopEarly: false);
            double[] scale = StandardDeviations(x);
            double ourObjective = Objective(x, y, tight.Intercepts[^1], tight.Coefficients[^1].ToDense(features), lambda, scale);

            report.AppendLine("#### Against R glmnet");
            report.AppendLine();
            GlmnetResult glmnet = RunGlmnet(x, y, sequence, log);
            if (glmnet == null)
            {
                report.AppendLine("Skipped: R with the glmnet package was not found (install the Debian package r-cran-glmnet).");
                report.AppendLine($"MLExt alone: full path {pathSeconds:F3} s ({path.Length} lambdas); objective at lambda {lambda:G6}: {ourObjective:R}.");
            }
            else
            {
                double glmnetObjective = Objective(x, y, glmnet.Coefficients[0], glmnet.Coefficients.Skip(1).ToArray(), lambda, scale);
                double relative = Math.Abs(ourObjective - glmnetObjective) / Math.Abs(glmnetObjective);
                double ratio = pathSeconds / glmnet.PathSeconds;
                report.AppendLine("| measure | MLExt | glmnet | ratio / difference | target | met |");
                report.AppendLine("|---|---|---|---|---|---|");
                report.AppendLine($"| lambda max | {lambdaMax:G8} | {glmnet.LambdaMax:G8} | {Math.Abs(lambdaMax - glmnet.LambdaMax) / glmnet.LambdaMax:E1} rel. | | |");
                report.AppendLine($"| objective at lambda {lambda:G4} (thresh 1e-14) | {ourObjective:R} | {glmnetObjective:R} | {relative:E2} rel. | <= 1e-6 | {(relative <= 1e-6 ? "yes" : "no")} |");
                report.AppendLine($"| full default path, best of 3 (s) | {pathSeconds:F3} | {glmnet.PathSeconds:F3} | {ratio:F2}x | <= 1.5x | {(ratio <= 1.5 ? "yes" : "no")} |");
                report.AppendLine($"| lambdas on the path (early stop) | {path.Length} | {glmnet.PathLength} | | | |");
                report.AppendLine();
                report.AppendLine("glmnet is single-threaded Fortran; MLExt's solver is single-threaded in its coordinate updates and spreads the " +
                    "per-lambda gradient screening over the machine's cores.");
            }
            report.AppendLine();

            report.AppendLine("#### Against ML.NET L-BFGS logistic regression with L1 (unstandardized, same objective)");
            report.AppendLine();
            report.Append(CompareWithLbfgs(x, y, lambda, log));
            return report.ToString();
        }

        private static string CompareWithLbfgs(float[][] x, double[] y, double lambda, Action<string> log)
        {
            int rows = y.Length, features = x.Length;
            var mlContext = new MLContext(seed: 1);
            var data = mlContext.Data.LoadFromEnumerable(Enumerable.Range(0, rows).Select(i => new Row
            {
                Features = Enumerable.Range(0, features).Select(j => x[j][i]).ToArray(),
                Label = y[i] == 1,
            }));
            data = mlContext.Data.Cache(data);
            var ones = Enumerable.Repeat(1.0, features).ToArray();

            var runs = new List<(string Trainer, string Settings, double Seconds, double Objective)>();
            foreach (double tolerance in new[] { 1e-5, 1e-7, 1e-9 })
            {
                ElasticNetBinaryModelParameters ours = null;
                double seconds = Timing.BestOf(3, () => ours = mlContext.BinaryClassification.Trainers.ElasticNet(new ElasticNetTrainer.Options
                {
                    Lambda = lambda,
                    Standardize = false,
                    Tolerance = tolerance,
                }).Fit(data).Model);
                double objective = Objective(x, y, ours.Bias, ours.Weights.Select(w => (double)w).ToArray(), lambda, ones);
                runs.Add(("MLExt ElasticNet", $"Tolerance {tolerance:G1}", seconds, objective));
                log($"MLExt fixed lambda tol {tolerance}: {seconds:F3}s objective {objective:R}");
            }
            foreach (float tolerance in new[] { 1e-4f, 1e-6f, 1e-8f })
            {
                LinearBinaryModelParameters lbfgs = null;
                double seconds = Timing.BestOf(3, () => lbfgs = mlContext.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
                {
                    L1Regularization = (float)(lambda * rows),
                    L2Regularization = 0,
                    OptimizationTolerance = tolerance,
                    MaximumNumberOfIterations = 10000,
                }).Fit(data).Model.SubModel);
                double objective = Objective(x, y, lbfgs.Bias, lbfgs.Weights.Select(w => (double)w).ToArray(), lambda, ones);
                runs.Add(("ML.NET LbfgsLogisticRegression", $"OptimizationTolerance {tolerance:G1}", seconds, objective));
                log($"L-BFGS tol {tolerance}: {seconds:F3}s objective {objective:R}");
            }

            // The target objective is the best any run reached; each trainer's time is its fastest run within 1e-6 of it.
            double best = runs.Min(r => r.Objective);
            double Gap(double objective) => (objective - best) / Math.Abs(best);
            var table = new StringBuilder();
            table.AppendLine($"lambda {lambda:G4}; ML.NET's objective is the sum over rows, so L1Regularization = lambda x rows = {lambda * rows:G6}, L2 = 0. " +
                "Both train from the same cached IDataView (best of 3 fits); objectives are evaluated by one function on the float weights each model holds.");
            table.AppendLine();
            table.AppendLine("| trainer | settings | seconds | objective | gap to best (rel.) |");
            table.AppendLine("|---|---|---|---|---|");
            foreach (var run in runs)
                table.AppendLine($"| {run.Trainer} | {run.Settings} | {run.Seconds:F3} | {run.Objective:R} | {Gap(run.Objective):E2} |");
            table.AppendLine();
            double? Reach(string trainer) => runs.Where(r => r.Trainer == trainer && Gap(r.Objective) <= 1e-6).Select(r => (double?)r.Seconds).Min();
            double? oursTime = Reach("MLExt ElasticNet"), lbfgsTime = Reach("ML.NET LbfgsLogisticRegression");
            table.AppendLine($"Time to reach the best objective to 1e-6: MLExt {Describe(oursTime)}, L-BFGS {Describe(lbfgsTime)}" +
                (oursTime is double a && lbfgsTime is double b ? $"; L-BFGS / MLExt = {b / a:F2}x." : "."));
            table.AppendLine();
            table.Append(CompareAlongThePath(x, y, data, mlContext, log));
            return table.ToString();
        }

        // Choosing lambda needs the whole path. MLExt fits it in one warm-started run; L-BFGS needs one fit per lambda,
        // here at every 10th lambda of MLExt's (unstandardized) path, at the tolerance that reached 1e-6 above.
        private static string CompareAlongThePath(float[][] x, double[] y, IDataView data, MLContext mlContext, Action<string> log)
        {
            int rows = y.Length;
            var ones = Enumerable.Repeat(1.0, x.Length).ToArray();
            var problem = Problem(x, y, standardize: false, tolerance: 1e-9);
            PathFit path = null;
            double pathSeconds = Timing.BestOf(1, () =>
            {
                var solver = new CoordinateDescentSolver(problem);
                path = solver.FitPath(solver.DefaultLambdas(100, 1e-4), stopEarly: true);
            });
            var text = new StringBuilder();
            text.AppendLine($"Along the path: MLExt fits all {path.Length} lambdas of the unstandardized path (tolerance 1e-9) in {pathSeconds:F3} s.");
            text.AppendLine();
            text.AppendLine("| lambda | L-BFGS seconds (tolerance 1e-8) | L-BFGS objective gap to MLExt (rel.) |");
            text.AppendLine("|---|---|---|");
            double lbfgsTotal = 0;
            for (int k = 0; k < path.Length; k += 10)
            {
                double lambda = path.Lambdas[k];
                double ours = Objective(x, y, path.Intercepts[k], path.Coefficients[k].ToDense(x.Length), lambda, ones);
                LinearBinaryModelParameters lbfgs = null;
                double seconds = Timing.BestOf(1, () => lbfgs = mlContext.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
                {
                    L1Regularization = (float)(lambda * rows),
                    L2Regularization = 0,
                    OptimizationTolerance = 1e-8f,
                    MaximumNumberOfIterations = 10000,
                }).Fit(data).Model.SubModel);
                double gap = (Objective(x, y, lbfgs.Bias, lbfgs.Weights.Select(w => (double)w).ToArray(), lambda, ones) - ours) / Math.Abs(ours);
                lbfgsTotal += seconds;
                text.AppendLine($"| {lambda:G4} | {seconds:F3} | {gap:E2} |");
            }
            int fitted = (path.Length + 9) / 10;
            log($"Path: MLExt {pathSeconds:F3}s for {path.Length} lambdas; L-BFGS {lbfgsTotal:F3}s for {fitted}.");
            text.AppendLine();
            text.AppendLine($"L-BFGS needed {lbfgsTotal:F3} s for {fitted} of the {path.Length} lambdas ({lbfgsTotal / fitted:F3} s each); " +
                $"MLExt's whole path took {pathSeconds:F3} s, {lbfgsTotal / fitted * path.Length / pathSeconds:F1}x less than L-BFGS would need for all of them.");
            text.AppendLine();
            return text.ToString();
        }

        private static string Describe(double? seconds) => seconds is double s ? $"{s:F3} s" : "not reached";

        private sealed class Row
        {
            [VectorType(200)] public float[] Features { get; set; }
            public bool Label { get; set; }
        }

        private sealed record GlmnetResult(double PathSeconds, int PathLength, double LambdaMax, double[] Coefficients);

        private static GlmnetResult RunGlmnet(float[][] x, double[] y, double[] sequence, Action<string> log)
        {
            string[] lines = RunR("glmnet_reference.R", x, y, folder =>
            {
                string lambdas = Path.Combine(folder, "lambdas.txt");
                File.WriteAllLines(lambdas, sequence.Select(l => l.ToString("R", CultureInfo.InvariantCulture)));
                return $"\"{lambdas}\"";
            }, log);
            if (lines == null)
                return null;
            double Value(int line) => double.Parse(lines[line].Split(' ').Last(), CultureInfo.InvariantCulture);
            var result = new GlmnetResult(Value(0), (int)Value(1), Value(2), lines.Skip(3).Select(l => double.Parse(l, CultureInfo.InvariantCulture)).ToArray());
            log($"glmnet path: {result.PathSeconds:F3}s, {result.PathLength} lambdas.");
            return result;
        }

        /// <summary>
        /// Runs an R script of this folder on the data: writes x.bin (column-major doubles) and y.bin to a temporary folder, calls
        /// <c>Rscript script folder rows features [more]</c> and returns the lines of folder/glmnet_results.txt; null (logged)
        /// when R or glmnet is missing or the script fails.
        /// </summary>
        internal static string[] RunR(string script, float[][] x, double[] y, Func<string, string> moreArguments, Action<string> log)
        {
            string folder = Path.Combine(Path.GetTempPath(), "mlext-glmnet-" + Environment.ProcessId);
            Directory.CreateDirectory(folder);
            try
            {
                using (var writer = new BinaryWriter(File.Create(Path.Combine(folder, "x.bin"))))
                    foreach (float[] column in x)
                        foreach (float value in column)
                            writer.Write((double)value);
                using (var writer = new BinaryWriter(File.Create(Path.Combine(folder, "y.bin"))))
                    foreach (double value in y)
                        writer.Write(value);
                string path = Path.Combine(AppContext.BaseDirectory, "ElasticNet", script);
                var start = new ProcessStartInfo("Rscript", $"\"{path}\" \"{folder}\" {y.Length} {x.Length} {moreArguments(folder)}")
                {
                    RedirectStandardError = true,
                    RedirectStandardOutput = true,
                };
                Process process;
                try
                {
                    process = Process.Start(start);
                }
                catch (System.ComponentModel.Win32Exception)
                {
                    log("Rscript not found: skipping glmnet.");
                    return null;
                }
                string errors = process.StandardError.ReadToEnd();
                process.WaitForExit();
                string results = Path.Combine(folder, "glmnet_results.txt");
                if (process.ExitCode != 0 || !File.Exists(results))
                {
                    log("glmnet run failed: " + errors);
                    return null;
                }
                return File.ReadAllLines(results);
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        internal static GlmProblem Problem(float[][] x, double[] y, bool standardize, double tolerance)
        {
            var columns = x.Select(c => (FeatureColumn)new DenseFeatureColumn(c.Select(v => (double)v).ToArray())).ToArray();
            return new GlmProblem(columns, y.Length, y, null, GlmFamily.Binomial, 1.0, standardize, null, null, tolerance, 10000000);
        }

        // glmnet's binomial objective with unit weights: mean negative log-likelihood + lambda * sum |scale_j * b_j| (lasso).
        internal static double Objective(float[][] x, double[] y, double intercept, double[] beta, double lambda, double[] scale)
        {
            int rows = y.Length;
            var eta = Enumerable.Repeat(intercept, rows).ToArray();
            for (int j = 0; j < beta.Length; j++)
            {
                if (beta[j] == 0)
                    continue;
                for (int i = 0; i < rows; i++)
                    eta[i] += beta[j] * x[j][i];
            }
            double loss = 0;
            for (int i = 0; i < rows; i++)
                loss += CoordinateDescentSolver.LogOnePlusExp(eta[i]) - y[i] * eta[i];
            return loss / rows + lambda * beta.Select((b, j) => Math.Abs(b * scale[j])).Sum();
        }

        internal static double[] StandardDeviations(float[][] x) => x.Select(c =>
        {
            double mean = c.Average(v => (double)v);
            return Math.Sqrt(c.Average(v => (v - mean) * (v - mean)));
        }).ToArray();

        internal static (float[][] X, double[] Y) Generate(int rows, int features, int seed)
        {
            var random = new Random(seed);
            var x = new float[features][];
            var shared = new double[rows];
            for (int i = 0; i < rows; i++)
                shared[i] = Normal(random);
            for (int j = 0; j < features; j++)
            {
                x[j] = new float[rows];
                for (int i = 0; i < rows; i++)
                    x[j][i] = (float)(0.4 * shared[i] + Normal(random));
            }
            var y = new double[rows];
            for (int i = 0; i < rows; i++)
            {
                double eta = -0.5;
                for (int j = 0; j < 20; j++)
                    eta += (j % 2 == 0 ? 0.6 : -0.4) * x[j * (features / 20)][i];
                y[i] = random.NextDouble() < 1 / (1 + Math.Exp(-eta)) ? 1 : 0;
            }
            return (x, y);
        }

        private static double Normal(Random random)
        {
            double u = 1 - random.NextDouble(), v = random.NextDouble();
            return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
        }
    }
}
