using System;
using System.Buffers.Binary;
using System.IO;
using System.Numerics;
using MLExt.Threading;

namespace MLExt.Transforms.VectorCompressing.Core
{
    /// <summary>
    /// Principal-component projection: a vector x is stored as its <see cref="Rank"/> coordinates c = Vᵀ(x − μ) along the top
    /// principal directions V (d x r, orthonormal columns) of the training rows, 4 bytes each, and read back as μ + V c. The
    /// directions are the leading eigenvectors of the rows' covariance, so no rank-r projection loses less variance.
    /// </summary>
    internal sealed class LowRankProjection : VectorCodec
    {
        /// <summary>The share of the variance that an automatically chosen rank keeps at the least.</summary>
        public const double DefaultVarianceKept = 0.95;

        private readonly float[] _mean;
        // Rank x Dimension: row k is the k-th direction.
        private readonly float[] _directions;

        public LowRankProjection(float[] mean, int rank, float[] directions)
            : base(mean?.Length ?? 0)
        {
            if (rank < 1 || rank > Dimension)
                throw new ArgumentOutOfRangeException(nameof(rank), rank, $"The rank is between 1 and the dimension {Dimension}.");
            if (directions == null || directions.Length != rank * Dimension)
                throw new ArgumentException($"Expected {rank} x {Dimension} direction values.", nameof(directions));
            _mean = mean;
            Rank = rank;
            _directions = directions;
        }

        /// <summary>Coordinates kept per vector.</summary>
        public int Rank { get; }

        /// <summary>The training rows' mean.</summary>
        public ReadOnlySpan<float> Mean => _mean;

        /// <summary>Direction <paramref name="k"/> (unit length).</summary>
        public ReadOnlySpan<float> Direction(int k) => _directions.AsSpan(k * Dimension, Dimension);

        public override int CodeBytes => 4 * Rank;

        public override long ParameterBytes => 4L * Dimension * (Rank + 1);

        /// <summary>The covariance's eigenvalues of the last <see cref="Fit"/>, descending (variance along each direction).</summary>
        public double[] Eigenvalues { get; private set; } = Array.Empty<double>();

        /// <summary>
        /// Fits the mean and the top directions of the rows (row-major). <paramref name="rank"/> 0 chooses the smallest rank whose
        /// directions hold at least <see cref="DefaultVarianceKept"/> of the total variance (at least 1).
        /// </summary>
        public static LowRankProjection Fit(float[] rows, int count, int dimension, int rank)
        {
            if (count < 1)
                throw new ArgumentException("A projection needs at least one row.", nameof(count));
            if (rank < 0 || rank > dimension)
                throw new ArgumentOutOfRangeException(nameof(rank), rank, $"The rank is between 0 (choose) and the dimension {dimension}.");
            var mean = new double[dimension];
            for (int r = 0; r < count; r++)
                for (int j = 0; j < dimension; j++)
                    mean[j] += rows[r * dimension + j];
            for (int j = 0; j < dimension; j++)
                mean[j] /= count;

            double[][] covariance = Covariance(rows, count, dimension, mean);

            var (values, vectors) = SymmetricEigen.Decompose(covariance);
            if (rank == 0)
                rank = ChooseRank(values, DefaultVarianceKept);
            var directions = new float[rank * dimension];
            for (int k = 0; k < rank; k++)
                for (int j = 0; j < dimension; j++)
                    directions[k * dimension + j] = (float)vectors[k][j];
            var floatMean = new float[dimension];
            for (int j = 0; j < dimension; j++)
                floatMean[j] = (float)mean[j];
            return new LowRankProjection(floatMean, rank, directions) { Eigenvalues = values };
        }

        /// <summary>
        /// The covariance (divided by the row count) of the rows about <paramref name="mean"/>. The rows go through in chunks that
        /// stay in cache, each chunk's centered values spread over the matrix rows in parallel; every entry is summed over the
        /// rows in order, so the result does not depend on the thread count.
        /// </summary>
        internal static double[][] Covariance(float[] rows, int count, int dimension, double[] mean)
        {
            var covariance = new double[dimension][];
            for (int i = 0; i < dimension; i++)
                covariance[i] = new double[dimension];
            int chunk = Math.Max(16, 32768 / dimension) & ~3;
            var centered = new double[chunk * dimension];
            int width = Vector<double>.Count;
            for (int start = 0; start < count; start += chunk)
            {
                int size = Math.Min(chunk, count - start);
                for (int r = 0; r < size; r++)
                    for (int j = 0; j < dimension; j++)
                        centered[r * dimension + j] = rows[(start + r) * dimension + j] - mean[j];
                ParallelWork.For(dimension, i =>
                {
                    double[] row = covariance[i];
                    int r = 0;
                    // Four rows at a time, added one after another (((c + t0) + t1) + t2) + t3: the same sums as one row at a time,
                    // with a quarter of the loads and stores of the matrix row.
                    for (; r + 4 <= size; r += 4)
                    {
                        int a0 = r * dimension, a1 = a0 + dimension, a2 = a1 + dimension, a3 = a2 + dimension;
                        double x0 = centered[a0 + i], x1 = centered[a1 + i], x2 = centered[a2 + i], x3 = centered[a3 + i];
                        int j = i;
                        if (Vector.IsHardwareAccelerated)
                        {
                            Vector<double> f0 = new(x0), f1 = new(x1), f2 = new(x2), f3 = new(x3);
                            for (; j + width <= dimension; j += width)
                                (new Vector<double>(row, j) + f0 * new Vector<double>(centered, a0 + j) + f1 * new Vector<double>(centered, a1 + j)
                                    + f2 * new Vector<double>(centered, a2 + j) + f3 * new Vector<double>(centered, a3 + j)).CopyTo(row, j);
                        }
                        for (; j < dimension; j++)
                            row[j] = row[j] + x0 * centered[a0 + j] + x1 * centered[a1 + j] + x2 * centered[a2 + j] + x3 * centered[a3 + j];
                    }
                    for (; r < size; r++)
                    {
                        int at = r * dimension;
                        double xi = centered[at + i];
                        int j = i;
                        if (Vector.IsHardwareAccelerated)
                        {
                            var factor = new Vector<double>(xi);
                            for (; j + width <= dimension; j += width)
                                (new Vector<double>(row, j) + factor * new Vector<double>(centered, at + j)).CopyTo(row, j);
                        }
                        for (; j < dimension; j++)
                            row[j] += xi * centered[at + j];
                    }
                });
            }
            for (int i = 0; i < dimension; i++)
            {
                for (int j = i; j < dimension; j++)
                    covariance[i][j] /= count;
                for (int j = 0; j < i; j++)
                    covariance[i][j] = covariance[j][i];
            }
            return covariance;
        }

        /// <summary>The smallest rank whose eigenvalues (descending; negative rounding noise counts as 0) sum to at least
        /// <paramref name="share"/> of the total; 1 when there is no variance.</summary>
        public static int ChooseRank(double[] eigenvalues, double share)
        {
            double total = 0;
            foreach (double value in eigenvalues)
                total += Math.Max(value, 0);
            if (!(total > 0))
                return 1;
            double kept = 0;
            for (int k = 0; k < eigenvalues.Length; k++)
            {
                kept += Math.Max(eigenvalues[k], 0);
                if (kept >= share * total)
                    return k + 1;
            }
            return eigenvalues.Length;
        }

        /// <summary>The coordinates Vᵀ(x − μ) of <paramref name="vector"/>.</summary>
        public void Project(ReadOnlySpan<float> vector, Span<float> coordinates)
        {
            int d = Dimension;
            for (int k = 0; k < Rank; k++)
            {
                ReadOnlySpan<float> direction = _directions.AsSpan(k * d, d);
                double sum = 0;
                for (int j = 0; j < d; j++)
                    sum += direction[j] * (double)(vector[j] - _mean[j]);
                coordinates[k] = (float)sum;
            }
        }

        /// <summary>μ + V c for the coordinates c.</summary>
        public void Lift(ReadOnlySpan<float> coordinates, Span<float> vector)
        {
            int d = Dimension;
            Span<double> sum = d <= 1024 ? stackalloc double[d] : new double[d];
            for (int j = 0; j < d; j++)
                sum[j] = _mean[j];
            for (int k = 0; k < Rank; k++)
            {
                double c = coordinates[k];
                ReadOnlySpan<float> direction = _directions.AsSpan(k * d, d);
                for (int j = 0; j < d; j++)
                    sum[j] += c * direction[j];
            }
            for (int j = 0; j < d; j++)
                vector[j] = (float)sum[j];
        }

        public override void Encode(ReadOnlySpan<float> vector, Span<byte> code)
        {
            CheckVector(vector, nameof(vector));
            CheckCode(code, nameof(code));
            Span<float> coordinates = Rank <= 1024 ? stackalloc float[Rank] : new float[Rank];
            Project(vector, coordinates);
            for (int k = 0; k < Rank; k++)
                BinaryPrimitives.WriteSingleLittleEndian(code.Slice(4 * k, 4), coordinates[k]);
        }

        public override void Decode(ReadOnlySpan<byte> code, Span<float> vector)
        {
            CheckCode(code, nameof(code));
            CheckVector(vector, nameof(vector));
            Span<float> coordinates = Rank <= 1024 ? stackalloc float[Rank] : new float[Rank];
            for (int k = 0; k < Rank; k++)
                coordinates[k] = BinaryPrimitives.ReadSingleLittleEndian(code.Slice(4 * k, 4));
            Lift(coordinates, vector);
        }

        // The code's floats go through bytes unchanged, so this equals Decode(Encode(x)) without the byte round trip.
        public override void Reconstruct(ReadOnlySpan<float> vector, Span<float> reconstruction, Span<byte> code)
        {
            CheckVector(vector, nameof(vector));
            Span<float> coordinates = Rank <= 1024 ? stackalloc float[Rank] : new float[Rank];
            Project(vector, coordinates);
            CheckVector(reconstruction, nameof(reconstruction));
            Lift(coordinates, reconstruction);
        }

        // *** Binary format ***
        // int: dimension; int: rank; float per slot: mean; rank x dimension floats: the directions, one after another
        public override void Write(BinaryWriter writer)
        {
            writer.Write(Dimension);
            writer.Write(Rank);
            VectorCodecFile.WriteFloats(writer, _mean);
            VectorCodecFile.WriteFloats(writer, _directions);
        }

        public static LowRankProjection Read(BinaryReader reader)
        {
            int dimension = reader.ReadInt32(), rank = reader.ReadInt32();
            VectorCodecFile.Require(dimension > 0 && rank > 0 && rank <= dimension, "low-rank shape");
            float[] mean = VectorCodecFile.ReadFloats(reader, dimension);
            float[] directions = VectorCodecFile.ReadFloats(reader, (long)rank * dimension);
            return new LowRankProjection(mean, rank, directions);
        }
    }
}
