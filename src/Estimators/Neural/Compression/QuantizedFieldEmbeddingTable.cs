using System.Linq;
using MLExt.Neural.Networks;
using static TorchSharp.torch;

namespace MLExt.Neural.Compression
{
    /// <summary>
    /// A trained table quantized after training: each row stored as 8-bit integers with a per-row scale (its largest magnitude / 127),
    /// dequantized at lookup. Holds buffers, not parameters: it scores, it does not train.
    /// </summary>
    internal sealed class QuantizedFieldEmbeddingTable : FieldEmbeddingTable
    {
        private readonly Tensor codes;
        private readonly Tensor scales;

        public QuantizedFieldEmbeddingTable(int size, int dimension) : base(nameof(QuantizedFieldEmbeddingTable))
        {
            codes = zeros(size, dimension, dtype: ScalarType.Int8);
            scales = zeros(size);
            register_buffer(nameof(codes), codes);
            register_buffer(nameof(scales), scales);
        }

        public override long ParameterCount => 0;

        public override long ParameterBytes => 0;

        public override Tensor SquaredNorm() => (codes.to_type(scales.dtype) * scales.unsqueeze(-1)).square().sum();

        /// <summary>Stores <paramref name="rows"/> [size, dimension], quantized.</summary>
        public override void SetRows(Tensor rows)
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            Tensor scale = rows.abs().amax(new long[] { 1 }).clamp_min(1e-12) / 127;
            codes.copy_((rows / scale.unsqueeze(-1)).round().clamp(-127, 127).to_type(ScalarType.Int8));
            scales.copy_(scale);
        }

        public override Tensor forward(Tensor localIds)
            => codes.index_select(0, localIds.flatten()).to_type(scales.dtype).mul(scales.index_select(0, localIds.flatten()).unsqueeze(-1))
                .view(localIds.shape.Append(codes.shape[1]).ToArray());
    }
}
