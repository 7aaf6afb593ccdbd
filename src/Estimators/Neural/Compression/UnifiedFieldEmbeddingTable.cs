using System.Linq;
using MLExt.Devices;
using MLExt.Neural.Networks;
using MLExt.Trainers;
using Modules = TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExt.Neural.Compression
{
    /// <summary>
    /// The one table a network's Unified fields share: made, registered and saved by the first of them, read by the rest through
    /// it (so the shared weights are one parameter, counted and saved once).
    /// </summary>
    internal sealed class UnifiedTablePool
    {
        public UnifiedFieldEmbeddingTable Owner { get; set; }

        /// <summary>The fields sharing the table.</summary>
        public int Members { get; set; }
    }

    /// <summary>
    /// Unified embedding, feature multiplexing (Coleman et al. 2023): every Unified field of a network reads one shared table of
    /// <see cref="ChunkWidth"/>-wide rows; a value's vector is the concatenation of chunks, each the row that the field's own hash
    /// function for that chunk gives the value. Fields thus pool their budget, and a large field's collisions in one chunk are
    /// unlikely to repeat in the others. Only a vocabulary's most frequent values (its first ids) read every chunk; the rest read the
    /// first chunk alone, the others zero: the rare values, most of a large vocabulary and too rarely seen for many dimensions to
    /// learn from, then load the shared rows a quarter as much, and the frequent values collide less. With 8-bit or 4-bit precision
    /// the shared table trains in floats and is stored quantized, a scale for every <see cref="RowsPerScale"/> rows.
    /// </summary>
    internal sealed class UnifiedFieldEmbeddingTable : FieldEmbeddingTable
    {
        /// <summary>Entries per chunk (the whole vector when the dimension is smaller).</summary>
        public const int ChunkWidth = 4;

        /// <summary>A field's values that read every chunk, per row of the shared table.</summary>
        public const double FrequentValuesPerRow = 0.5;

        /// <summary>Rows of a quantized shared table that share one scale: 64 values at the chunk width, so the scale adds 1/16 of a
        /// byte a value. Hashing mixes every field's values into every row, so neighbouring rows are alike in size.</summary>
        public const int RowsPerScale = 16;

        // The shared table on its owner, trainable floats or quantized; null on the other fields.
        private readonly Modules.Parameter table;
        private readonly QuantizedFieldEmbeddingTable quantized;
        private readonly UnifiedTablePool _pool;
        private readonly ulong[] _salts;
        private readonly long _rows;
        private readonly int _dimension;
        private readonly int _frequentValues;

        // frequentValues: the field's first ids (a vocabulary numbers its values most frequent first) that read every chunk; 0: every
        // value does (fields whose ids are not in frequency order, and models saved before the rest read one chunk).
        public UnifiedFieldEmbeddingTable(int field, long rows, int dimension, int frequentValues, CtrEmbeddingPrecision precision, UnifiedTablePool pool)
            : base(nameof(UnifiedFieldEmbeddingTable))
        {
            _rows = rows;
            _dimension = dimension;
            _frequentValues = frequentValues;
            _pool = pool;
            int width = Width(dimension), chunks = (dimension + width - 1) / width;
            // Salts apart from every other table's (see HashedFieldEmbeddingTable, RobeFieldEmbeddingTable).
            _salts = Enumerable.Range(0, chunks).Select(c => IdHash.Salt(field, 4000 + c)).ToArray();
            if (pool.Owner is null)
            {
                if (precision != CtrEmbeddingPrecision.Float32)
                    quantized = new QuantizedFieldEmbeddingTable(rows, width, Bits(precision), RowsPerScale);
                else
                {
                    using (no_grad())
                        table = new Modules.Parameter(TorchScalars.Normal(0, 1e-4, new long[] { rows, width }));
                }
                pool.Owner = this;
            }
            pool.Members++;
            RegisterComponents();
        }

        /// <summary>The width of the shared table's rows for embeddings of <paramref name="dimension"/>.</summary>
        public static int Width(int dimension) => System.Math.Min(ChunkWidth, dimension);

        /// <summary>Bytes a row of the shared table takes stored at <paramref name="precision"/> (a quantized row's share of its scale
        /// included).</summary>
        public static double RowBytes(int dimension, CtrEmbeddingPrecision precision) => precision == CtrEmbeddingPrecision.Float32
            ? Width(dimension) * sizeof(float)
            : (Width(dimension) * Bits(precision) + 7) / 8 + (double)sizeof(float) / RowsPerScale;

        private static int Bits(CtrEmbeddingPrecision precision) => precision == CtrEmbeddingPrecision.Int4 ? 4 : 8;

        /// <summary>The values per field that read every chunk of a shared table of <paramref name="rows"/> rows.</summary>
        public static int FrequentValues(long rows) => (int)System.Math.Clamp(System.Math.Round(FrequentValuesPerRow * rows), 1, int.MaxValue);

        /// <summary>This field's even share of the shared table's bytes (the owner's share takes the remainder).</summary>
        public override long StoredBytes
        {
            get
            {
                long shared = ModuleBytes.Stored(_pool.Owner), share = shared / _pool.Members;
                return ReferenceEquals(_pool.Owner, this) ? shared - share * (_pool.Members - 1) : share;
            }
        }

        // Read through the owner's registered parameter, which moving the network to a device replaces.
        private Tensor Shared => _pool.Owner.get_parameter(nameof(table));

        // The shared table's rows at rowIds [rowIds' shape, width], dequantized where the table is stored quantized.
        private Tensor Rows(Tensor rowIds)
        {
            if (_pool.Owner.quantized is QuantizedFieldEmbeddingTable stored)
                return stored.forward(rowIds);
            Tensor shared = Shared;
            return shared.index_select(0, rowIds.flatten()).view(rowIds.shape.Append(shared.shape[1]).ToArray());
        }

        public override Tensor forward(Tensor localIds)
        {
            var chunks = _salts.Select(salt => Rows(IdHash.Row(localIds, salt, _rows))).ToArray();
            if (_frequentValues > 0)
            {
                Tensor frequent = localIds.With(_frequentValues, static (t, count) => t.lt(count)).unsqueeze(-1).to(chunks[0].dtype);
                for (int c = 1; c < chunks.Length; c++)
                    chunks[c] = chunks[c] * frequent;
            }
            return cat(chunks, -1).narrow(-1, 0, _dimension);
        }

        /// <summary>The owner quantizes the trained float table it replaces; the other fields hold nothing of their own.</summary>
        public override void CompressFrom(FieldEmbeddingTable trained, int size)
        {
            if (quantized is not null)
                quantized.SetRows(((UnifiedFieldEmbeddingTable)trained).Shared);
        }

        // The shared table counts once, on its owner (so do Scale and the optimizer, through the owner's parameters).
        public override Tensor SquaredNorm()
        {
            if (ReferenceEquals(_pool.Owner, this))
                return quantized is null ? Shared.Squared().sum() : quantized.SquaredNorm();
            QuantizedFieldEmbeddingTable stored = _pool.Owner.quantized;
            return zeros(new long[0], device: (stored is null ? Shared : stored.buffers().First()).device);
        }
    }
}
