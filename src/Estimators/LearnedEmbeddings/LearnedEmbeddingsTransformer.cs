using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLExt.Devices;
using MLExt.Neural.Featurization;
using MLExt.Neural.Networks;
using MLExt.Neural.Training;
using MLExt.Transforms;
using TorchSharp;
using static TorchSharp.torch;

[assembly: LoadableClass(typeof(LearnedEmbeddingsTransformer), null, typeof(SignatureLoadModel), "MLExt learned embeddings", LearnedEmbeddingsTransformer.LoaderSignature)]

namespace MLExt.Transforms
{
    /// <summary>
    /// Categorical columns' embeddings learned by <see cref="LearnEmbeddingsEstimator"/>: adds one vector column holding each
    /// categorical column's block, its value's first-order weight (unless left out) and then its embedding (a multi-valued
    /// column's summed), concatenated in the columns' order. Holds TorchSharp tensors: dispose it when done.
    /// </summary>
    public sealed class LearnedEmbeddingsTransformer : RowToRowTransformerBase, IDisposable
    {
        internal const string LoaderSignature = "MLExtLearnedEmbeddings";
        // From this format on the fields record their text hash (XXH3; before, FNV-1a).
        private const uint TextHashFormat = 0x00010003;

        private readonly NeuralFeaturizer _featurizer;
        private readonly NeuralNetwork _network;
        private readonly Device _device;
        private readonly string _outputColumnName;
        private readonly bool _firstOrder;
        // The id fields of the categorical columns (not bucketed numeric ones), whose embeddings are output.
        private readonly long[] _fields;

        internal LearnedEmbeddingsTransformer(IHostEnvironment env, NeuralFeaturizer featurizer, NeuralNetwork network, Device device, string outputColumnName,
            bool firstOrder)
            : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(LearnedEmbeddingsTransformer)))
        {
            _featurizer = featurizer;
            _network = network;
            _device = device;
            _outputColumnName = outputColumnName;
            _firstOrder = firstOrder;
            _fields = CategoricalFields(featurizer);
            _network.eval();
        }

        private LearnedEmbeddingsTransformer(IHostEnvironment env, ModelLoadContext ctx)
            : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(LearnedEmbeddingsTransformer)))
        {
            // *** Binary format ***
            // string: output column; bool: first-order weights output (from 0x00010002; before, never); featurizer (see
            // NeuralFeaturizer.Save); the network (see NetworkFile)
            _outputColumnName = ctx.LoadNonEmptyString();
            _firstOrder = ctx.Header.ModelVerWritten >= 0x00010002 && ctx.Reader.ReadBoolean();
            _featurizer = NeuralFeaturizer.Load(ctx, hasTextHash: ctx.Header.ModelVerWritten >= TextHashFormat);
            _network = NetworkFile.Load(ctx, NetworkSpec.Load(ctx));
            _fields = CategoricalFields(_featurizer);
            // The device is not saved: the loading context decides.
            _device = TorchDeviceResolver.Resolve(Host);
            _network.to(_device);
            _network.eval();
        }

        internal static LearnedEmbeddingsTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            Contracts.CheckValue(env, nameof(env));
            env.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel(GetVersionInfo());
            return new LearnedEmbeddingsTransformer(env, ctx);
        }

        /// <summary>The embedding's numbers per categorical column in the output.</summary>
        public int EmbeddingDimension => _network.Spec.EmbeddingDimension;

        /// <summary>Whether each column's block starts with its value's first-order weight.</summary>
        public bool IncludesFirstOrderWeights => _firstOrder;

        // Numbers per categorical column in the output.
        private int BlockWidth => EmbeddingDimension + (_firstOrder ? 1 : 0);

        /// <summary>Bytes the embedding tables take as stored.</summary>
        public long EmbeddingBytes => _network.Embedding.StoredBytes;

        /// <inheritdoc/>
        public void Dispose() => _network.Dispose();

        /// <summary>The annotations of the output column: slot names.</summary>
        internal static DataViewSchema SlotNamesSchema()
        {
            var builder = new DataViewSchema.Builder();
            builder.AddColumn(AnnotationUtils.Kinds.SlotNames, new VectorDataViewType(TextDataViewType.Instance));
            return builder.ToSchema();
        }

        private static long[] CategoricalFields(NeuralFeaturizer featurizer)
            => Enumerable.Range(0, featurizer.FieldCount).Where(f => featurizer.Fields[f].Kind == CategoricalField.KeyKind.Value).Select(f => (long)f).ToArray();

        protected override IRowMapper MakeRowMapper(DataViewSchema schema) => new Mapper(this, schema);

        protected override void SaveModel(ModelSaveContext ctx)
        {
            Host.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel();
            ctx.SetVersionInfo(GetVersionInfo());
            ctx.SaveNonEmptyString(_outputColumnName);
            ctx.Writer.Write(_firstOrder);
            _featurizer.Save(ctx);
            NetworkFile.Save(ctx, _network);
        }

        private static VersionInfo GetVersionInfo() => new VersionInfo(
            modelSignature: "MXLEMBED",
            verWrittenCur: TextHashFormat, // 0x00010002: the first-order weights flag
            verReadableCur: TextHashFormat,
            verWeCanReadBack: 0x00010001,
            loaderSignature: LoaderSignature,
            loaderAssemblyName: typeof(LearnedEmbeddingsTransformer).Assembly.FullName);

        // One row at a time: the row's ids through the embedding layer, the categorical fields' embeddings flattened.
        private sealed class Mapper : MapperBase
        {
            private readonly LearnedEmbeddingsTransformer _transformer;
            private readonly int[] _inputs;

            public Mapper(LearnedEmbeddingsTransformer parent, DataViewSchema schema)
                : base(parent.Host.Register(nameof(Mapper)), schema, parent)
            {
                _transformer = parent;
                _inputs = parent._featurizer.InputColumns.Select(name =>
                    schema.GetColumnOrNull(name)?.Index ?? throw parent.Host.ExceptSchemaMismatch(nameof(schema), "input", name)).ToArray();
            }

            private int Width => _transformer._fields.Length * _transformer.BlockWidth;

            protected override DataViewSchema.DetachedColumn[] GetOutputColumnsCore()
            {
                string[] names = _transformer._featurizer.FieldNames;
                var block = Enumerable.Range(0, _transformer.EmbeddingDimension).Select(k => k.ToString()).Prepend(_transformer._firstOrder ? "w" : null).Where(n => n != null).ToArray();
                var slotNames = new VBuffer<ReadOnlyMemory<char>>(Width, _transformer._fields.SelectMany(f => block.Select(k => $"{names[f]}.{k}".AsMemory())).ToArray());
                var annotations = new DataViewSchema.Annotations.Builder();
                annotations.AddSlotNames(Width, (ref VBuffer<ReadOnlyMemory<char>> value) => slotNames.CopyTo(ref value));
                return new[] { new DataViewSchema.DetachedColumn(_transformer._outputColumnName, new VectorDataViewType(NumberDataViewType.Single, Width), annotations.ToAnnotations()) };
            }

            protected override Func<int, bool> GetDependenciesCore(Func<int, bool> activeOutput) => column => activeOutput(0) && _inputs.Contains(column);

            protected override void SaveModel(ModelSaveContext ctx) => _transformer.SaveModel(ctx);

            protected override Delegate MakeGetter(DataViewRow input, int iinfo, Func<int, bool> activeOutput, out Action disposer)
            {
                disposer = null;
                NeuralFeaturizer featurizer = _transformer._featurizer;
                Func<FeaturizedRows> encode = featurizer.BindRow(input);
                var batch = new TensorBatch(1, featurizer.IdWidth, featurizer.NumericCount);
                int width = Width;
                // The output fields' indices on the network's device, made once per getter.
                Tensor indices = tensor(_transformer._fields, device: _transformer._device);
                disposer = indices.Dispose;
                return (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
                {
                    FeaturizedRows row = encode();
                    var editor = VBufferEditor.Create(ref value, width);
                    using (var scope = NewDisposeScope())
                    using (no_grad())
                    {
                        var (idTensor, numericTensor) = batch.Inputs(row, new[] { 0 }, _transformer._device);
                        FieldEmbedding embedding = _transformer._network.Embedding;
                        Tensor fields = embedding.Embed(idTensor, numericTensor).Fields.index_select(1, indices);
                        if (_transformer._firstOrder)
                            fields = cat(new[] { embedding.IdFirstOrder(idTensor).index_select(1, indices).unsqueeze(-1), fields }, -1);
                        fields.flatten().cpu().data<float>().CopyTo(editor.Values);
                    }
                    value = editor.Commit();
                });
            }
        }
    }
}
