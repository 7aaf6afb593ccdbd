using System;
using System.IO;

namespace MLExt.Transforms.VectorCompressing.Core
{
    /// <summary>
    /// Scalar 8-bit quantization with one scale and one offset per slot, learned from the training rows: slot j is stored as
    /// q = round((x − offset_j) / scale_j) clamped to [−127, 127], and read back as offset_j + q · scale_j, where offset_j is the
    /// middle of the slot's training range and scale_j = (max_j − min_j) / 254. A value inside the training range is off by at
    /// most scale_j / 2; a value outside it is clamped to the range's end.
    /// </summary>
    /// <remarks>
    /// Per slot rather than per row: the scales are fitted once and saved with the model, so a code is exactly one byte per
    /// value with nothing added per row; and slots of embeddings and feature vectors often spread very differently, which one
    /// scale per row would have to cover with the widest slot's step. A constant slot (scale 0) is reproduced exactly.
    /// </remarks>
    internal sealed class Int8Quantizer : VectorCodec
    {
        /// <summary>The largest code magnitude: 255 levels, −127 to 127, symmetric around the offset.</summary>
        public const int Levels = 127;

        private readonly float[] _offsets;
        private readonly float[] _scales;

        public Int8Quantizer(float[] offsets, float[] scales)
            : base(offsets?.Length ?? 0)
        {
            if (scales == null || scales.Length != offsets.Length)
                throw new ArgumentException("One scale per offset.", nameof(scales));
            foreach (float scale in scales)
                if (!(scale >= 0) || float.IsInfinity(scale))
                    throw new ArgumentException($"Scales are finite and non-negative; got {scale}.", nameof(scales));
            _offsets = offsets;
            _scales = scales;
        }

        /// <summary>Each slot's step between codes.</summary>
        public ReadOnlySpan<float> Scales => _scales;

        /// <summary>Each slot's value at code 0.</summary>
        public ReadOnlySpan<float> Offsets => _offsets;

        public override int CodeBytes => Dimension;

        public override long ParameterBytes => 8L * Dimension;

        /// <summary>Fits each slot's offset and scale to its minimum and maximum over the rows (row-major).</summary>
        public static Int8Quantizer Fit(float[] rows, int count, int dimension)
        {
            if (count < 1)
                throw new ArgumentException("Int8 quantization needs at least one row.", nameof(count));
            var min = new float[dimension];
            var max = new float[dimension];
            rows.AsSpan(0, dimension).CopyTo(min);
            rows.AsSpan(0, dimension).CopyTo(max);
            for (int r = 1; r < count; r++)
            {
                int at = r * dimension;
                for (int j = 0; j < dimension; j++)
                {
                    float x = rows[at + j];
                    if (x < min[j]) min[j] = x;
                    if (x > max[j]) max[j] = x;
                }
            }
            var offsets = new float[dimension];
            var scales = new float[dimension];
            for (int j = 0; j < dimension; j++)
            {
                offsets[j] = (float)((min[j] + (double)max[j]) / 2);
                scales[j] = (float)((max[j] - (double)min[j]) / (2 * Levels));
            }
            return new Int8Quantizer(offsets, scales);
        }

        public override void Encode(ReadOnlySpan<float> vector, Span<byte> code)
        {
            CheckVector(vector, nameof(vector));
            CheckCode(code, nameof(code));
            for (int j = 0; j < Dimension; j++)
            {
                float scale = _scales[j];
                int q = scale > 0 ? (int)Math.Round((vector[j] - (double)_offsets[j]) / scale, MidpointRounding.ToEven) : 0;
                code[j] = unchecked((byte)(sbyte)Math.Clamp(q, -Levels, Levels));
            }
        }

        public override void Decode(ReadOnlySpan<byte> code, Span<float> vector)
        {
            CheckCode(code, nameof(code));
            CheckVector(vector, nameof(vector));
            for (int j = 0; j < Dimension; j++)
                vector[j] = _offsets[j] + unchecked((sbyte)code[j]) * _scales[j];
        }

        // *** Binary format ***
        // int: dimension; float per slot: offset; float per slot: scale
        public override void Write(BinaryWriter writer)
        {
            writer.Write(Dimension);
            VectorCodecFile.WriteFloats(writer, _offsets);
            VectorCodecFile.WriteFloats(writer, _scales);
        }

        public static Int8Quantizer Read(BinaryReader reader)
        {
            int dimension = reader.ReadInt32();
            VectorCodecFile.Require(dimension > 0, "Int8 dimension");
            float[] offsets = VectorCodecFile.ReadFloats(reader, dimension);
            float[] scales = VectorCodecFile.ReadFloats(reader, dimension);
            return new Int8Quantizer(offsets, scales);
        }
    }
}
