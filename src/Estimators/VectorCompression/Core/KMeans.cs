using System;
using System.Numerics;
using MLExt.Threading;

namespace MLExt.Transforms.VectorCompressing.Core
{
    /// <summary>What one k-means run ended with.</summary>
    /// <param name="Centroids">k centroids, row-major (<c>[c * dimension + j]</c>).</param>
    /// <param name="Iterations">Assignment passes made.</param>
    /// <param name="Converged">Whether the last pass changed no assignment.</param>
    /// <param name="Distortion">Mean squared distance of a point to its centroid at the last pass.</param>
    internal sealed record KMeansResult(float[] Centroids, int Iterations, bool Converged, double Distortion);

    /// <summary>
    /// Lloyd's k-means with k-means++ seeding, on points stored row-major in one float array. Deterministic for a given
    /// <see cref="Random"/>: the random draws happen on the calling thread; the assignment pass, parallel over blocks of points
    /// when asked, computes each point on its own.
    /// </summary>
    internal static class KMeans
    {
        private const int Block = 2048;

        /// <summary>Clusters <paramref name="count"/> points of <paramref name="dimension"/> values into <paramref name="k"/> centroids.
        /// With fewer distinct points than k, every distinct point becomes a centroid and the others repeat one of them.
        /// <paramref name="parallel"/>: spread each assignment pass over threads (worth it when one run is all the work; when many
        /// runs go on at once, each on its own thread, it only adds hand-offs).</summary>
        public static KMeansResult Fit(float[] points, int count, int dimension, int k, int maxIterations, Random random, bool parallel = true)
        {
            if (count < 1)
                throw new ArgumentException("k-means needs at least one point.", nameof(count));
            if (k < 1 || maxIterations < 1)
                throw new ArgumentOutOfRangeException(nameof(k), "k and the iteration cap must be at least 1.");
            float[] centroids = Seed(points, count, dimension, k, random);
            var transposed = new float[dimension * k];
            var assignment = new int[count];
            var distance = new float[count];
            Array.Fill(assignment, -1);
            var sums = new double[k * dimension];
            var sizes = new int[k];
            int iteration = 0;
            bool converged = false;
            double distortion = 0;
            while (iteration < maxIterations && !converged)
            {
                iteration++;
                Transpose(centroids, k, dimension, transposed);
                int blocks = (count + Block - 1) / Block;
                var changes = new int[blocks];
                void Assign(int b)
                {
                    int changed = 0;
                    for (int i = b * Block, end = Math.Min(count, i + Block); i < end; i++)
                    {
                        int nearest = Nearest(points.AsSpan(i * dimension, dimension), transposed, k, out float d2);
                        if (nearest != assignment[i])
                            changed++;
                        assignment[i] = nearest;
                        distance[i] = d2;
                    }
                    changes[b] = changed;
                }
                if (parallel && blocks > 1)
                    ParallelWork.For(blocks, Assign);
                else
                    for (int b = 0; b < blocks; b++)
                        Assign(b);
                int moved = 0;
                foreach (int c in changes)
                    moved += c;
                distortion = 0;
                for (int i = 0; i < count; i++)
                    distortion += distance[i];
                distortion /= count;

                // The new centroids: each cluster's mean (in double, summed in point order).
                Array.Clear(sums);
                Array.Clear(sizes);
                for (int i = 0; i < count; i++)
                {
                    int c = assignment[i], at = i * dimension, to = c * dimension;
                    sizes[c]++;
                    for (int j = 0; j < dimension; j++)
                        sums[to + j] += points[at + j];
                }
                for (int c = 0; c < k; c++)
                    if (sizes[c] > 0)
                        for (int j = 0; j < dimension; j++)
                            centroids[c * dimension + j] = (float)(sums[c * dimension + j] / sizes[c]);

                // An empty cluster takes the point farthest from its centroid (which then counts as moved), while any point is
                // away from its centroid; with every point on a centroid, the empty ones keep repeating a point.
                bool reseeded = false;
                for (int c = 0; c < k; c++)
                {
                    if (sizes[c] > 0)
                        continue;
                    int farthest = -1;
                    float worst = 0;
                    for (int i = 0; i < count; i++)
                        if (distance[i] > worst)
                        {
                            worst = distance[i];
                            farthest = i;
                        }
                    if (farthest < 0)
                        break;
                    points.AsSpan(farthest * dimension, dimension).CopyTo(centroids.AsSpan(c * dimension, dimension));
                    distance[farthest] = 0;
                    assignment[farthest] = -1;
                    reseeded = true;
                }
                converged = moved == 0 && !reseeded;
            }
            return new KMeansResult(centroids, iteration, converged, distortion);
        }

        /// <summary>k-means++ seeding: the first centroid a uniformly drawn point, each next one a point drawn with probability
        /// proportional to its squared distance from the nearest centroid so far (points already on a centroid are never drawn).</summary>
        internal static float[] Seed(float[] points, int count, int dimension, int k, Random random)
        {
            var centroids = new float[k * dimension];
            var nearest = new double[count];
            int first = random.Next(count);
            points.AsSpan(first * dimension, dimension).CopyTo(centroids);
            UpdateNearest(points, count, dimension, centroids.AsSpan(0, dimension).ToArray(), nearest, initialize: true);
            for (int c = 1; c < k; c++)
            {
                double total = 0;
                for (int i = 0; i < count; i++)
                    total += nearest[i];
                int chosen = -1;
                if (total > 0)
                {
                    double target = random.NextDouble() * total, cumulative = 0;
                    for (int i = 0; i < count; i++)
                    {
                        if (nearest[i] <= 0)
                            continue;
                        cumulative += nearest[i];
                        chosen = i;
                        if (cumulative > target)
                            break;
                    }
                }
                if (chosen < 0)
                {
                    // Every point already lies on a centroid: repeat the first.
                    centroids.AsSpan(0, dimension).CopyTo(centroids.AsSpan(c * dimension, dimension));
                    continue;
                }
                points.AsSpan(chosen * dimension, dimension).CopyTo(centroids.AsSpan(c * dimension, dimension));
                UpdateNearest(points, count, dimension, centroids.AsSpan(c * dimension, dimension).ToArray(), nearest, initialize: false);
            }
            return centroids;
        }

        private static void UpdateNearest(float[] points, int count, int dimension, float[] c, double[] nearest, bool initialize)
        {
            for (int i = 0; i < count; i++)
            {
                float d2 = 0;
                for (int j = 0; j < dimension; j++)
                {
                    float diff = points[i * dimension + j] - c[j];
                    d2 += diff * diff;
                }
                if (initialize || d2 < nearest[i])
                    nearest[i] = d2;
            }
        }

        /// <summary>Centroid-major to coordinate-major (<c>[j * k + c]</c>), the layout <see cref="Nearest"/> reads.</summary>
        public static void Transpose(float[] centroids, int k, int dimension, float[] transposed)
        {
            for (int c = 0; c < k; c++)
                for (int j = 0; j < dimension; j++)
                    transposed[j * k + c] = centroids[c * dimension + j];
        }

        /// <summary>
        /// The index of the centroid nearest to <paramref name="x"/> (the lowest index among equals) and its squared distance.
        /// Centroids are coordinate-major so that SIMD lanes run over centroids; each centroid's distance is summed over the
        /// coordinates in order, in SIMD lanes and in the scalar tail alike, so the result does not depend on the vector width.
        /// </summary>
        /// <param name="x">The point.</param>
        /// <param name="transposed">The centroids, coordinate-major (<see cref="Transpose"/>).</param>
        /// <param name="k">The number of centroids.</param>
        /// <param name="distance">The squared distance to the nearest centroid.</param>
        public static int Nearest(ReadOnlySpan<float> x, float[] transposed, int k, out float distance)
        {
            int dimension = x.Length;
            int width = Vector<float>.Count;
            int c = 0;
            int best = -1;
            float bestDistance = float.PositiveInfinity;
            if (Vector.IsHardwareAccelerated && k >= width)
            {
                // Per lane, the smallest distance so far and its centroid (a strict comparison keeps the earliest).
                var lanes = new Vector<float>(float.PositiveInfinity);
                var laneIndex = new Vector<int>(-1);
                Vector<int> index = Vector<int>.Indices;
                var step = new Vector<int>(width);
                for (; c + width <= k; c += width)
                {
                    Vector<float> sum = Vector<float>.Zero;
                    for (int j = 0; j < dimension; j++)
                    {
                        Vector<float> diff = new Vector<float>(transposed, j * k + c) - new Vector<float>(x[j]);
                        sum += diff * diff;
                    }
                    Vector<int> closer = Vector.LessThan(sum, lanes);
                    lanes = Vector.ConditionalSelect(closer, sum, lanes);
                    laneIndex = Vector.ConditionalSelect(closer, index, laneIndex);
                    index += step;
                }
                // Across lanes: the smallest distance, ties to the lowest index.
                for (int lane = 0; lane < width; lane++)
                {
                    float d = lanes[lane];
                    int i = laneIndex[lane];
                    if (i >= 0 && (d < bestDistance || (d == bestDistance && i < best)))
                    {
                        bestDistance = d;
                        best = i;
                    }
                }
            }
            // The rest (all of them without SIMD); their indices are above every lane's, so a tie keeps the earlier.
            for (; c < k; c++)
            {
                float sum = 0;
                for (int j = 0; j < dimension; j++)
                {
                    float diff = transposed[j * k + c] - x[j];
                    sum += diff * diff;
                }
                if (sum < bestDistance || best < 0)
                {
                    bestDistance = sum;
                    best = c;
                }
            }
            // Distances that overflowed to infinity compare as nothing: fall back to the first centroid.
            if (best < 0)
                best = 0;
            distance = bestDistance;
            return best;
        }
    }
}
