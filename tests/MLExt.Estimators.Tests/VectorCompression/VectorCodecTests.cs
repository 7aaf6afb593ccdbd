using System;
using System.IO;
using System.Linq;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using MLExt.Transforms;
using MLExt.Transforms.VectorCompressing.Core;

namespace MLExt.Estimators.Tests.VectorCompression
{
    /// <summary>The algorithm core on plain arrays: k-means, product quantization, Int8, the low-rank projection and its eigen-solver.</summary>
    [TestClass]
    public class VectorCodecTests
    {
        [TestMethod]
        public void ProductQuantizationWithACentroidPerDistinctPointIsExact()
        {
            // 12 distinct points, each repeated 25 times in a shuffled order: with 12 centroids per part, k-means++ seeds one on each
            // distinct part (it never draws a point already on a centroid), so every part is reproduced exactly.
            var random = new Random(5);
            float[][] distinct = VectorData.Clustered(12, 8, 12, 1.0, seed: 5);
            float[][] rows = Enumerable.Range(0, 300).Select(i => distinct[i % 12]).OrderBy(_ => random.Next()).ToArray();
            var quantizer = ProductQuantizer.Fit(VectorData.Flat(rows), rows.Length, 8, subspaces: 2, centroids: 12, maxIterations: 10, seed: 1);
            ReconstructionStats stats = ReconstructionStats.Measure(quantizer, VectorData.Flat(rows), rows.Length);
            Assert.AreEqual(0.0, stats.SquaredError);
            Assert.IsTrue(stats.TotalVariance > 0);
            var output = new float[8];
            var code = new byte[2];
            foreach (float[] row in distinct)
            {
                quantizer.Reconstruct(row, output, code);
                CollectionAssert.AreEqual(row, output);
            }
        }

        [TestMethod]
        public void KMeansFindsWellSeparatedPlantedClusters()
        {
            // Four centers 10 apart, points within about 0.05 of them: every center must have a centroid within 0.05.
            float[][] centers = { new[] { 0f, 0f }, new[] { 10f, 0f }, new[] { 0f, 10f }, new[] { 10f, 10f } };
            var random = new Random(3);
            float[][] points = Enumerable.Range(0, 400).Select(i => centers[i % 4].Select(c => (float)(c + 0.02 * VectorData.Gaussian(random))).ToArray()).ToArray();
            KMeansResult result = KMeans.Fit(VectorData.Flat(points), points.Length, 2, 4, 50, new Random(1));
            Assert.IsTrue(result.Converged);
            foreach (float[] center in centers)
            {
                double nearest = Enumerable.Range(0, 4).Min(c => Math.Sqrt(Math.Pow(result.Centroids[2 * c] - center[0], 2) + Math.Pow(result.Centroids[2 * c + 1] - center[1], 2)));
                Assert.IsTrue(nearest < 0.05, $"No centroid near ({center[0]}, {center[1]}): nearest at {nearest}");
            }
        }

        [TestMethod]
        public void ProductQuantizationErrorFallsAsCentroidsGrow()
        {
            float[][] rows = VectorData.Clustered(2000, 16, 40, 0.5, seed: 7);
            float[] flat = VectorData.Flat(rows);
            double[] errors = new[] { 2, 8, 32, 128 }.Select(k =>
                ReconstructionStats.Measure(ProductQuantizer.Fit(flat, rows.Length, 16, 4, k, 20, seed: 2), flat, rows.Length).RelativeError).ToArray();
            for (int i = 1; i < errors.Length; i++)
                Assert.IsTrue(errors[i] < errors[i - 1], $"Errors by centroids 2, 8, 32, 128: {string.Join(", ", errors)}");
            Assert.IsTrue(errors[0] < 1 && errors[^1] < 0.1, string.Join(", ", errors));
        }

        [TestMethod]
        public void ProductQuantizationIsDeterministicForASeed()
        {
            float[] flat = VectorData.Flat(VectorData.Clustered(3000, 12, 20, 0.3, seed: 8));
            var a = ProductQuantizer.Fit(flat, 3000, 12, 3, 64, 15, seed: 4);
            var b = ProductQuantizer.Fit(flat, 3000, 12, 3, 64, 15, seed: 4);
            for (int s = 0; s < 3; s++)
                CollectionAssert.AreEqual(a.Codebook(s).ToArray(), b.Codebook(s).ToArray());
        }

        [TestMethod]
        public void Int8IsWithinHalfAStepOfEveryTrainingValue()
        {
            // Slots of very different ranges, one constant slot.
            var random = new Random(11);
            float[][] rows = Enumerable.Range(0, 500).Select(_ => new[]
            {
                (float)VectorData.Gaussian(random), (float)(1000 * random.NextDouble()), (float)(1e-3 * VectorData.Gaussian(random)), 4.25f, (float)(-50 + random.NextDouble()),
            }).ToArray();
            var quantizer = Int8Quantizer.Fit(VectorData.Flat(rows), rows.Length, 5);
            Assert.AreEqual(0f, quantizer.Scales[3]);
            var output = new float[5];
            var code = new byte[5];
            foreach (float[] row in rows)
            {
                quantizer.Reconstruct(row, output, code);
                for (int j = 0; j < 5; j++)
                {
                    // Half a step, plus the rounding of the stored offset and scale (a few ulps of the values involved).
                    double bound = quantizer.Scales[j] / 2 + 4e-7 * (Math.Abs(row[j]) + 127 * quantizer.Scales[j]);
                    Assert.IsTrue(Math.Abs(row[j] - output[j]) <= bound, $"slot {j}: {row[j]} came back as {output[j]} (step {quantizer.Scales[j]})");
                }
                Assert.AreEqual(4.25f, output[3]);
            }
            ReconstructionStats stats = ReconstructionStats.Measure(quantizer, VectorData.Flat(rows), rows.Length);
            double perSlotBound = Enumerable.Range(0, 5).Sum(j => Math.Pow(quantizer.Scales[j] / 2 * (1 + 1e-4), 2)) / 5;
            Assert.IsTrue(stats.MeanSquaredError(5) <= perSlotBound);

            // Beyond the training range a value is clamped to the range's end.
            float max = rows.Max(r => r[0]);
            var far = new[] { max + 100, rows[0][1], rows[0][2], 4.25f, rows[0][4] };
            quantizer.Reconstruct(far, output, code);
            Assert.AreEqual(127, (sbyte)code[0]);
            Assert.AreEqual(max, output[0], quantizer.Scales[0]);
        }

        [TestMethod]
        public void LowRankIsExactOnDataOfThatRank()
        {
            float[][] rows = VectorData.LowRank(800, 12, 3, noise: 0, seed: 13);
            float[] flat = VectorData.Flat(rows);
            var rank3 = LowRankProjection.Fit(flat, rows.Length, 12, 3);
            Assert.IsTrue(ReconstructionStats.Measure(rank3, flat, rows.Length).RelativeError < 1e-6);
            Assert.IsTrue(ReconstructionStats.Measure(LowRankProjection.Fit(flat, rows.Length, 12, 2), flat, rows.Length).RelativeError > 0.01);
            // The directions are orthonormal.
            for (int a = 0; a < 3; a++)
                for (int b = 0; b < 3; b++)
                {
                    double dot = 0;
                    for (int j = 0; j < 12; j++)
                        dot += rank3.Direction(a)[j] * (double)rank3.Direction(b)[j];
                    Assert.AreEqual(a == b ? 1.0 : 0.0, dot, 1e-5);
                }
        }

        [TestMethod]
        public void LowRankErrorIsTheShareOfTheDiscardedEigenvalues()
        {
            // PCA: projecting on the top r eigenvectors of the covariance loses exactly the remaining eigenvalues' share of the variance.
            float[][] rows = VectorData.LowRank(1500, 10, 6, noise: 0.3, seed: 17);
            float[] flat = VectorData.Flat(rows);
            double previous = double.MaxValue;
            for (int rank = 1; rank <= 10; rank++)
            {
                var projection = LowRankProjection.Fit(flat, rows.Length, 10, rank);
                double[] values = projection.Eigenvalues;
                double expected = values.Skip(rank).Sum() / values.Sum();
                double error = ReconstructionStats.Measure(projection, flat, rows.Length).RelativeError;
                Assert.AreEqual(expected, error, 1e-5, $"rank {rank}");
                Assert.IsTrue(error <= previous, $"rank {rank}: {error} after {previous}");
                previous = error;
            }
            Assert.IsTrue(previous < 1e-6, "the full rank reproduces the rows");
        }

        [TestMethod]
        public void ChosenRankIsTheSmallestKeepingTheShare()
        {
            // Cumulative shares 0.6, 0.8, 0.9, 0.96, 1.0: 95% needs four.
            Assert.AreEqual(4, LowRankProjection.ChooseRank(new[] { 6.0, 2, 1, 0.6, 0.4 }, 0.95));
            Assert.AreEqual(1, LowRankProjection.ChooseRank(new[] { 6.0, 2, 1, 0.6, 0.4 }, 0.5));
            Assert.AreEqual(1, LowRankProjection.ChooseRank(new[] { 0.0, 0, 0 }, 0.95), "no variance: one direction");
            Assert.AreEqual(2, LowRankProjection.ChooseRank(new[] { 1.0, 1, -1e-12 }, 0.95), "negative rounding noise counts as 0");
        }

        [TestMethod]
        public void SymmetricEigenRecoversAPlantedSpectrum()
        {
            // A = Q diag(λ) Qᵀ with Q from Gram-Schmidt on random vectors.
            const int n = 9;
            var random = new Random(19);
            double[] lambda = { 9, 7.5, 5, 3, 2, 1, 0.5, 0, -1 };
            var q = new double[n][];
            for (int k = 0; k < n; k++)
            {
                double[] v = Enumerable.Range(0, n).Select(_ => VectorData.Gaussian(random)).ToArray();
                for (int p = 0; p < k; p++)
                {
                    double dot = v.Zip(q[p], (a, b) => a * b).Sum();
                    for (int j = 0; j < n; j++)
                        v[j] -= dot * q[p][j];
                }
                double norm = Math.Sqrt(v.Sum(x => x * x));
                q[k] = v.Select(x => x / norm).ToArray();
            }
            double[][] matrix = Enumerable.Range(0, n).Select(i => Enumerable.Range(0, n).Select(j => Enumerable.Range(0, n).Sum(k => lambda[k] * q[k][i] * q[k][j])).ToArray()).ToArray();
            double[][] copy = matrix.Select(r => r.ToArray()).ToArray();
            var (values, vectors) = SymmetricEigen.Decompose(copy);
            for (int k = 0; k < n; k++)
            {
                Assert.AreEqual(lambda[k], values[k], 1e-9);
                // A v = λ v.
                for (int i = 0; i < n; i++)
                    Assert.AreEqual(values[k] * vectors[k][i], Enumerable.Range(0, n).Sum(j => matrix[i][j] * vectors[k][j]), 1e-9);
            }
        }

        [TestMethod]
        [DataRow(1)]
        [DataRow(2)]
        [DataRow(3)]
        [DataRow(40)]
        public void SymmetricEigenSolvesRandomAndDegenerateMatrices(int n)
        {
            var random = new Random(n);
            double[][] Symmetric(Func<int, int, double> entry)
            {
                var m = new double[n][];
                for (int i = 0; i < n; i++)
                    m[i] = new double[n];
                for (int i = 0; i < n; i++)
                    for (int j = i; j < n; j++)
                        m[i][j] = m[j][i] = entry(i, j);
                return m;
            }
            var cases = new[]
            {
                Symmetric((i, j) => VectorData.Gaussian(random)),
                Symmetric((i, j) => 0),
                Symmetric((i, j) => i == j ? 2.5 : 0),
                Symmetric((i, j) => i == j ? n - i : 0),
                Symmetric((i, j) => 1),
            };
            foreach (double[][] matrix in cases)
            {
                var (values, vectors) = SymmetricEigen.Decompose(matrix.Select(r => r.ToArray()).ToArray());
                double scale = 1 + matrix.Max(r => r.Max(Math.Abs));
                for (int k = 0; k < n; k++)
                {
                    if (k > 0)
                        Assert.IsTrue(values[k] <= values[k - 1], "descending");
                    for (int l = 0; l < n; l++)
                        Assert.AreEqual(k == l ? 1.0 : 0.0, vectors[k].Zip(vectors[l], (a, b) => a * b).Sum(), 1e-10, "orthonormal");
                    for (int i = 0; i < n; i++)
                        Assert.AreEqual(values[k] * vectors[k][i], Enumerable.Range(0, n).Sum(j => matrix[i][j] * vectors[k][j]), 1e-10 * scale * n, "A v = λ v");
                }
                Assert.AreEqual(Enumerable.Range(0, n).Sum(i => matrix[i][i]), values.Sum(), 1e-9 * scale * n, "the trace");
            }
        }

        [TestMethod]
        public void EveryCodecReadsBackWhatItWrote()
        {
            float[][] rows = VectorData.Clustered(300, 8, 6, 0.4, seed: 23);
            float[] flat = VectorData.Flat(rows);
            VectorCodec[] codecs =
            {
                ProductQuantizer.Fit(flat, rows.Length, 8, 4, 16, 10, seed: 1),
                Int8Quantizer.Fit(flat, rows.Length, 8),
                LowRankProjection.Fit(flat, rows.Length, 8, 3),
            };
            foreach (VectorCodec codec in codecs)
            {
                using var stream = new MemoryStream();
                using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
                    VectorCodecFile.Write(writer, codec);
                Assert.AreEqual(4 + 4 * (codec is LowRankProjection ? 2 : codec is ProductQuantizer ? 3 : 1) + codec.ParameterBytes, stream.Length,
                    $"{codec.GetType().Name}: the stored bytes are the header and ParameterBytes");
                stream.Position = 0;
                VectorCodec read = VectorCodecFile.Read(new BinaryReader(stream));
                Assert.AreEqual(codec.GetType(), read.GetType());
                var a = new float[8];
                var b = new float[8];
                var code = new byte[codec.CodeBytes];
                foreach (float[] row in rows)
                {
                    codec.Reconstruct(row, a, code);
                    read.Reconstruct(row, b, code);
                    CollectionAssert.AreEqual(a, b);
                }
            }
        }

        [TestMethod]
        public void DefaultSubspacesIsTheDivisorNearestAQuarterOfTheSize()
        {
            Assert.AreEqual(16, VectorCompressionEstimator.DefaultSubspaces(64));
            Assert.AreEqual(192, VectorCompressionEstimator.DefaultSubspaces(768));
            Assert.AreEqual(2, VectorCompressionEstimator.DefaultSubspaces(10), "2.5 wanted: 2 (off by 0.5) beats 5");
            Assert.AreEqual(2, VectorCompressionEstimator.DefaultSubspaces(6), "1.5 wanted: 1 and 2 tie, the larger wins");
            Assert.AreEqual(1, VectorCompressionEstimator.DefaultSubspaces(37), "a prime: 1 is nearer 9.25 than 37");
            Assert.AreEqual(1, VectorCompressionEstimator.DefaultSubspaces(3));
        }
    }
}
