using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using MLExt.Neural.Networks;
using MLExt.Trainers;

namespace MLExt.Neural.Compression
{
    /// <summary>
    /// How one id field's tables are stored: the method and its size (Hashing, MultiHash: the table's rows; QuotientRemainder: the
    /// modulus; Robe: the shared array's length; Unified: the rows of the table the Unified fields share; Pruning: the entries kept,
    /// 0 while training; Rank for TensorTrain: the rank, MixedDimension: the first block's dimension, DeepHashEmbedding: the hidden
    /// width, Unified: the values that read every chunk, 0 in models saved before there was such a limit; None, Int8 and Int4: one
    /// row per id), and the rows of its hashed first-order table (0: one first-order weight per id). <see cref="Precision"/>: how
    /// Unified's shared table is stored.
    /// </summary>
    internal sealed record FieldTableSpec(CtrEmbeddingCompression Method, long Rows, int Rank, long FirstOrderRows)
    {
        /// <summary>How a Unified field's shared table is stored (floats in models saved before there was a choice).</summary>
        public CtrEmbeddingPrecision Precision { get; init; } = CtrEmbeddingPrecision.Float32;

        /// <summary>A full table of one row per id.</summary>
        public static FieldTableSpec Full { get; } = new FieldTableSpec(CtrEmbeddingCompression.None, 0, 0, 0);

        /// <summary>Makes each field's tables as <paramref name="specs"/> describe them.</summary>
        public static FieldTableFactory Factory(IReadOnlyList<FieldTableSpec> specs)
        {
            // One shared table per network for its Unified fields.
            var unified = new UnifiedTablePool();
            return (field, size, dimension, firstOrder) => Create(specs[field], field, size, dimension, firstOrder, unified);
        }

        private static FieldEmbeddingTable Create(FieldTableSpec spec, int field, int size, int dimension, bool firstOrder, UnifiedTablePool unified)
        {
            if (firstOrder)
                return spec.FirstOrderRows > 0 ? new HashedFieldEmbeddingTable(field, spec.FirstOrderRows, 1, 1, firstOrder: true) : new DenseFieldEmbeddingTable(size, 1);
            return spec.Method switch
            {
                CtrEmbeddingCompression.None => new DenseFieldEmbeddingTable(size, dimension),
                CtrEmbeddingCompression.Hashing => new HashedFieldEmbeddingTable(field, spec.Rows, dimension, 1, firstOrder: false),
                CtrEmbeddingCompression.MultiHash => new HashedFieldEmbeddingTable(field, spec.Rows, dimension, 2, firstOrder: false),
                CtrEmbeddingCompression.QuotientRemainder => new QuotientRemainderFieldEmbeddingTable(size, spec.Rows, dimension),
                CtrEmbeddingCompression.TensorTrain => new TensorTrainFieldEmbeddingTable(size, dimension, spec.Rank),
                CtrEmbeddingCompression.Robe => new RobeFieldEmbeddingTable(field, spec.Rows, dimension, firstOrder: false),
                CtrEmbeddingCompression.Int8 => new QuantizedFieldEmbeddingTable(size, dimension, 8),
                CtrEmbeddingCompression.Int4 => new QuantizedFieldEmbeddingTable(size, dimension, 4),
                CtrEmbeddingCompression.MixedDimension => new MixedDimensionFieldEmbeddingTable(size, dimension, spec.Rank),
                CtrEmbeddingCompression.DeepHashEmbedding => new DeepHashFieldEmbeddingTable(field, dimension, spec.Rank),
                CtrEmbeddingCompression.Unified => new UnifiedFieldEmbeddingTable(field, spec.Rows, dimension, spec.Rank, spec.Precision, unified),
                CtrEmbeddingCompression.Pruning when spec.Rows == 0 => new ThresholdPrunedFieldEmbeddingTable(size, dimension),
                CtrEmbeddingCompression.Pruning => new SparseFieldEmbeddingTable(size, dimension, spec.Rows),
                _ => throw new ArgumentOutOfRangeException(nameof(spec), $"Unknown embedding compression {spec.Method}."),
            };
        }

        /// <summary>
        /// The tables the field trains with: full tables for the quantized methods, the thresholded full table for Pruning, otherwise
        /// the float form of a quantized Unified table, otherwise the stored ones (see <see cref="PostTrainingCompression"/>).
        /// </summary>
        public FieldTableSpec TrainingForm => Method switch
        {
            CtrEmbeddingCompression.Int8 or CtrEmbeddingCompression.Int4 => Full,
            CtrEmbeddingCompression.Pruning => this with { Rows = 0 },
            CtrEmbeddingCompression.Unified => this with { Precision = CtrEmbeddingPrecision.Float32 },
            _ => this,
        };

        /// <summary>Whether the field trains its tables as they are stored.</summary>
        public bool Trains => TrainingForm == this;

        public static void Save(ModelSaveContext ctx, IReadOnlyList<FieldTableSpec> specs)
        {
            // Stream "EmbeddingTables": int fields; per field: int method, long rows, int rank, long first-order rows
            ctx.SaveBinaryStream(StreamName, writer =>
            {
                writer.Write(specs.Count);
                foreach (FieldTableSpec spec in specs)
                {
                    writer.Write((int)spec.Method);
                    writer.Write(spec.Rows);
                    writer.Write(spec.Rank);
                    writer.Write(spec.FirstOrderRows);
                }
            });
            // Stream "EmbeddingPrecision", only when a table is not stored in floats (older models have none): int per field
            if (specs.Any(s => s.Precision != CtrEmbeddingPrecision.Float32))
            {
                ctx.SaveBinaryStream(PrecisionStreamName, writer =>
                {
                    foreach (FieldTableSpec spec in specs)
                        writer.Write((int)spec.Precision);
                });
            }
        }

        /// <summary>The saved specs, or null for a model whose fields share the fused full tables.</summary>
        public static FieldTableSpec[] TryLoad(ModelLoadContext ctx)
        {
            FieldTableSpec[] specs = null;
            ctx.TryLoadBinaryStream(StreamName, reader =>
            {
                specs = new FieldTableSpec[reader.ReadInt32()];
                for (int f = 0; f < specs.Length; f++)
                    specs[f] = new FieldTableSpec((CtrEmbeddingCompression)reader.ReadInt32(), reader.ReadInt64(), reader.ReadInt32(), reader.ReadInt64());
            });
            if (specs != null)
            {
                ctx.TryLoadBinaryStream(PrecisionStreamName, reader =>
                {
                    for (int f = 0; f < specs.Length; f++)
                        specs[f] = specs[f] with { Precision = (CtrEmbeddingPrecision)reader.ReadInt32() };
                });
            }
            return specs;
        }

        private const string StreamName = "EmbeddingTables", PrecisionStreamName = "EmbeddingPrecision";
    }
}
