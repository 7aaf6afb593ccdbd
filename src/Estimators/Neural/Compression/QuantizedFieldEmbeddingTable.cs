using System.Linq;
using MLExt.Devices;
using MLExt.Neural.Networks;
using static TorchSharp.torch;

namespace MLExt.Neural.Compression
{
    /// <summary>
    /// A trained table quantized after training: each row stored as 8-bit or 4-bit integers with a scale per row, or per block of
    /// rows (the block's largest magnitude over 127, or over 7), dequantized at lookup. Narrow rows share a scale so that it does not
    /// cost as much as the row. Four-bit codes are packed two to a byte (offset by 8, so each nibble is unsigned). Holds buffers,
    /// not parameters: it scores, it does not train.
    /// </summary>
    internal sealed class QuantizedFieldEmbeddingTable : FieldEmbeddingTable
    {
        private readonly Tensor codes;
        private readonly Tensor scales;
        private readonly int _bits;
        private readonly int _dimension;
        private readonly int _rowsPerScale;

        public QuantizedFieldEmbeddingTable(long size, int dimension, int bits, int rowsPerScale = 1) : base(nameof(QuantizedFieldEmbeddingTable))
        {
            System.Diagnostics.Debug.Assert(bits == 8 || bits == 4);
            _bits = bits;
            _dimension = dimension;
            _rowsPerScale = rowsPerScale;
            codes = bits == 8 ? zeros(size, dimension, dtype: ScalarType.Int8) : zeros(size, (dimension + 1) / 2, dtype: ScalarType.Byte);
            scales = zeros((size + rowsPerScale - 1) / rowsPerScale);
            register_buffer(nameof(codes), codes);
            register_buffer(nameof(scales), scales);
        }

        public override long ParameterCount => 0;

        public override long ParameterBytes => 0;

        // The largest code: 127 for 8 bits, 7 for 4.
        private int Levels => (1 << (_bits - 1)) - 1;

        public override Tensor SquaredNorm()
        {
            using Tensor all = TorchScalars.Range(codes.shape[0], scales.device);
            return forward(all).Squared().sum();
        }

        /// <summary>Stores <paramref name="rows"/> [size, dimension], quantized.</summary>
        public override void SetRows(Tensor rows)
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            long size = rows.shape[0], padding = scales.shape[0] * _rowsPerScale - size;
            // Each block of rows as one line (the last block padded with zeros), so that a line's largest magnitude sets its scale.
            Tensor blocks = nn.functional.pad(rows, new long[] { 0, 0, 0, padding }).view(scales.shape[0], -1);
            Tensor scale = blocks.abs().amax(new long[] { 1 }).With(1e-12, static (t, least) => t.clamp_min(least)).DividedBy(Levels);
            Tensor rowScale = scale.repeat_interleave(_rowsPerScale).narrow(0, 0, size);
            Tensor quantized = (rows / rowScale.unsqueeze(-1)).round().Clamp(-Levels, Levels);
            if (_bits == 8)
                codes.copy_(quantized.to_type(ScalarType.Int8));
            else
            {
                // Pad to an even width, then pack each pair (low nibble first) into one byte.
                if (_dimension % 2 == 1)
                    quantized = nn.functional.pad(quantized, new long[] { 0, 1 });
                Tensor pairs = quantized.Plus(8).view(quantized.shape[0], -1, 2);
                codes.copy_(pairs.select(-1, 0).Plus(pairs.select(-1, 1).Times(16)).to_type(ScalarType.Byte));
            }
            scales.copy_(scale);
        }

        public override Tensor forward(Tensor localIds)
        {
            Tensor flat = localIds.flatten();
            Tensor stored = codes.index_select(0, flat);
            Tensor values;
            if (_bits == 8)
                values = stored.to_type(scales.dtype);
            else
            {
                Tensor wide = stored.to_type(ScalarType.Int32);
                values = stack(new[] { wide.With(16, static (t, n) => t.remainder(n)), wide.With(16, static (t, n) => t.floor_divide(n)) }, -1).flatten(1).narrow(1, 0, _dimension).to_type(scales.dtype).Minus(8);
            }
            Tensor block = _rowsPerScale == 1 ? flat : flat.With(_rowsPerScale, static (t, n) => t.div(n, rounding_mode: RoundingMode.floor));
            return values.mul(scales.index_select(0, block).unsqueeze(-1)).view(localIds.shape.Append(_dimension).ToArray());
        }
    }
}
