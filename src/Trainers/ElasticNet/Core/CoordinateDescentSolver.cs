using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using System.Runtime.CompilerServices;

namespace MLExt.Trainers.ElasticNet.Core
{
    /// <summary>
    /// Pathwise coordinate descent for the elastic net and group lasso (Friedman, Hastie and Tibshirani 2010,
    /// "Regularization Paths for Generalized Linear Models via Coordinate Descent"): warm starts down a
    /// decreasing lambda sequence, sequential strong rules with a KKT check, active-set iteration, and for the
    /// binomial family a Newton (IRLS) outer loop around the weighted least-squares coordinate descent.
    /// </summary>
    /// <remarks>
    /// The solver works on standardized features x̃ = (x − c)/s without materializing them: c (weighted mean)
    /// and s (weighted standard deviation, or 1) are applied in the arithmetic. The working residual is kept as
    /// r = rRaw + shift·v, so centering and intercept updates are scalar operations. A multi-feature group is
    /// updated as a block: its exact local quadratic (the small Gram matrix) is minimized exactly with the group
    /// penalty (<see cref="GroupSubproblem"/>), which costs nothing per row.
    /// </remarks>
    internal sealed class CoordinateDescentSolver
    {
        private const double MinimumCurvatureFraction = 1e-5;
        private const double DevianceRatioChangeStop = 1e-5;
        private const double DevianceRatioMaximum = 0.999;
        private const int MinimumLambdasBeforeStop = 5;

        private readonly GlmProblem _problem;
        private readonly FeatureColumn[] _columns;
        private readonly double[] _y;
        private readonly double[] _w;
        private readonly int _n;
        private readonly double[] _center;
        private readonly double[] _scale;
        private readonly bool[] _usable;
        private readonly double _tolerance;

        // Coefficients on the standardized scale and the intercept (of the centered model).
        private readonly double[] _beta;
        private double _intercept;

        // Working response at the current expansion point.
        private readonly double[] _eta;
        private readonly double[] _v;
        private readonly double[] _residualRaw;
        private double _shift;
        private double _residualRawSum;
        private double _curvatureSum;

        // Per-feature statistics of the current curvature weights v, valid while their stamp matches.
        private readonly double[] _columnCurvatureDot;
        private readonly double[] _curvature;
        private readonly int[] _statsStamp;
        private int _stamp;
        private readonly double[][] _groupGram;
        private readonly GroupSubproblem[] _groupSubproblem;
        private readonly int[] _gramStamp;
        private readonly double[] _scratch;

        private readonly double _nullDeviance;
        private int _passes;

        /// <param name="problem">The problem.</param>
        /// <param name="rowWeights">Row weights to fit with (cross-validation zeroes the held-out rows), or null for the problem's.</param>
        public CoordinateDescentSolver(GlmProblem problem, double[] rowWeights = null)
        {
            _problem = problem;
            _columns = problem.Columns;
            _n = problem.RowCount;
            _y = problem.Labels;
            double[] w = rowWeights ?? problem.Weights;
            double weightSum = w.Sum();
            if (!(weightSum > 0))
                throw new ArgumentException("The row weights sum to zero.");
            _w = w.Select(x => x / weightSum).ToArray();

            int p = problem.FeatureCount;
            _center = new double[p];
            _scale = new double[p];
            _usable = new bool[p];
            ForEachColumn(p, j =>
            {
                var (mean, meanSquare) = _columns[j].WeightedMoments(_w);
                double variance = Math.Max(0, meanSquare - mean * mean);
                _center[j] = mean;
                // A constant feature carries no information: it stays at zero.
                _usable[j] = variance > 1e-24 * Math.Max(1, meanSquare);
                _scale[j] = problem.Standardize ? (_usable[j] ? Math.Sqrt(variance) : 1) : 1;
            });

            _beta = new double[p];
            _eta = new double[_n];
            _v = new double[_n];
            _residualRaw = new double[_n];
            _columnCurvatureDot = new double[p];
            _curvature = new double[p];
            _statsStamp = Enumerable.Repeat(-1, p).ToArray();
            int groups = problem.GroupMembers.Length;
            _groupGram = new double[groups][];
            _groupSubproblem = new GroupSubproblem[groups];
            _gramStamp = Enumerable.Repeat(-1, groups).ToArray();
            _scratch = new double[_n];

            double yMean = 0;
            for (int i = 0; i < _n; i++)
                yMean += _w[i] * _y[i];
            if (problem.Family == GlmFamily.Binomial)
            {
                if (yMean <= 0 || yMean >= 1)
                    throw new ArgumentException("The binomial family needs both classes among the rows with positive weight.");
                _intercept = Math.Log(yMean / (1 - yMean));
            }
            else
            {
                _intercept = yMean;
            }
            PrepareWorkingResponse();
            _nullDeviance = Deviance();
            _tolerance = problem.Tolerance * Math.Max(_nullDeviance, 1e-300);
        }

        public double NullDeviance => _nullDeviance;

        // Rows x columns below which a loop over columns stays on this thread: handing a small problem's columns to the thread
        // pool cost more than their work (a 4,601 x 57 fit spent a third of its time waking threads).
        private const long ParallelWorkThreshold = 1_000_000;

        private void ForEachColumn(int count, Action<int> body)
        {
            if ((long)count * _n < ParallelWorkThreshold)
            {
                for (int j = 0; j < count; j++)
                    body(j);
            }
            else
            {
                Parallel.For(0, count, body);
            }
        }

        /// <summary>The smallest lambda at which all penalized coefficients are zero.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public double LambdaMax()
        {
            double alpha = Math.Max(_problem.Alpha, 1e-3);
            double max = 0;
            for (int g = 0; g < _problem.GroupMembers.Length; g++)
            {
                double factor = _problem.GroupPenaltyFactors[g];
                if (factor <= 0)
                    continue;
                max = Math.Max(max, GroupGradientNorm(g) / (alpha * factor * Math.Sqrt(_problem.GroupMembers[g].Length)));
            }
            return max;
        }

        /// <summary>The default sequence: NumberOfLambdas values from LambdaMax down geometrically by LambdaMinRatio.</summary>
        public double[] DefaultLambdas(int count, double minRatio)
        {
            double max = LambdaMax();
            if (max <= 0)
                return new[] { 0.0 };
            if (count == 1)
                return new[] { max };
            return Enumerable.Range(0, count).Select(k => max * Math.Pow(minRatio, k / (double)(count - 1))).ToArray();
        }

        /// <summary>Fits the path along <paramref name="lambdas"/> (decreasing), with warm starts.</summary>
        /// <param name="lambdas">The lambda sequence.</param>
        /// <param name="stopEarly">Stop as glmnet does when the deviance ratio stops improving or passes 0.999.</param>
        /// <param name="checkAlive">Called before each lambda; throws to stop (a canceled <c>MLContext</c>).</param>
        public PathFit FitPath(IReadOnlyList<double> lambdas, bool stopEarly, Action checkAlive = null)
        {
            var fitted = new List<(double Lambda, double Intercept, SparseCoefficients Coefficients, double DevianceRatio)>();
            int groups = _problem.GroupMembers.Length;
            var gradientNorms = new double[groups];
            for (int g = 0; g < groups; g++)
                gradientNorms[g] = GroupGradientNorm(g);
            bool converged = true;
            double lambdaMax = LambdaMax();
            bool allPenalized = _problem.GroupPenaltyFactors.All(f => f > 0);
            double previousLambda = lambdas.Count > 0 ? Math.Max(lambdas[0], lambdaMax) : 0;
            for (int k = 0; k < lambdas.Count; k++)
            {
                checkAlive?.Invoke();
                double lambda = lambdas[k];
                // From lambda max up, with every coefficient penalized, the null model (where the solver starts) is the solution:
                // solving could only add rounding noise, such as a tiny coefficient at lambda max itself.
                bool atNullModel = lambda >= lambdaMax && allPenalized && _beta.All(b => b == 0);
                if (!atNullModel && !SolveAt(lambda, previousLambda, gradientNorms))
                {
                    converged = false;
                    break;
                }
                previousLambda = lambda;
                PrepareWorkingResponse();
                double devianceRatio = 1 - Deviance() / _nullDeviance;
                var (intercept, coefficients) = OriginalScaleCoefficients();
                fitted.Add((lambda, intercept, coefficients, devianceRatio));
                if (stopEarly && k + 1 >= MinimumLambdasBeforeStop)
                {
                    double previousRatio = fitted[^2].DevianceRatio;
                    if (devianceRatio - previousRatio < DevianceRatioChangeStop * devianceRatio || devianceRatio > DevianceRatioMaximum)
                        break;
                }
            }
            return new PathFit
            {
                Lambdas = fitted.Select(f => f.Lambda).ToArray(),
                Intercepts = fitted.Select(f => f.Intercept).ToArray(),
                Coefficients = fitted.Select(f => f.Coefficients).ToArray(),
                DevianceRatios = fitted.Select(f => f.DevianceRatio).ToArray(),
                NullDeviance = _nullDeviance,
                TotalPasses = _passes,
                Converged = converged,
            };
        }

        /// <summary>Coefficients on the original feature scale.</summary>
        public (double Intercept, SparseCoefficients Coefficients) OriginalScaleCoefficients()
        {
            var indices = new List<int>();
            var values = new List<double>();
            double intercept = _intercept;
            for (int j = 0; j < _beta.Length; j++)
            {
                if (_beta[j] == 0)
                    continue;
                double b = _beta[j] / _scale[j];
                indices.Add(j);
                values.Add(b);
                intercept -= b * _center[j];
            }
            return (intercept, new SparseCoefficients(indices.ToArray(), values.ToArray()));
        }

        // Solves at one lambda from the current (warm) state; gradientNorms holds each group's gradient norm at
        // the previous solution on entry (for the strong rule) and at this one on return.
        private bool SolveAt(double lambda, double previousLambda, double[] gradientNorms)
        {
            int groups = _problem.GroupMembers.Length;
            double alpha = _problem.Alpha;
            var strong = new bool[groups];
            for (int g = 0; g < groups; g++)
            {
                double factor = _problem.GroupPenaltyFactors[g];
                double threshold = alpha * factor * Math.Sqrt(_problem.GroupMembers[g].Length) * (2 * lambda - previousLambda);
                strong[g] = IsGroupUsable(g) && (factor == 0 || GroupIsNonZero(g) || gradientNorms[g] >= threshold);
            }

            while (true)
            {
                var strongList = Enumerable.Range(0, groups).Where(g => strong[g]).ToList();
                bool firstNewton = true;
                while (true)
                {
                    double firstSweepChange = RunCoordinateDescent(strongList, lambda);
                    if (double.IsNaN(firstSweepChange))
                        return false;
                    if (_problem.Family == GlmFamily.Gaussian)
                        break;
                    if (!firstNewton && firstSweepChange < _tolerance)
                        break;
                    firstNewton = false;
                    PrepareWorkingResponse();
                }

                // KKT check on the groups the strong rule left out; violators join and we solve again.
                var outside = Enumerable.Range(0, groups).Where(g => !strong[g] && IsGroupUsable(g)).ToArray();
                var violated = new bool[outside.Length];
                ForEachColumn(outside.Length, t =>
                {
                    int g = outside[t];
                    gradientNorms[g] = GroupGradientNorm(g);
                    double bound = lambda * alpha * _problem.GroupPenaltyFactors[g] * Math.Sqrt(_problem.GroupMembers[g].Length);
                    violated[t] = gradientNorms[g] > bound * (1 + 1e-9);
                });
                bool any = false;
                for (int t = 0; t < outside.Length; t++)
                {
                    if (violated[t])
                    {
                        strong[outside[t]] = true;
                        any = true;
                    }
                }
                if (!any)
                {
                    foreach (int g in strongList)
                        gradientNorms[g] = GroupGradientNorm(g);
                    return true;
                }
            }
        }

        // Cycles over the strong set, then over its non-zero groups until they settle, until a full cycle
        // changes the objective by less than the tolerance. Returns the first full cycle's largest change
        // (NaN when the pass budget ran out).
        private double RunCoordinateDescent(List<int> strong, double lambda)
        {
            double firstChange = double.NaN;
            while (true)
            {
                if (++_passes > _problem.MaximumPasses)
                    return double.NaN;
                double change = Sweep(strong, lambda);
                if (double.IsNaN(firstChange))
                    firstChange = change;
                if (change < _tolerance)
                    return firstChange;
                var active = strong.Where(GroupIsNonZero).ToList();
                do
                {
                    if (++_passes > _problem.MaximumPasses)
                        return double.NaN;
                }
                while (Sweep(active, lambda) >= _tolerance);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private double Sweep(List<int> groups, double lambda)
        {
            double maxChange = 0;
            foreach (int g in groups)
            {
                int[] members = _problem.GroupMembers[g];
                double factor = _problem.GroupPenaltyFactors[g];
                double l1 = lambda * _problem.Alpha * factor;
                double l2 = lambda * (1 - _problem.Alpha) * factor;
                double change = members.Length == 1
                    ? UpdateSingle(members[0], l1, l2)
                    : UpdateGroup(g, l1 * Math.Sqrt(members.Length), l2);
                maxChange = Math.Max(maxChange, change);
            }
            // The unpenalized intercept.
            double delta = (_residualRawSum + _shift * _curvatureSum) / _curvatureSum;
            _intercept += delta;
            _shift -= delta;
            return Math.Max(maxChange, _curvatureSum * delta * delta);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private double UpdateSingle(int j, double l1, double l2)
        {
            EnsureStats(j);
            double h = _curvature[j];
            double old = _beta[j];
            double u = Gradient(j) + h * old;
            double updated = Math.Max(Math.Abs(u) - l1, 0) * Math.Sign(u) / (h + l2);
            double delta = updated - old;
            if (delta == 0)
                return 0;
            _beta[j] = updated;
            ApplyChange(j, delta);
            return h * delta * delta;
        }

        private double UpdateGroup(int g, double l1, double l2)
        {
            int[] members = _problem.GroupMembers[g];
            int k = members.Length;
            double[] gram = EnsureGram(g);
            var old = new double[k];
            var b = new double[k];
            for (int a = 0; a < k; a++)
                old[a] = _beta[members[a]];
            for (int a = 0; a < k; a++)
            {
                if (!_usable[members[a]])
                    continue;
                double sum = Gradient(members[a]);
                for (int c = 0; c < k; c++)
                    sum += gram[a * k + c] * old[c];
                b[a] = sum;
            }

            var updated = new double[k];
            _groupSubproblem[g].Solve(b, l1, l2, updated);
            double change = 0;
            for (int a = 0; a < k; a++)
            {
                double delta = updated[a] - old[a];
                if (delta == 0)
                    continue;
                int j = members[a];
                _beta[j] = updated[a];
                ApplyChange(j, delta);
                change = Math.Max(change, _curvature[j] * delta * delta);
            }
            return change;
        }

        // r ← r − δ·v·x̃_j, with the centering part folded into the shift.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void ApplyChange(int j, double delta)
        {
            double s = _scale[j];
            _columns[j].AddScaledProduct(-delta / s, _v, _residualRaw);
            _residualRawSum -= delta / s * _columnCurvatureDot[j];
            _shift += delta * _center[j] / s;
        }

        // ∂/∂β_j of the (negative) quadratic model: Σ x̃_ij r_i.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private double Gradient(int j)
        {
            EnsureStats(j);
            double raw = _columns[j].Dot(_residualRaw) + _shift * _columnCurvatureDot[j];
            return (raw - _center[j] * (_residualRawSum + _shift * _curvatureSum)) / _scale[j];
        }

        private double GroupGradientNorm(int g)
        {
            double sum = 0;
            foreach (int j in _problem.GroupMembers[g])
            {
                if (!_usable[j])
                    continue;
                double gradient = Gradient(j);
                sum += gradient * gradient;
            }
            return Math.Sqrt(sum);
        }

        private bool IsGroupUsable(int g) => _problem.GroupMembers[g].Any(j => _usable[j]);

        private bool GroupIsNonZero(int g)
        {
            foreach (int j in _problem.GroupMembers[g])
            {
                if (_beta[j] != 0)
                    return true;
            }
            return false;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void EnsureStats(int j)
        {
            if (_statsStamp[j] == _stamp)
                return;
            var (dot, squareDot) = _columns[j].WeightedMoments(_v);
            double c = _center[j], s = _scale[j];
            _columnCurvatureDot[j] = dot;
            _curvature[j] = _usable[j] ? Math.Max(0, squareDot - 2 * c * dot + c * c * _curvatureSum) / (s * s) : 0;
            _statsStamp[j] = _stamp;
        }

        // The group's Gram matrix Σ v x̃_a x̃_b and its eigen-decomposition (for the exact block update).
        private double[] EnsureGram(int g)
        {
            if (_gramStamp[g] == _stamp)
                return _groupGram[g];
            int[] members = _problem.GroupMembers[g];
            int k = members.Length;
            foreach (int j in members)
                EnsureStats(j);
            var gram = _groupGram[g] ?? new double[k * k];
            for (int a = 0; a < k; a++)
            {
                int ja = members[a];
                _columns[ja].WriteProduct(_v, _scratch);
                for (int c = a; c < k; c++)
                {
                    int jc = members[c];
                    double cross = _columns[jc].Dot(_scratch);
                    double value = (cross - _center[jc] * _columnCurvatureDot[ja] - _center[ja] * _columnCurvatureDot[jc]
                        + _center[ja] * _center[jc] * _curvatureSum) / (_scale[ja] * _scale[jc]);
                    if (!_usable[ja] || !_usable[jc])
                        value = 0;
                    gram[a * k + c] = value;
                    gram[c * k + a] = value;
                }
            }
            _groupGram[g] = gram;
            _groupSubproblem[g] = new GroupSubproblem(gram, k);
            _gramStamp[g] = _stamp;
            return gram;
        }

        // Recomputes η, the curvature weights v and the residual w(y − μ) at the current coefficients.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void PrepareWorkingResponse()
        {
            double offset = _intercept;
            for (int j = 0; j < _beta.Length; j++)
            {
                if (_beta[j] != 0)
                    offset -= _beta[j] * _center[j] / _scale[j];
            }
            Array.Fill(_eta, offset);
            for (int j = 0; j < _beta.Length; j++)
            {
                if (_beta[j] != 0)
                    _columns[j].AddScaled(_beta[j] / _scale[j], _eta);
            }

            bool binomial = _problem.Family == GlmFamily.Binomial;
            double rawSum = 0, curvatureSum = 0;
            for (int i = 0; i < _n; i++)
            {
                double mean = binomial ? 1 / (1 + Math.Exp(-_eta[i])) : _eta[i];
                double v = binomial ? _w[i] * Math.Max(mean * (1 - mean), MinimumCurvatureFraction) : _w[i];
                _v[i] = v;
                double r = _w[i] * (_y[i] - mean);
                _residualRaw[i] = r;
                rawSum += r;
                curvatureSum += v;
            }
            _residualRawSum = rawSum;
            _curvatureSum = curvatureSum;
            _shift = 0;
            // Gaussian curvature weights never change, so their statistics stay valid.
            if (binomial || _stamp == 0)
                _stamp++;
        }

        /// <summary>The model's deviance at the last prepared η: −2·mean log-likelihood (binomial) or weighted RSS (gaussian).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private double Deviance()
        {
            double sum = 0;
            bool binomial = _problem.Family == GlmFamily.Binomial;
            for (int i = 0; i < _n; i++)
            {
                if (_w[i] == 0)
                    continue;
                double eta = _eta[i];
                if (binomial)
                    sum += -2 * _w[i] * (_y[i] * eta - LogOnePlusExp(eta));
                else
                    sum += _w[i] * (_y[i] - eta) * (_y[i] - eta);
            }
            return sum;
        }

        internal static double LogOnePlusExp(double x) => x > 0 ? x + Math.Log(1 + Math.Exp(-x)) : Math.Log(1 + Math.Exp(x));
    }
}
