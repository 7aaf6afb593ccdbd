using System;
using System.Linq;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Trainers.ElasticNet.Core;

namespace MLExt.Trainers.Tests.ElasticNet
{
    [TestClass]
    public class CoordinateDescentSolverTests
    {
        private const double TightTolerance = 1e-13;

        [TestMethod]
        [DataRow(false, 1.0, true)]
        [DataRow(false, 0.5, false)]
        [DataRow(true, 1.0, true)]
        [DataRow(true, 0.3, true)]
        public void KktConditionsHoldAlongThePath(bool binomial, double alpha, bool standardize)
        {
            GlmFamily family = binomial ? GlmFamily.Binomial : GlmFamily.Gaussian;
            var data = new SyntheticGlmData(400, 25, 6, family, seed: 11);
            var problem = new GlmProblem(data.DenseColumns(), data.Rows, data.Labels, data.Weights, family, alpha, standardize, null, null, TightTolerance, 1000000);
            var solver = new CoordinateDescentSolver(problem);
            PathFit path = solver.FitPath(solver.DefaultLambdas(30, 1e-3), stopEarly: false);
            Assert.AreEqual(30, path.Length);
            for (int k = 0; k < path.Length; k += 3)
                AssertKkt(data, problem, path.Lambdas[k], path.Intercepts[k], path.Coefficients[k].ToDense(25), null);
        }

        [TestMethod]
        [DataRow(false)]
        [DataRow(true)]
        public void AGivenLambdaSolvedDirectlyMeetsTheKktConditionsAndMatchesTheWarmStartPath(bool binomial)
        {
            GlmFamily family = binomial ? GlmFamily.Binomial : GlmFamily.Gaussian;
            var data = new SyntheticGlmData(400, 25, 6, family, seed: 12);
            var problem = new GlmProblem(data.DenseColumns(), data.Rows, data.Labels, data.Weights, family, 0.7, true, null, null, TightTolerance, 1000000);
            var pathSolver = new CoordinateDescentSolver(problem);
            double[] lambdas = pathSolver.DefaultLambdas(40, 1e-3);
            PathFit warm = pathSolver.FitPath(lambdas, stopEarly: false);
            double lambda = lambdas[^1];

            ElasticNetSolution direct = ElasticNetFitter.Fit(problem, new PathSettings(lambda, 100, null, 0, LambdaSelectionRule.MinimumError, 1));

            Assert.AreEqual(1, direct.Path.Length, "one lambda, solved from the null model");
            double[] beta = direct.Path.Coefficients[0].ToDense(25);
            AssertKkt(data, problem, lambda, direct.Path.Intercepts[0], beta, null);
            double[] warmBeta = warm.Coefficients[^1].ToDense(25);
            for (int j = 0; j < 25; j++)
                Assert.AreEqual(warmBeta[j], beta[j], 1e-6, $"slot {j}");
        }

        [TestMethod]
        public void GroupKktConditionsHold()
        {
            var data = new SyntheticGlmData(500, 24, 6, GlmFamily.Binomial, seed: 5);
            int[] groups = Enumerable.Range(0, 24).Select(j => j / 4).ToArray();
            var problem = new GlmProblem(data.DenseColumns(), data.Rows, data.Labels, data.Weights, GlmFamily.Binomial, 0.9, true, groups, null, TightTolerance, 1000000);
            var solver = new CoordinateDescentSolver(problem);
            PathFit path = solver.FitPath(solver.DefaultLambdas(20, 1e-2), stopEarly: false);
            for (int k = 0; k < path.Length; k += 4)
            {
                double[] beta = path.Coefficients[k].ToDense(24);
                AssertKkt(data, problem, path.Lambdas[k], path.Intercepts[k], beta, groups);
                // Group sparsity: a group is all zero or all non-zero.
                for (int g = 0; g < 6; g++)
                {
                    int nonZero = Enumerable.Range(4 * g, 4).Count(j => beta[j] != 0);
                    Assert.IsTrue(nonZero == 0 || nonZero == 4, $"group {g} is partly zero at lambda {k}");
                }
            }
            Assert.IsTrue(path.Coefficients[^1].Indices.Length > path.Coefficients[1].Indices.Length);
        }

        [TestMethod]
        public void RidgeMatchesTheClosedForm()
        {
            var data = new SyntheticGlmData(200, 8, 8, GlmFamily.Gaussian, seed: 3);
            const double lambda = 0.37;
            var problem = new GlmProblem(data.DenseColumns(), data.Rows, data.Labels, data.Weights, GlmFamily.Gaussian, 0, false, null, null, TightTolerance, 1000000);
            PathFit fit = new CoordinateDescentSolver(problem).FitPath(new[] { 2.0, 1.0, lambda }, stopEarly: false);
            double[] beta = fit.Coefficients[^1].ToDense(8);

            // Minimize ½ Σ wᵢ (yᵢ − b₀ − xᵢᵀb)² + λ/2 ‖b‖² with Σw = 1: (Xcᵀ W Xc + λI) b = Xcᵀ W yc.
            double[] w = Normalized(data.Weights);
            double[] mean = data.X.Select(c => Dot(w, c)).ToArray();
            double yMean = Dot(w, data.Labels);
            var a = new double[8, 8];
            var rhs = new double[8];
            for (int j = 0; j < 8; j++)
            {
                for (int k = 0; k < 8; k++)
                    a[j, k] = Enumerable.Range(0, data.Rows).Sum(i => w[i] * (data.X[j][i] - mean[j]) * (data.X[k][i] - mean[k])) + (j == k ? lambda : 0);
                rhs[j] = Enumerable.Range(0, data.Rows).Sum(i => w[i] * (data.X[j][i] - mean[j]) * (data.Labels[i] - yMean));
            }
            double[] expected = Solve(a, rhs);
            for (int j = 0; j < 8; j++)
                Assert.AreEqual(expected[j], beta[j], 1e-7 * (1 + Math.Abs(expected[j])), $"coefficient {j}");
            double expectedIntercept = yMean - Enumerable.Range(0, 8).Sum(j => expected[j] * mean[j]);
            Assert.AreEqual(expectedIntercept, fit.Intercepts[^1], 1e-7);
        }

        [TestMethod]
        public void LassoPathOnOrthogonalDesignOnlyAddsFeatures()
        {
            // With orthogonal, centered, equal-norm columns each lasso coefficient is a soft-thresholded correlation:
            // once a feature enters the path it stays, and features enter in order of |correlation|.
            int rows = 64, features = 16;
            var x = new double[features][];
            for (int j = 0; j < features; j++)
                x[j] = Enumerable.Range(0, rows).Select(i => (double)WalshSign(i, j + 1)).ToArray();
            var random = new Random(9);
            double[] y = Enumerable.Range(0, rows).Select(i => Enumerable.Range(0, features).Sum(j => (j + 1) * 0.1 * x[j][i]) + 0.2 * SyntheticGlmData.Normal(random)).ToArray();
            var problem = new GlmProblem(x.Select(c => (FeatureColumn)new DenseFeatureColumn(c)).ToArray(), rows, y, null, GlmFamily.Gaussian, 1, true, null, null, TightTolerance, 1000000);
            var solver = new CoordinateDescentSolver(problem);
            PathFit path = solver.FitPath(solver.DefaultLambdas(50, 1e-3), stopEarly: false);
            Assert.AreEqual(0, path.Coefficients[0].Indices.Length, "lambda max must zero every coefficient");
            for (int k = 1; k < path.Length; k++)
            {
                var before = path.Coefficients[k - 1].Indices;
                var after = path.Coefficients[k].Indices;
                Assert.IsTrue(before.All(after.Contains), $"a feature left the active set between lambdas {k - 1} and {k}");
            }
            Assert.AreEqual(features, path.Coefficients[^1].Indices.Length);
            CollectionAssert.Contains(path.Coefficients.First(c => c.Indices.Length > 0).Indices, features - 1, "the strongest feature enters first");
            CollectionAssert.DoesNotContain(path.Coefficients.First(c => c.Indices.Length > 0).Indices, 0, "the weakest feature enters last");
        }

        [TestMethod]
        public void SparseAndDenseStorageGiveTheSameSolution()
        {
            var data = new SyntheticGlmData(300, 12, 4, GlmFamily.Binomial, seed: 21);
            // Make some columns mostly zero so the sparse storage is exercised for real.
            for (int j = 0; j < 12; j += 2)
                for (int i = 0; i < data.Rows; i++)
                    if (i % 3 != 0) data.X[j][i] = 0;
            PathFit dense = Fit(data.DenseColumns());
            PathFit sparse = Fit(data.SparseColumns());
            Assert.AreEqual(dense.Length, sparse.Length);
            for (int k = 0; k < dense.Length; k++)
            {
                Assert.AreEqual(dense.Intercepts[k], sparse.Intercepts[k], 1e-9);
                double[] a = dense.Coefficients[k].ToDense(12), b = sparse.Coefficients[k].ToDense(12);
                for (int j = 0; j < 12; j++)
                    Assert.AreEqual(a[j], b[j], 1e-9);
            }

            PathFit Fit(FeatureColumn[] columns)
            {
                var problem = new GlmProblem(columns, data.Rows, data.Labels, data.Weights, GlmFamily.Binomial, 0.8, true, null, null, TightTolerance, 1000000);
                var solver = new CoordinateDescentSolver(problem);
                return solver.FitPath(solver.DefaultLambdas(15, 1e-2), stopEarly: false);
            }
        }

        [TestMethod]
        public void CrossValidationPrefersALambdaNearTheTruth()
        {
            var data = new SyntheticGlmData(600, 40, 5, GlmFamily.Gaussian, seed: 8);
            var problem = new GlmProblem(data.DenseColumns(), data.Rows, data.Labels, null, GlmFamily.Gaussian, 1, true, null, null, 1e-9, 1000000);
            ElasticNetSolution solution = ElasticNetFitter.Fit(problem, new PathSettings(null, 60, null, 5, LambdaSelectionRule.MinimumError, 42));
            CrossValidationCurve curve = solution.CrossValidation;
            Assert.IsNotNull(curve);
            Assert.IsTrue(curve.OneStandardErrorIndex <= curve.MinimumErrorIndex, "1se lambda must not be smaller than the min lambda");
            Assert.IsTrue(curve.MeanError[curve.MinimumErrorIndex] < curve.MeanError[0], "CV must beat the empty model");
            double[] beta = solution.Path.Coefficients[solution.SelectedIndex].ToDense(40);
            for (int j = 0; j < 5; j++)
                Assert.AreNotEqual(0, beta[j], $"informative feature {j} was dropped");
            // The noise variance is 1: the CV error at the chosen lambda must be near it.
            Assert.AreEqual(1.0, curve.MeanError[curve.MinimumErrorIndex], 0.25);

            ElasticNetSolution again = ElasticNetFitter.Fit(problem, new PathSettings(null, 60, null, 5, LambdaSelectionRule.MinimumError, 42));
            CollectionAssert.AreEqual(curve.MeanError, again.CrossValidation.MeanError, "the same seed must give the same folds");
        }

        // KKT conditions of the standardized problem (glmnet's), checked from first principles.
        private static void AssertKkt(SyntheticGlmData data, GlmProblem problem, double lambda, double intercept, double[] beta, int[] groups)
        {
            int p = beta.Length;
            double[] w = Normalized(data.Weights);
            double[] center = data.X.Select(c => Dot(w, c)).ToArray();
            double[] scale = data.X.Select((c, j) => problem.Standardize ? Math.Sqrt(Dot(w, c.Select(v => (v - center[j]) * (v - center[j])).ToArray())) : 1).ToArray();
            var residual = new double[data.Rows];
            for (int i = 0; i < data.Rows; i++)
            {
                double eta = intercept + Enumerable.Range(0, p).Sum(j => beta[j] * data.X[j][i]);
                double mean = problem.Family == GlmFamily.Binomial ? 1 / (1 + Math.Exp(-eta)) : eta;
                residual[i] = w[i] * (data.Labels[i] - mean);
            }
            Assert.AreEqual(0, residual.Sum(), 1e-7, "intercept stationarity");
            double[] gradient = Enumerable.Range(0, p).Select(j => Enumerable.Range(0, data.Rows).Sum(i => residual[i] * (data.X[j][i] - center[j]) / scale[j])).ToArray();
            double[] standardized = beta.Select((b, j) => b * scale[j]).ToArray();
            double alpha = problem.Alpha;
            const double slack = 1e-6;
            groups ??= Enumerable.Range(0, p).ToArray();
            foreach (var group in Enumerable.Range(0, p).GroupBy(j => groups[j]))
            {
                int[] members = group.ToArray();
                double size = Math.Sqrt(members.Length);
                double norm = Math.Sqrt(members.Sum(j => standardized[j] * standardized[j]));
                if (norm == 0)
                {
                    double gradientNorm = Math.Sqrt(members.Sum(j => gradient[j] * gradient[j]));
                    Assert.IsTrue(gradientNorm <= lambda * alpha * size + slack, $"zero group {group.Key}: |g| {gradientNorm} > {lambda * alpha * size}");
                }
                else
                {
                    foreach (int j in members)
                    {
                        double expected = lambda * (1 - alpha) * standardized[j] + lambda * alpha * size * standardized[j] / norm;
                        Assert.AreEqual(expected, gradient[j], slack, $"non-zero feature {j} at lambda {lambda}");
                    }
                }
            }
        }

        private static int WalshSign(int row, int column) => System.Numerics.BitOperations.PopCount((uint)(row & column)) % 2 == 0 ? 1 : -1;

        private static double[] Normalized(double[] weights)
        {
            double sum = weights.Sum();
            return weights.Select(v => v / sum).ToArray();
        }

        private static double Dot(double[] a, double[] b) => a.Zip(b, (u, v) => u * v).Sum();

        private static double[] Solve(double[,] a, double[] b)
        {
            int n = b.Length;
            var m = (double[,])a.Clone();
            var x = (double[])b.Clone();
            for (int c = 0; c < n; c++)
            {
                int pivot = Enumerable.Range(c, n - c).OrderByDescending(r => Math.Abs(m[r, c])).First();
                for (int k = 0; k < n; k++) (m[c, k], m[pivot, k]) = (m[pivot, k], m[c, k]);
                (x[c], x[pivot]) = (x[pivot], x[c]);
                for (int r = c + 1; r < n; r++)
                {
                    double f = m[r, c] / m[c, c];
                    for (int k = c; k < n; k++) m[r, k] -= f * m[c, k];
                    x[r] -= f * x[c];
                }
            }
            for (int r = n - 1; r >= 0; r--)
            {
                for (int k = r + 1; k < n; k++) x[r] -= m[r, k] * x[k];
                x[r] /= m[r, r];
            }
            return x;
        }
    }
}
