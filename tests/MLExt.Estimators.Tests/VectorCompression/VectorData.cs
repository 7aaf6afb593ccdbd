using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExt.Estimators.Tests.VectorCompression
{
    /// <summary>Seeded synthetic vectors with a known structure, and their data views.</summary>
    internal static class VectorData
    {
        public sealed class Row
        {
            public float[] Embedding { get; set; }
        }

        /// <summary>Points around <paramref name="clusters"/> centers drawn from N(0, 3²), each coordinate off its center by N(0, spread²).</summary>
        public static float[][] Clustered(int rows, int dimension, int clusters, double spread, int seed)
        {
            var random = new Random(seed);
            double[][] centers = Enumerable.Range(0, clusters).Select(_ => Enumerable.Range(0, dimension).Select(_ => 3 * Gaussian(random)).ToArray()).ToArray();
            return Enumerable.Range(0, rows).Select(_ =>
            {
                double[] center = centers[random.Next(clusters)];
                return center.Select(c => (float)(c + spread * Gaussian(random))).ToArray();
            }).ToArray();
        }

        /// <summary>Points μ + Σ_k z_k a_k on a plane of <paramref name="rank"/> random directions a_k (z_k ~ N(0, 1)), plus N(0, noise²) per coordinate.</summary>
        public static float[][] LowRank(int rows, int dimension, int rank, double noise, int seed)
        {
            var random = new Random(seed);
            double[] mean = Enumerable.Range(0, dimension).Select(_ => 5 * Gaussian(random)).ToArray();
            double[][] directions = Enumerable.Range(0, rank).Select(_ => Enumerable.Range(0, dimension).Select(_ => Gaussian(random)).ToArray()).ToArray();
            return Enumerable.Range(0, rows).Select(_ =>
            {
                double[] z = Enumerable.Range(0, rank).Select(_ => Gaussian(random)).ToArray();
                return Enumerable.Range(0, dimension).Select(j =>
                {
                    double x = mean[j] + noise * Gaussian(random);
                    for (int k = 0; k < rank; k++)
                        x += z[k] * directions[k][j];
                    return (float)x;
                }).ToArray();
            }).ToArray();
        }

        public static double Gaussian(Random random)
        {
            double u = 1 - random.NextDouble(), v = random.NextDouble();
            return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
        }

        /// <summary>Rows as one array, row-major, as the codecs take them.</summary>
        public static float[] Flat(float[][] rows) => rows.SelectMany(r => r).ToArray();

        /// <summary>A data view with one column "Embedding", a vector of Single of the rows' size (or of variable size).</summary>
        public static IDataView View(MLContext mlContext, float[][] rows, int? size = null, bool knownSize = true)
        {
            var definition = SchemaDefinition.Create(typeof(Row));
            definition[nameof(Row.Embedding)].ColumnType = knownSize
                ? new VectorDataViewType(NumberDataViewType.Single, size ?? rows[0].Length)
                : new VectorDataViewType(NumberDataViewType.Single);
            return mlContext.Data.LoadFromEnumerable(rows.Select(r => new Row { Embedding = r }).ToArray(), definition);
        }

        /// <summary>The values of a vector column, row by row.</summary>
        public static float[][] Column(IDataView data, string name) => data.GetColumn<float[]>(name).ToArray();
    }
}
