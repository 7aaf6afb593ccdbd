using System;

namespace MLExt.Transforms.VectorCompressing.Core
{
    /// <summary>
    /// Eigenvalues and eigenvectors of a real symmetric matrix: Householder reduction to a tridiagonal matrix, then the implicit
    /// QR algorithm with Wilkinson shifts on it, both accumulating their orthogonal transformations. O(n³) with small constants,
    /// every update running along rows (the eigenvectors are kept as rows), so a covariance of a few hundred to a thousand
    /// dimensions decomposes in seconds.
    /// </summary>
    internal static class SymmetricEigen
    {
        /// <summary>
        /// Decomposes <paramref name="matrix"/> (n x n, symmetric, full storage; overwritten). Returns the eigenvalues in descending
        /// order and the matching unit eigenvectors as rows (<c>vectors[k][j]</c> is coordinate j of the k-th).
        /// </summary>
        public static (double[] Values, double[][] Vectors) Decompose(double[][] matrix)
        {
            int n = matrix.Length;
            // w = Qᵀ, with A = Q T Qᵀ after the reduction, then (Q Z)ᵀ with T = Z Λ Zᵀ after the QR iterations: row k is eigenvector k.
            var w = new double[n][];
            for (int i = 0; i < n; i++)
            {
                w[i] = new double[n];
                w[i][i] = 1;
            }
            var diagonal = new double[n];
            var offDiagonal = new double[Math.Max(n - 1, 0)];
            Tridiagonalize(matrix, w, diagonal, offDiagonal);
            Diagonalize(diagonal, offDiagonal, w);

            var order = new int[n];
            for (int i = 0; i < n; i++)
                order[i] = i;
            // Descending, ties in index order, so the result does not depend on the sort's stability.
            Array.Sort(order, (a, b) => diagonal[a] != diagonal[b] ? diagonal[b].CompareTo(diagonal[a]) : a.CompareTo(b));
            var values = new double[n];
            var vectors = new double[n][];
            for (int k = 0; k < n; k++)
            {
                values[k] = diagonal[order[k]];
                vectors[k] = w[order[k]];
            }
            return (values, vectors);
        }

        // Householder: for each column k, the reflection P = I − β v vᵀ on coordinates k+1.. that maps a[k+1.., k] to a multiple of
        // the first unit vector, applied on both sides of the trailing block as the rank-2 update B ← B − v qᵀ − q vᵀ (q = p − (β/2)(pᵀv) v,
        // p = β B v), and to w from the left (w ← P w).
        private static void Tridiagonalize(double[][] a, double[][] w, double[] diagonal, double[] offDiagonal)
        {
            int n = a.Length;
            var v = new double[n];
            var p = new double[n];
            var u = new double[n];
            for (int k = 0; k + 2 < n; k++)
            {
                double[] row = a[k];
                double norm = 0;
                for (int i = k + 1; i < n; i++)
                    norm += row[i] * row[i];
                norm = Math.Sqrt(norm);
                if (norm == 0)
                {
                    offDiagonal[k] = 0;
                    continue;
                }
                double x0 = row[k + 1];
                // The sign that avoids cancellation in v's first entry.
                double r = x0 >= 0 ? -norm : norm;
                for (int i = k + 1; i < n; i++)
                    v[i] = row[i];
                v[k + 1] = x0 - r;
                double vv = 2 * norm * norm - 2 * x0 * r;
                double beta = 2 / vv;
                offDiagonal[k] = r;

                // p = β B v, then q = p − (β/2)(pᵀv) v (kept in p).
                double pv = 0;
                for (int i = k + 1; i < n; i++)
                {
                    double[] ai = a[i];
                    double sum = 0;
                    for (int j = k + 1; j < n; j++)
                        sum += ai[j] * v[j];
                    p[i] = beta * sum;
                    pv += p[i] * v[i];
                }
                double half = beta * pv / 2;
                for (int i = k + 1; i < n; i++)
                    p[i] -= half * v[i];
                for (int i = k + 1; i < n; i++)
                {
                    double[] ai = a[i];
                    double vi = v[i], qi = p[i];
                    for (int j = k + 1; j < n; j++)
                        ai[j] -= vi * p[j] + qi * v[j];
                }

                // w ← P w: u = vᵀ w (over rows k+1..), then w_i −= β v_i u.
                Array.Clear(u);
                for (int i = k + 1; i < n; i++)
                {
                    double vi = v[i];
                    double[] wi = w[i];
                    for (int j = 0; j < n; j++)
                        u[j] += vi * wi[j];
                }
                for (int i = k + 1; i < n; i++)
                {
                    double f = beta * v[i];
                    double[] wi = w[i];
                    for (int j = 0; j < n; j++)
                        wi[j] -= f * u[j];
                }
            }
            for (int i = 0; i < n; i++)
                diagonal[i] = a[i][i];
            if (n >= 2)
                offDiagonal[n - 2] = a[n - 2][n - 1];
        }

        // Implicit symmetric QR on the tridiagonal (d, e): a Wilkinson-shifted step chases a bulge down the unreduced block with plane
        // rotations G (T ← Gᵀ T G, w ← Gᵀ w) until the last off-diagonal entry is negligible, which deflates one eigenvalue.
        private static void Diagonalize(double[] d, double[] e, double[][] w)
        {
            int n = d.Length;
            int steps = 0, maxSteps = 60 * Math.Max(n, 1);
            int hi = n - 1;
            while (hi > 0)
            {
                if (Negligible(e[hi - 1], d[hi - 1], d[hi]))
                {
                    e[hi - 1] = 0;
                    hi--;
                    continue;
                }
                int lo = hi - 1;
                while (lo > 0 && !Negligible(e[lo - 1], d[lo - 1], d[lo]))
                    lo--;
                if (++steps > maxSteps)
                    throw new InvalidOperationException("The symmetric eigen-solver did not converge.");

                double delta = (d[hi - 1] - d[hi]) / 2, last = e[hi - 1];
                double shift = d[hi] - last * last / (delta + (delta >= 0 ? 1 : -1) * Hypot(delta, last));
                double x = d[lo] - shift, z = e[lo];
                for (int k = lo; k < hi; k++)
                {
                    double r = Hypot(x, z);
                    double c = r == 0 ? 1 : x / r, s = r == 0 ? 0 : -z / r;
                    if (k > lo)
                        e[k - 1] = r;
                    double a = d[k], b = e[k], cc = d[k + 1];
                    d[k] = c * c * a - 2 * c * s * b + s * s * cc;
                    d[k + 1] = s * s * a + 2 * c * s * b + c * c * cc;
                    e[k] = c * s * (a - cc) + (c * c - s * s) * b;
                    if (k + 1 < hi)
                    {
                        // The bulge the rotation leaves below the band, and the entry it shares a column with.
                        z = -s * e[k + 1];
                        e[k + 1] *= c;
                    }
                    x = e[k];
                    double[] wk = w[k], wk1 = w[k + 1];
                    for (int j = 0; j < wk.Length; j++)
                    {
                        double p = wk[j], q = wk1[j];
                        wk[j] = c * p - s * q;
                        wk1[j] = s * p + c * q;
                    }
                }
            }
        }

        private static bool Negligible(double off, double left, double right)
            => Math.Abs(off) <= 1e-15 * (Math.Abs(left) + Math.Abs(right)) || off == 0;

        private static double Hypot(double a, double b)
        {
            a = Math.Abs(a);
            b = Math.Abs(b);
            double big = Math.Max(a, b), small = Math.Min(a, b);
            if (big == 0)
                return 0;
            double ratio = small / big;
            return big * Math.Sqrt(1 + ratio * ratio);
        }
    }
}
