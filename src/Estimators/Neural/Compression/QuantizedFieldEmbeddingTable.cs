using System.Linq;
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
            using Tensor all = arange(codes.shape[0], dtype: ScalarType.Int64, device: scales.device);
            return forward(all).square().sum();
        }

        /// <summary>Stores <paramref name="rows"/> [size, dimension], quantized.</summary>
        public override void SetRows(Tensor rows)
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            long size = rows.shape[0], padding = scales.shape[0] * _rowsPerScale - size;
            // Each block of rows as one line (the last block padded with zeros), so that a line's largest magnitude sets its scale.
            Tensor blocks = nn.functional.pad(rows, new long[] { 0, 0, 0, padding }).view(scales.shape[0], -1);
            Tensor scale = blocks.abs().amax(new long[] { 1 }).clamp_min(1e-12) / Levels;
            Tensor rowScale = scale.repeat_interleave(_rowsPerScale).narrow(0, 0, size);
            Tensor quantized = (rows / rowScale.unsqueeze(-1)).round().clamp(-Levels, Levels);
            if (_bits == 8)
                codes.copy_(quantized.to_type(ScalarType.Int8));
            else
            {
                // Pad to an even width, then pack each pair (low nibble first) into one byte.
                if (_dimension % 2 == 1)
                    quantized = nn.functional.pad(quantized, new long[] { 0, 1 });
                Tensor pairs = (quantized + 8).view(quantized.shape[0], -1, 2);
                codes.copy_((pairs.select(-1, 0) + pairs.select(-1, 1) * 16).to_type(ScalarType.Byte));
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
                values = stack(new[] { wide.remainder(16), wide.floor_divide(16) }, -1).flatten(1).narrow(1, 0, _dimension).to_type(scales.dtype) - 8;
            }
            Tensor block = _rowsPerScale == 1 ? flat : flat.div(_rowsPerScale, rounding_mode: RoundingMode.floor);
            return values.mul(scales.index_select(0, block).unsqueeze(-1)).view(localIds.shape.Append(_dimension).ToArray());
        }
    }
}
