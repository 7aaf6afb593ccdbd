using System;
using System.IO;
using MLExt.Threading;

namespace MLExt.Transforms.VectorCompressing.Core
{
    /// <summary>
    /// A fitted compressor of fixed-size float vectors: turns a vector into a code of <see cref="CodeBytes"/> bytes and a code
    /// back into an approximation of the vector. Knows nothing about ML.NET, so it is tested on plain arrays.
    /// </summary>
    internal abstract class VectorCodec
    {
        protected VectorCodec(int dimension)
        {
            if (dimension < 1)
                throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "A vector needs at least one value.");
            Dimension = dimension;
        }

        /// <summary>Values per vector.</summary>
        public int Dimension { get; }

        /// <summary>Bytes of one vector's code.</summary>
        public abstract int CodeBytes { get; }

        /// <summary>Bytes of the fitted parameters as saved (codebooks, scales, projection): 4 per stored float.</summary>
        public abstract long ParameterBytes { get; }

        /// <summary>Writes the code of <paramref name="vector"/> (finite values) to <paramref name="code"/>.</summary>
        public abstract void Encode(ReadOnlySpan<float> vector, Span<byte> code);

        /// <summary>Writes the vector that <paramref name="code"/> stands for to <paramref name="vector"/>.</summary>
        public abstract void Decode(ReadOnlySpan<byte> code, Span<float> vector);

        /// <summary>Decode(Encode(vector)), with <paramref name="code"/> as scratch space of <see cref="CodeBytes"/> bytes.</summary>
        public virtual void Reconstruct(ReadOnlySpan<float> vector, Span<float> reconstruction, Span<byte> code)
        {
            Encode(vector, code);
            Decode(code, reconstruction);
        }

        /// <summary>Writes the parameters (not the kind; see <see cref="VectorCodecFile"/>).</summary>
        public abstract void Write(BinaryWriter writer);

        protected void CheckVector(ReadOnlySpan<float> vector, string name)
        {
            if (vector.Length != Dimension)
                throw new ArgumentException($"The vector has {vector.Length} values; the compressor was fitted on vectors of {Dimension}.", name);
        }

        protected void CheckCode(ReadOnlySpan<byte> code, string name)
        {
            if (code.Length != CodeBytes)
                throw new ArgumentException($"The code has {code.Length} bytes; this compressor's codes have {CodeBytes}.", name);
        }
    }

    /// <summary>How well a codec reproduces a set of rows.</summary>
    /// <param name="Rows">Rows measured.</param>
    /// <param name="SquaredError">Σ over rows of ‖x − x̂‖².</param>
    /// <param name="TotalVariance">Σ over rows of ‖x − x̄‖², x̄ the rows' mean.</param>
    internal readonly record struct ReconstructionStats(long Rows, double SquaredError, double TotalVariance)
    {
        /// <summary>SquaredError / TotalVariance: the share of the rows' variance the codes lose (1 − the share explained); 0 when
        /// the rows are all equal (then there is no variance to lose, and every method here reproduces them).</summary>
        public double RelativeError => TotalVariance > 0 ? SquaredError / TotalVariance : 0;

        /// <summary>SquaredError per row and value.</summary>
        public double MeanSquaredError(int dimension) => Rows == 0 ? 0 : SquaredError / ((double)Rows * dimension);

        /// <summary>Reconstructs every row (row-major, the codec's dimension values each) and sums the errors. Parallel over
        /// fixed blocks whose sums are added in order, so the result does not depend on the thread count.</summary>
        public static ReconstructionStats Measure(VectorCodec codec, float[] rows, int count)
        {
            int d = codec.Dimension;
            double[] mean = new double[d];
            for (int r = 0; r < count; r++)
            {
                int at = r * d;
                for (int j = 0; j < d; j++)
                    mean[j] += rows[at + j];
            }
            for (int j = 0; j < d; j++)
                mean[j] /= Math.Max(count, 1);

            const int block = 1024;
            int blocks = (count + block - 1) / block;
            var errors = new double[blocks];
            var variances = new double[blocks];
            ParallelWork.For(blocks, b =>
            {
                var output = new float[d];
                var code = new byte[codec.CodeBytes];
                double error = 0, variance = 0;
                for (int r = b * block, end = Math.Min(count, r + block); r < end; r++)
                {
                    ReadOnlySpan<float> x = rows.AsSpan(r * d, d);
                    codec.Reconstruct(x, output, code);
                    for (int j = 0; j < d; j++)
                    {
                        double e = x[j] - (double)output[j], c = x[j] - mean[j];
                        error += e * e;
                        variance += c * c;
                    }
                }
                errors[b] = error;
                variances[b] = variance;
            });
            double squared = 0, total = 0;
            for (int b = 0; b < blocks; b++)
            {
                squared += errors[b];
                total += variances[b];
            }
            return new ReconstructionStats(count, squared, total);
        }
    }

    /// <summary>The kinds of codec and how each is written: an int (the kind), then the codec's own parameters.</summary>
    internal static class VectorCodecFile
    {
        public const int ProductQuantization = 0, Int8 = 1, LowRank = 2;

        public static void Write(BinaryWriter writer, VectorCodec codec)
        {
            writer.Write(codec switch
            {
                ProductQuantizer => ProductQuantization,
                Int8Quantizer => Int8,
                LowRankProjection => LowRank,
                _ => throw new ArgumentException($"Unknown codec {codec.GetType().Name}.", nameof(codec)),
            });
            codec.Write(writer);
        }

        public static VectorCodec Read(BinaryReader reader) => reader.ReadInt32() switch
        {
            ProductQuantization => ProductQuantizer.Read(reader),
            Int8 => Int8Quantizer.Read(reader),
            LowRank => LowRankProjection.Read(reader),
            int kind => throw new InvalidDataException($"Unknown vector codec kind {kind}."),
        };

        internal static float[] ReadFloats(BinaryReader reader, long count)
        {
            if (count < 0 || count > int.MaxValue)
                throw new InvalidDataException($"Bad float count {count}.");
            var values = new float[count];
            for (long i = 0; i < count; i++)
                values[i] = reader.ReadSingle();
            return values;
        }

        internal static void WriteFloats(BinaryWriter writer, float[] values)
        {
            foreach (float value in values)
                writer.Write(value);
        }

        internal static void Require(bool condition, string what)
        {
            if (!condition)
                throw new InvalidDataException($"Corrupt vector codec: {what}.");
        }
    }
}
