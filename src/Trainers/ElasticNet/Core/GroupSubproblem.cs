using System;

namespace MLExt.Trainers.ElasticNet.Core
{
    /// <summary>
    /// Exact minimizer of a group's local problem ½βᵀGβ − bᵀβ + l1‖β‖ + ½ l2‖β‖² for a small symmetric positive
    /// semi-definite G. In G's eigenbasis (G = QΛQᵀ, z = Qᵀβ, c = Qᵀb) the norm is unchanged, so the optimum is
    /// zᵢ = cᵢ t / ((Λᵢ + l2) t + l1) with t = ‖z‖ the root of Σ cᵢ² / ((Λᵢ + l2) t + l1)² = 1, a monotone scalar equation.
    /// </summary>
    internal sealed class GroupSubproblem
    {
        private readonly int _size;
        private readonly double[] _vectors;
        private readonly double[] _values;

        public GroupSubproblem(double[] gram, int size)
        {
            _size = size;
            (_values, _vectors) = SymmetricEigen(gram, size);
        }

        public void Solve(double[] b, double l1, double l2, double[] result)
        {
            int k = _size;
            var c = new double[k];
            double norm = 0;
            for (int i = 0; i < k; i++)
            {
                double sum = 0;
                for (int a = 0; a < k; a++)
                    sum += _vectors[a * k + i] * b[a];
                c[i] = sum;
                norm += sum * sum;
            }
            norm = Math.Sqrt(norm);
            Array.Clear(result);
            if (norm <= l1)
                return;

            // Directions without curvature or ridge cannot be fitted; the gradient has (numerically) nothing there
            // for a well-posed problem, so they are left at zero.
            double maxCurvature = 0;
            for (int i = 0; i < k; i++)
                maxCurvature = Math.Max(maxCurvature, _values[i] + l2);
            double floor = 1e-12 * Math.Max(maxCurvature, 1e-300);
            double minCurvature = double.MaxValue;
            for (int i = 0; i < k; i++)
            {
                if (_values[i] + l2 > floor)
                    minCurvature = Math.Min(minCurvature, _values[i] + l2);
            }
            if (minCurvature == double.MaxValue)
                return;

            // f(t) = Σ cᵢ²/(dᵢ t + l1)² − 1 decreases from ‖c‖²/l1² − 1 > 0; it is ≤ 0 at t = ‖c‖ / d_min.
            double low = 0, high = norm / minCurvature;
            for (int iteration = 0; iteration < 200 && high - low > 1e-15 * high; iteration++)
            {
                double t = 0.5 * (low + high);
                double f = -1;
                for (int i = 0; i < k; i++)
                {
                    double d = _values[i] + l2;
                    if (d <= floor)
                        continue;
                    double denominator = d * t + l1;
                    f += c[i] * c[i] / (denominator * denominator);
                }
                if (f > 0)
                    low = t;
                else
                    high = t;
            }
            double root = 0.5 * (low + high);
            for (int i = 0; i < k; i++)
            {
                double d = _values[i] + l2;
                if (d <= floor)
                    continue;
                double z = c[i] * root / (d * root + l1);
                for (int a = 0; a < k; a++)
                    result[a] += _vectors[a * k + i] * z;
            }
        }

        // Cyclic Jacobi rotations: eigenvalues and column eigenvectors (row-major k×k) of a symmetric matrix.
        private static (double[] Values, double[] Vectors) SymmetricEigen(double[] matrix, int k)
        {
            var a = (double[])matrix.Clone();
            var v = new double[k * k];
            for (int i = 0; i < k; i++)
                v[i * k + i] = 1;
            for (int sweep = 0; sweep < 100; sweep++)
            {
                double off = 0, total = 0;
                for (int p = 0; p < k; p++)
                {
                    for (int q = 0; q < k; q++)
                    {
                        total += a[p * k + q] * a[p * k + q];
                        if (p != q)
                            off += a[p * k + q] * a[p * k + q];
                    }
                }
                if (off <= 1e-30 * Math.Max(total, 1e-300))
                    break;
                for (int p = 0; p < k - 1; p++)
                {
                    for (int q = p + 1; q < k; q++)
                    {
                        double apq = a[p * k + q];
                        if (apq == 0)
                            continue;
                        double theta = (a[q * k + q] - a[p * k + p]) / (2 * apq);
                        double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                        double cos = 1 / Math.Sqrt(t * t + 1), sin = t * cos;
                        for (int r = 0; r < k; r++)
                        {
                            double arp = a[r * k + p], arq = a[r * k + q];
                            a[r * k + p] = cos * arp - sin * arq;
                            a[r * k + q] = sin * arp + cos * arq;
                        }
                        for (int r = 0; r < k; r++)
                        {
                            double apr = a[p * k + r], aqr = a[q * k + r];
                            a[p * k + r] = cos * apr - sin * aqr;
                            a[q * k + r] = sin * apr + cos * aqr;
                        }
                        for (int r = 0; r < k; r++)
                        {
                            double vrp = v[r * k + p], vrq = v[r * k + q];
                            v[r * k + p] = cos * vrp - sin * vrq;
                            v[r * k + q] = sin * vrp + cos * vrq;
                        }
                    }
                }
            }
            var values = new double[k];
            for (int i = 0; i < k; i++)
                values[i] = Math.Max(0, a[i * k + i]);
            return (values, v);
        }
    }
}
