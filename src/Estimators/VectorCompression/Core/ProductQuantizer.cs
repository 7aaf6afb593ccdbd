using System;
using System.IO;
using MLExt.Threading;

namespace MLExt.Transforms.VectorCompressing.Core
{
    /// <summary>
    /// Product quantization (Jégou et al. 2011): the vector is cut into <see cref="Subspaces"/> equal consecutive parts, and each
    /// part is replaced by the nearest of <see cref="Centroids"/> centroids that k-means learned for that part. A code is one byte
    /// per part (the centroid's index), so at most 256 centroids per part.
    /// </summary>
    internal sealed class ProductQuantizer : VectorCodec
    {
        /// <summary>The most centroids a part may have: its index must fit in one byte.</summary>
        public const int MaximumCentroids = 256;

        // Per part, Centroids x SubDimension floats, centroid-major; and the same coordinate-major for the nearest-centroid search.
        private readonly float[][] _codebooks;
        private readonly float[][] _transposed;

        public ProductQuantizer(int dimension, int subspaces, int centroids, float[][] codebooks)
            : base(dimension)
        {
            if (subspaces < 1 || dimension % subspaces != 0)
                throw new ArgumentException($"{subspaces} subspaces do not divide {dimension} values evenly.", nameof(subspaces));
            if (centroids < 1 || centroids > MaximumCentroids)
                throw new ArgumentOutOfRangeException(nameof(centroids), centroids, $"Between 1 and {MaximumCentroids} centroids per subspace.");
            if (codebooks == null || codebooks.Length != subspaces)
                throw new ArgumentException($"Expected {subspaces} codebooks.", nameof(codebooks));
            Subspaces = subspaces;
            Centroids = centroids;
            SubDimension = dimension / subspaces;
            _codebooks = codebooks;
            _transposed = new float[subspaces][];
            for (int s = 0; s < subspaces; s++)
            {
                if (codebooks[s] == null || codebooks[s].Length != centroids * SubDimension)
                    throw new ArgumentException($"Codebook {s} must hold {centroids} x {SubDimension} values.", nameof(codebooks));
                _transposed[s] = new float[centroids * SubDimension];
                KMeans.Transpose(codebooks[s], centroids, SubDimension, _transposed[s]);
            }
        }

        /// <summary>Parts the vector is cut into; one code byte each.</summary>
        public int Subspaces { get; }

        /// <summary>Centroids per part.</summary>
        public int Centroids { get; }

        /// <summary>Values per part.</summary>
        public int SubDimension { get; }

        /// <summary>Part <paramref name="subspace"/>'s centroids, centroid-major.</summary>
        public ReadOnlySpan<float> Codebook(int subspace) => _codebooks[subspace];

        public override int CodeBytes => Subspaces;

        public override long ParameterBytes => 4L * Subspaces * Centroids * SubDimension;

        /// <summary>
        /// Learns the codebooks: for each part in turn, k-means (k-means++ seeding, at most <paramref name="maxIterations"/> passes)
        /// on that part of the rows, with a generator seeded from <paramref name="seed"/> and the part's index, so the result depends
        /// only on the rows and the seed. Parts are fitted in parallel; <paramref name="progress"/> (may be null) hears about each part
        /// as it is done, on the thread that fitted it.
        /// </summary>
        /// <param name="rows">Row-major training rows, <paramref name="dimension"/> values each.</param>
        /// <param name="count">Rows in <paramref name="rows"/>.</param>
        /// <param name="dimension">Values per row.</param>
        /// <param name="subspaces">Parts per row; must divide <paramref name="dimension"/>.</param>
        /// <param name="centroids">Centroids per part, 1 to 256.</param>
        /// <param name="maxIterations">The most k-means passes per part.</param>
        /// <param name="seed">The seed of the k-means++ draws.</param>
        /// <param name="progress">Called after each part with its index and k-means result; may be null.</param>
        public static ProductQuantizer Fit(float[] rows, int count, int dimension, int subspaces, int centroids, int maxIterations, int seed,
            Action<int, KMeansResult> progress = null)
        {
            if (subspaces < 1 || dimension % subspaces != 0)
                throw new ArgumentException($"{subspaces} subspaces do not divide {dimension} values evenly.", nameof(subspaces));
            int sub = dimension / subspaces;
            var codebooks = new float[subspaces][];
            // Several parts: one k-means per thread, each on its own; a single part: one k-means spread over the threads.
            ParallelWork.For(subspaces, s =>
            {
                var part = new float[count * sub];
                for (int r = 0; r < count; r++)
                    Array.Copy(rows, r * dimension + s * sub, part, r * sub, sub);
                var random = new Random(unchecked(seed * 1_000_003 + s));
                KMeansResult result = KMeans.Fit(part, count, sub, centroids, maxIterations, random, parallel: subspaces == 1);
                codebooks[s] = result.Centroids;
                progress?.Invoke(s, result);
            });
            return new ProductQuantizer(dimension, subspaces, centroids, codebooks);
        }

        public override void Encode(ReadOnlySpan<float> vector, Span<byte> code)
        {
            CheckVector(vector, nameof(vector));
            CheckCode(code, nameof(code));
            for (int s = 0; s < Subspaces; s++)
                code[s] = (byte)KMeans.Nearest(vector.Slice(s * SubDimension, SubDimension), _transposed[s], Centroids, out _);
        }

        public override void Decode(ReadOnlySpan<byte> code, Span<float> vector)
        {
            CheckCode(code, nameof(code));
            CheckVector(vector, nameof(vector));
            for (int s = 0; s < Subspaces; s++)
            {
                int c = code[s];
                if (c >= Centroids)
                    throw new ArgumentException($"Code byte {s} is {c}; subspace {s} has {Centroids} centroids.", nameof(code));
                _codebooks[s].AsSpan(c * SubDimension, SubDimension).CopyTo(vector.Slice(s * SubDimension, SubDimension));
            }
        }

        // *** Binary format ***
        // int: dimension; int: subspaces; int: centroids per subspace;
        // per subspace: centroids x (dimension / subspaces) floats, centroid-major
        public override void Write(BinaryWriter writer)
        {
            writer.Write(Dimension);
            writer.Write(Subspaces);
            writer.Write(Centroids);
            foreach (float[] codebook in _codebooks)
                VectorCodecFile.WriteFloats(writer, codebook);
        }

        public static ProductQuantizer Read(BinaryReader reader)
        {
            int dimension = reader.ReadInt32(), subspaces = reader.ReadInt32(), centroids = reader.ReadInt32();
            VectorCodecFile.Require(dimension > 0 && subspaces > 0 && dimension % subspaces == 0, "product quantizer shape");
            VectorCodecFile.Require(centroids > 0 && centroids <= MaximumCentroids, "product quantizer centroids");
            var codebooks = new float[subspaces][];
            for (int s = 0; s < subspaces; s++)
                codebooks[s] = VectorCodecFile.ReadFloats(reader, (long)centroids * (dimension / subspaces));
            return new ProductQuantizer(dimension, subspaces, centroids, codebooks);
        }
    }
}
