using System;
using System.Linq;
using System.Threading.Tasks;

namespace MLExt.Benchmarks.QuickSelection
{
    /// <summary>The unsupervised selectors QuickSelection is compared with, on rows in memory.</summary>
    internal static class UnsupervisedBaselines
    {
        /// <summary>The <paramref name="k"/> columns of largest variance.</summary>
        public static int[] ByVariance(float[][] rows, int k)
        {
            int d = rows[0].Length;
            double[] variance = Enumerable.Range(0, d).Select(f =>
            {
                double mean = rows.Average(r => r[f]);
                return rows.Average(r => (r[f] - mean) * (r[f] - mean));
            }).ToArray();
            return Enumerable.Range(0, d).OrderByDescending(f => variance[f]).ThenBy(f => f).Take(k).OrderBy(f => f).ToArray();
        }

        /// <summary>
        /// The <paramref name="k"/> columns of smallest Laplacian score (He, Cai and Niyogi 2005): how well a feature respects the
        /// data's neighbourhood graph (5 nearest neighbours, heat-kernel weights with the mean squared neighbour distance as width).
        /// </summary>
        public static int[] ByLaplacianScore(float[][] rows, int k, int neighbours = 5)
        {
            int n = rows.Length, d = rows[0].Length;
            var nearest = new (int Index, double Distance)[n][];
            Parallel.For(0, n, i =>
            {
                var distances = new (int, double)[n];
                for (int j = 0; j < n; j++)
                {
                    double sum = 0;
                    for (int f = 0; f < d; f++)
                    {
                        double delta = rows[i][f] - rows[j][f];
                        sum += delta * delta;
                    }
                    distances[j] = (j, i == j ? double.PositiveInfinity : sum);
                }
                nearest[i] = distances.OrderBy(x => x.Item2).Take(neighbours).ToArray();
            });
            double width = nearest.SelectMany(x => x).Average(x => x.Distance);
            // A symmetric graph: i and j are linked when either is among the other's nearest.
            var weights = new System.Collections.Generic.Dictionary<(int, int), double>();
            for (int i = 0; i < n; i++)
                foreach (var (j, distance) in nearest[i])
                {
                    double w = Math.Exp(-distance / width);
                    weights[(Math.Min(i, j), Math.Max(i, j))] = w;
                }
            var degree = new double[n];
            foreach (var ((i, j), w) in weights)
            {
                degree[i] += w;
                degree[j] += w;
            }
            double totalDegree = degree.Sum();
            double[] score = Enumerable.Range(0, d).Select(f =>
            {
                // f~ = f − (fᵀD1 / 1ᵀD1)·1; score = f~ᵀ L f~ / f~ᵀ D f~ with L = D − S.
                double shift = Enumerable.Range(0, n).Sum(i => rows[i][f] * degree[i]) / totalDegree;
                double spread = Enumerable.Range(0, n).Sum(i => degree[i] * (rows[i][f] - shift) * (rows[i][f] - shift));
                if (spread <= 0)
                    return double.PositiveInfinity;
                double smooth = weights.Sum(e => 2 * e.Value * (rows[e.Key.Item1][f] - shift) * (rows[e.Key.Item2][f] - shift));
                return (spread - smooth) / spread;
            }).ToArray();
            return Enumerable.Range(0, d).OrderBy(f => score[f]).ThenBy(f => f).Take(k).OrderBy(f => f).ToArray();
        }
    }
}
