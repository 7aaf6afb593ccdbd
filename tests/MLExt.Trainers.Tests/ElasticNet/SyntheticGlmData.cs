using System;
using System.Linq;
using MLExt.Trainers.ElasticNet.Core;

namespace MLExt.Trainers.Tests.ElasticNet
{
    /// <summary>Seeded linear and logistic data with a known sparse coefficient vector.</summary>
    internal sealed class SyntheticGlmData
    {
        public SyntheticGlmData(int rows, int features, int informative, GlmFamily family, int seed, double correlation = 0.3)
        {
            var random = new Random(seed);
            Rows = rows;
            X = new double[features][];
            TrueCoefficients = new double[features];
            for (int j = 0; j < informative; j++)
                TrueCoefficients[j] = (j % 2 == 0 ? 1 : -1) * (0.5 + j % 3 * 0.5);
            var shared = Enumerable.Range(0, rows).Select(_ => Normal(random)).ToArray();
            for (int j = 0; j < features; j++)
            {
                // Correlated features with different scales and offsets, so standardization and centering matter.
                double scale = 0.5 + j % 4, offset = j % 3 - 1;
                X[j] = Enumerable.Range(0, rows).Select(i => offset + scale * (correlation * shared[i] + Normal(random))).ToArray();
            }
            Labels = new double[rows];
            for (int i = 0; i < rows; i++)
            {
                double eta = 0.3;
                for (int j = 0; j < features; j++)
                    eta += TrueCoefficients[j] * (X[j][i] - (j % 3 - 1)) / (0.5 + j % 4);
                Labels[i] = family == GlmFamily.Gaussian
                    ? eta + Normal(random)
                    : (random.NextDouble() < 1 / (1 + Math.Exp(-eta)) ? 1 : 0);
            }
            Weights = Enumerable.Range(0, rows).Select(_ => 0.5 + random.NextDouble()).ToArray();
        }

        public int Rows { get; }
        public double[][] X { get; }
        public double[] Labels { get; }
        public double[] Weights { get; }
        public double[] TrueCoefficients { get; }

        public FeatureColumn[] DenseColumns() => X.Select(c => (FeatureColumn)new DenseFeatureColumn(c)).ToArray();

        public FeatureColumn[] SparseColumns() => X.Select(c =>
        {
            int[] rows = Enumerable.Range(0, c.Length).Where(i => c[i] != 0).ToArray();
            return (FeatureColumn)new SparseFeatureColumn(rows, rows.Select(i => c[i]).ToArray());
        }).ToArray();

        public static double Normal(Random random)
        {
            double u = 1 - random.NextDouble(), v = random.NextDouble();
            return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
        }
    }
}
