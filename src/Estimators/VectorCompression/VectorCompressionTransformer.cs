using System;
using System.IO;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLExt.Transforms;
using MLExt.Transforms.VectorCompressing.Core;

[assembly: LoadableClass(typeof(VectorCompressionTransformer), null, typeof(SignatureLoadModel), "MLExt vector compression", VectorCompressionTransformer.LoaderSignature)]

namespace MLExt.Transforms
{
    /// <summary>
    /// A vector compressor fitted by <see cref="VectorCompressionEstimator"/>: outputs each row's reconstruction (the input vector
    /// compressed, then decoded), reports the reconstruction error and the bytes the codes and the model take, and encodes and
    /// decodes single vectors, for storing the compact codes themselves.
    /// </summary>
    public sealed class VectorCompressionTransformer : RowToRowTransformerBase
    {
        internal const string LoaderSignature = "MLExtVectorCompression";

        private readonly string _inputColumnName;
        private readonly string _outputColumnName;
        private readonly VectorCodec _codec;
        private readonly ReconstructionStats _stats;

        internal VectorCompressionTransformer(IHostEnvironment env, string inputColumnName, string outputColumnName, VectorCodec codec, ReconstructionStats stats)
            : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(VectorCompressionTransformer)))
        {
            _inputColumnName = inputColumnName;
            _outputColumnName = outputColumnName;
            _codec = codec;
            _stats = stats;
        }

        private VectorCompressionTransformer(IHostEnvironment env, ModelLoadContext ctx)
            : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(VectorCompressionTransformer)))
        {
            // *** Binary format ***
            // string: input column; string: output column;
            // long: training rows; double: their summed squared reconstruction error; double: their summed squared distance from their mean;
            // int: the codec's kind (0 product quantization, 1 Int8, 2 low rank), then its parameters:
            //   product quantization: int dimension; int subspaces; int centroids per subspace; per subspace, centroids x (dimension / subspaces)
            //     floats, centroid-major
            //   Int8: int dimension; float per slot: offset; float per slot: scale
            //   low rank: int dimension; int rank; float per slot: mean; rank x dimension floats: the unit directions, one after another
            _inputColumnName = ctx.LoadNonEmptyString();
            _outputColumnName = ctx.LoadNonEmptyString();
            long rows = ctx.Reader.ReadInt64();
            double squaredError = ctx.Reader.ReadDouble(), variance = ctx.Reader.ReadDouble();
            Host.CheckDecode(rows > 0 && squaredError >= 0 && variance >= 0);
            _stats = new ReconstructionStats(rows, squaredError, variance);
            try
            {
                _codec = VectorCodecFile.Read(ctx.Reader);
            }
            catch (Exception e) when (e is InvalidDataException or ArgumentException)
            {
                throw Host.ExceptDecode(e, e.Message);
            }
        }

        internal static VectorCompressionTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            Contracts.CheckValue(env, nameof(env));
            env.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel(GetVersionInfo());
            return new VectorCompressionTransformer(env, ctx);
        }

        /// <summary>The method the compressor was fitted with.</summary>
        public VectorCompressionMethod Method => _codec switch
        {
            ProductQuantizer => VectorCompressionMethod.ProductQuantization,
            Int8Quantizer => VectorCompressionMethod.Int8,
            _ => VectorCompressionMethod.LowRank,
        };

        /// <summary>Values per vector (the input's and the output's size).</summary>
        public int Dimension => _codec.Dimension;

        /// <summary>Product quantization: the parts a vector is cut into; 0 for the other methods.</summary>
        public int Subspaces => (_codec as ProductQuantizer)?.Subspaces ?? 0;

        /// <summary>Product quantization: the centroids per part; 0 for the other methods.</summary>
        public int Centroids => (_codec as ProductQuantizer)?.Centroids ?? 0;

        /// <summary>Low rank: the coordinates kept per vector (the chosen rank when the options said 0); 0 for the other methods.</summary>
        public int Rank => (_codec as LowRankProjection)?.Rank ?? 0;

        /// <summary>
        /// The share of the training rows' variance that compression loses: Σ‖x − x̂‖² / Σ‖x − x̄‖² over the rows the compressor
        /// was fitted on (the sample, when <see cref="VectorCompressionOptions.MaximumTrainingRows"/> capped it), x̂ a row's
        /// reconstruction and x̄ the rows' mean. 0 is exact; 1 is no better than outputting the mean; for <see cref="VectorCompressionMethod.LowRank"/>
        /// it is 1 − the explained variance ratio. 0 when the rows are all equal.
        /// </summary>
        public double ReconstructionError => _stats.RelativeError;

        /// <summary>The mean over the training rows and slots of (x − x̂)²: the absolute error, in the data's units squared.</summary>
        public double MeanSquaredError => _stats.MeanSquaredError(Dimension);

        /// <summary>The rows the compressor was fitted on and its errors were measured on.</summary>
        public long TrainingRows => _stats.Rows;

        /// <summary>Bytes of one row's code (<see cref="Encode"/>): Subspaces for product quantization, Dimension for Int8, 4 x Rank for
        /// low rank.</summary>
        public int BytesPerRow => _codec.CodeBytes;

        /// <summary>Bytes of one row stored as Single values: 4 x Dimension.</summary>
        public int UncompressedBytesPerRow => 4 * Dimension;

        /// <summary>Bytes of the fitted parameters as stored in the model (4 per float): the codebooks (Centroids x Dimension floats),
        /// the per-slot scales and offsets (2 x Dimension), or the mean and directions ((Rank + 1) x Dimension).</summary>
        public long CodebookBytes => _codec.ParameterBytes;

        /// <summary>The compact code of one vector, of <see cref="BytesPerRow"/> bytes: per part a centroid index (product
        /// quantization), per slot a signed byte (Int8), or Rank little-endian Single coordinates (low rank).</summary>
        /// <param name="vector">A vector of <see cref="Dimension"/> finite values.</param>
        public byte[] Encode(float[] vector)
        {
            Host.CheckValue(vector, nameof(vector));
            if (vector.Length != Dimension)
                throw Host.ExceptParam(nameof(vector), $"The vector has {vector.Length} values; the compressor was fitted on vectors of {Dimension}.");
            for (int j = 0; j < vector.Length; j++)
                if (!float.IsFinite(vector[j]))
                    throw Host.ExceptParam(nameof(vector), $"Slot {j} holds {vector[j]}; only finite values can be encoded.");
            var code = new byte[BytesPerRow];
            _codec.Encode(vector, code);
            return code;
        }

        /// <summary>The vector a code from <see cref="Encode"/> stands for: what the transform outputs for the encoded vector.</summary>
        /// <param name="code">A code of <see cref="BytesPerRow"/> bytes.</param>
        public float[] Decode(byte[] code)
        {
            Host.CheckValue(code, nameof(code));
            if (code.Length != BytesPerRow)
                throw Host.ExceptParam(nameof(code), $"The code has {code.Length} bytes; this compressor's codes have {BytesPerRow}.");
            var vector = new float[Dimension];
            try
            {
                _codec.Decode(code, vector);
            }
            catch (ArgumentException e)
            {
                throw Host.ExceptParam(nameof(code), e.Message);
            }
            return vector;
        }

        protected override IRowMapper MakeRowMapper(DataViewSchema schema) => new Mapper(this, schema);

        protected override void SaveModel(ModelSaveContext ctx)
        {
            Host.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel();
            ctx.SetVersionInfo(GetVersionInfo());
            ctx.SaveNonEmptyString(_inputColumnName);
            ctx.SaveNonEmptyString(_outputColumnName);
            ctx.Writer.Write(_stats.Rows);
            ctx.Writer.Write(_stats.SquaredError);
            ctx.Writer.Write(_stats.TotalVariance);
            VectorCodecFile.Write(ctx.Writer, _codec);
        }

        private static VersionInfo GetVersionInfo() => new VersionInfo(
            modelSignature: "MXVECCMP",
            verWrittenCur: 0x00010001,
            verReadableCur: 0x00010001,
            verWeCanReadBack: 0x00010001,
            loaderSignature: LoaderSignature,
            loaderAssemblyName: typeof(VectorCompressionTransformer).Assembly.FullName);

        // Each row through the codec: densified, encoded and decoded; a row with a non-finite value has no code and comes out NaN.
        private sealed class Mapper : MapperBase
        {
            private readonly VectorCompressionTransformer _transformer;
            private readonly int _input;

            public Mapper(VectorCompressionTransformer parent, DataViewSchema schema)
                : base(parent.Host.Register(nameof(Mapper)), schema, parent)
            {
                _transformer = parent;
                VectorCompressionEstimator.CheckInput(parent.Host, schema, parent._inputColumnName, parent.Dimension);
                _input = schema[parent._inputColumnName].Index;
            }

            protected override DataViewSchema.DetachedColumn[] GetOutputColumnsCore()
            {
                var annotations = new DataViewSchema.Annotations.Builder();
                DataViewSchema.Column input = InputSchema[_input];
                if (input.HasSlotNames(_transformer.Dimension))
                    annotations.Add(input.Annotations, name => name == AnnotationUtils.Kinds.SlotNames);
                return new[]
                {
                    new DataViewSchema.DetachedColumn(_transformer._outputColumnName, new VectorDataViewType(NumberDataViewType.Single, _transformer.Dimension), annotations.ToAnnotations()),
                };
            }

            protected override Func<int, bool> GetDependenciesCore(Func<int, bool> activeOutput) => column => activeOutput(0) && column == _input;

            protected override void SaveModel(ModelSaveContext ctx) => _transformer.SaveModel(ctx);

            protected override Delegate MakeGetter(DataViewRow input, int iinfo, Func<int, bool> activeOutput, out Action disposer)
            {
                disposer = null;
                VectorCodec codec = _transformer._codec;
                int dimension = codec.Dimension;
                ValueGetter<VBuffer<float>> source = input.GetGetter<VBuffer<float>>(input.Schema[_input]);
                VBuffer<float> buffer = default;
                var dense = new float[dimension];
                var code = new byte[codec.CodeBytes];
                return (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
                {
                    source(ref buffer);
                    buffer.CopyTo(dense);
                    var editor = VBufferEditor.Create(ref value, dimension);
                    bool finite = true;
                    for (int j = 0; j < dimension && finite; j++)
                        finite = float.IsFinite(dense[j]);
                    if (finite)
                        codec.Reconstruct(dense, editor.Values, code);
                    else
                        editor.Values.Fill(float.NaN);
                    value = editor.Commit();
                });
            }
        }
    }
}
