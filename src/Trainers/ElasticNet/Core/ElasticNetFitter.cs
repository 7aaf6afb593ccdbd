using System;
using System.Collections.Generic;
using System.Linq;
using MLExt.Threading;
using MLExt.Trainers;

namespace MLExt.Trainers.ElasticNet.Core
{
    /// <summary>The cross-validated error along the lambda path.</summary>
    internal sealed class CrossValidationCurve
    {
        public double[] Lambdas { get; init; }
        public double[] MeanError { get; init; }
        public double[] StandardError { get; init; }
        public int MinimumErrorIndex { get; init; }
        public int OneStandardErrorIndex { get; init; }
    }

    /// <summary>A fitted path, the optional cross-validation curve, and the chosen point on the path.</summary>
    internal sealed class ElasticNetSolution
    {
        public PathFit Path { get; init; }
        public CrossValidationCurve CrossValidation { get; init; }
        public int SelectedIndex { get; init; }
    }

    /// <summary>Settings of a fit that are not part of the optimization problem itself.</summary>
    internal sealed record PathSettings(double? Lambda, int NumberOfLambdas, double? LambdaMinRatio, int NumberOfFolds,
        LambdaSelectionRule Rule, int Seed);

    /// <summary>Fits a path (to a given lambda, or a full path with cross-validation to choose one).</summary>
    internal static class ElasticNetFitter
    {
        /// <summary>The path and, without a given lambda, the cross-validated choice along it; <paramref name="checkAlive"/> is
        /// called before each lambda of every path (the folds' from their threads) and throws to stop.</summary>
        public static ElasticNetSolution Fit(GlmProblem problem, PathSettings settings, Action<string> progress = null, Action checkAlive = null)
        {
            var solver = new CoordinateDescentSolver(problem);
            if (settings.Lambda is double lambda)
            {
                // One lambda is solved directly from the null model, as glmnet does when given one: measured 2.5x faster than
                // warm starts down from lambda max at 100,000 x 100 (see benchmarks/RESULTS.md). Should the direct solve run
                // out of passes, warm starts (about ten points a decade, up to NumberOfLambdas) reach it the stable way.
                PathFit direct = solver.FitPath(new[] { lambda }, stopEarly: false, checkAlive);
                if (direct.Converged)
                    return new ElasticNetSolution { Path = direct, SelectedIndex = 0 };
                progress?.Invoke($"The direct solve at lambda {lambda:G4} used its pass budget; fitting along warm starts from lambda max.");
                solver = new CoordinateDescentSolver(problem);
                double max = solver.LambdaMax();
                int points = Math.Clamp((int)Math.Ceiling(10 * Math.Log10(max / lambda)) + 1, 2, Math.Max(2, settings.NumberOfLambdas));
                double[] lambdas = Enumerable.Range(0, points).Select(k => max * Math.Pow(lambda / max, k / (double)(points - 1))).ToArray();
                lambdas[^1] = lambda;
                PathFit fixedPath = solver.FitPath(lambdas, stopEarly: false, checkAlive);
                return new ElasticNetSolution { Path = fixedPath, SelectedIndex = fixedPath.Length - 1 };
            }

            double ratio = settings.LambdaMinRatio ?? (problem.RowCount > problem.FeatureCount ? 1e-4 : 1e-2);
            PathFit path = solver.FitPath(solver.DefaultLambdas(settings.NumberOfLambdas, ratio), stopEarly: true, checkAlive);
            progress?.Invoke($"Fitted {path.Length} lambdas on all rows ({path.TotalPasses} coordinate passes).");
            if (settings.NumberOfFolds < 2)
                return new ElasticNetSolution { Path = path, SelectedIndex = path.Length - 1 };

            CrossValidationCurve curve = CrossValidate(problem, path.Lambdas, settings.NumberOfFolds, settings.Seed, progress, checkAlive);
            int selected = settings.Rule == LambdaSelectionRule.MinimumError ? curve.MinimumErrorIndex : curve.OneStandardErrorIndex;
            return new ElasticNetSolution { Path = path, CrossValidation = curve, SelectedIndex = selected };
        }

        /// <summary>K-fold cross-validation along a fixed lambda sequence, as cv.glmnet does (deviance for binomial, MSE for gaussian).</summary>
        public static CrossValidationCurve CrossValidate(GlmProblem problem, double[] lambdas, int folds, int seed, Action<string> progress = null,
            Action checkAlive = null)
        {
            int n = problem.RowCount;
            var order = Enumerable.Range(0, n).ToArray();
            new Random(seed).Shuffle(order);
            var foldOfRow = new int[n];
            for (int position = 0; position < n; position++)
                foldOfRow[order[position]] = position % folds;

            var foldError = new double[folds][];
            var foldWeight = new double[folds];
            int finished = 0;
            ParallelWork.For(folds, fold =>
            {
                var trainingWeights = new double[n];
                for (int i = 0; i < n; i++)
                    trainingWeights[i] = foldOfRow[i] == fold ? 0 : problem.Weights[i];
                PathFit path = new CoordinateDescentSolver(problem, trainingWeights).FitPath(lambdas, stopEarly: false, checkAlive);
                foldError[fold] = HeldOutError(problem, path, foldOfRow, fold, lambdas.Length, out foldWeight[fold]);
                int done = System.Threading.Interlocked.Increment(ref finished);
                progress?.Invoke($"Cross-validation fold {done} of {folds} done.");
            }, Environment.ProcessorCount);

            // A fold whose path stopped early (pass budget) only informs the lambdas it reached.
            int length = foldError.Min(e => e.Length);
            double totalWeight = foldWeight.Sum();
            var mean = new double[length];
            var standardError = new double[length];
            for (int k = 0; k < length; k++)
            {
                double m = 0;
                for (int f = 0; f < folds; f++)
                    m += foldWeight[f] * foldError[f][k];
                m /= totalWeight;
                double spread = 0;
                for (int f = 0; f < folds; f++)
                    spread += foldWeight[f] * (foldError[f][k] - m) * (foldError[f][k] - m);
                mean[k] = m;
                standardError[k] = Math.Sqrt(spread / totalWeight / (folds - 1));
            }

            // Ties go to the largest lambda (the sparsest model), as in glmnet.
            int best = 0;
            for (int k = 1; k < length; k++)
            {
                if (mean[k] < mean[best])
                    best = k;
            }
            double bound = mean[best] + standardError[best];
            int oneStandardError = Enumerable.Range(0, length).First(k => mean[k] <= bound);
            return new CrossValidationCurve
            {
                Lambdas = lambdas.Take(length).ToArray(),
                MeanError = mean,
                StandardError = standardError,
                MinimumErrorIndex = best,
                OneStandardErrorIndex = oneStandardError,
            };
        }

        private static double[] HeldOutError(GlmProblem problem, PathFit path, int[] foldOfRow, int fold, int lambdaCount, out double weightSum)
        {
            // Gather the held-out rows as sparse rows once; then each lambda costs one pass over them.
            var rowsOfFold = Enumerable.Range(0, problem.RowCount).Where(i => foldOfRow[i] == fold).ToArray();
            var slotOfRow = new Dictionary<int, int>(rowsOfFold.Length);
            for (int slot = 0; slot < rowsOfFold.Length; slot++)
                slotOfRow[rowsOfFold[slot]] = slot;
            var entries = new List<(int Feature, double Value)>[rowsOfFold.Length];
            for (int slot = 0; slot < entries.Length; slot++)
                entries[slot] = new List<(int, double)>();
            for (int j = 0; j < problem.FeatureCount; j++)
            {
                int feature = j;
                problem.Columns[j].VisitValues((row, value) =>
                {
                    if (foldOfRow[row] == fold && value != 0)
                        entries[slotOfRow[row]].Add((feature, value));
                });
            }

            weightSum = rowsOfFold.Sum(i => problem.Weights[i]);
            var errors = new double[path.Length];
            for (int k = 0; k < path.Length; k++)
            {
                double[] beta = path.Coefficients[k].ToDense(problem.FeatureCount);
                double total = 0;
                for (int slot = 0; slot < rowsOfFold.Length; slot++)
                {
                    int i = rowsOfFold[slot];
                    double eta = path.Intercepts[k];
                    foreach (var (feature, value) in entries[slot])
                        eta += beta[feature] * value;
                    total += problem.Weights[i] * Loss(problem.Family, problem.Labels[i], eta);
                }
                errors[k] = total / weightSum;
            }
            return errors;
        }

        // glmnet's binomial deviance clamps probabilities to [1e-5, 1 - 1e-5].
        private static double Loss(GlmFamily family, double y, double eta)
        {
            if (family == GlmFamily.Gaussian)
                return (y - eta) * (y - eta);
            double p = Math.Clamp(1 / (1 + Math.Exp(-eta)), 1e-5, 1 - 1e-5);
            return -2 * (y * Math.Log(p) + (1 - y) * Math.Log(1 - p));
        }
    }
}
