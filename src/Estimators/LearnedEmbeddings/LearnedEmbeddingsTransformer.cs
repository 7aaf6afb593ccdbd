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
    /// categorical column's embedding (a multi-valued column's embeddings summed), concatenated in the columns' order. Holds
    /// TorchSharp tensors: dispose it when done.
    /// </summary>
    public sealed class LearnedEmbeddingsTransformer : RowToRowTransformerBase, IDisposable
    {
        internal const string LoaderSignature = "MLExtLearnedEmbeddings";

        private readonly NeuralFeaturizer _featurizer;
        private readonly NeuralNetwork _network;
        private readonly Device _device;
        private readonly string _outputColumnName;
        // The id fields of the categorical columns (not bucketed numeric ones), whose embeddings are output.
        private readonly long[] _fields;

        internal LearnedEmbeddingsTransformer(IHostEnvironment env, NeuralFeaturizer featurizer, NeuralNetwork network, Device device, string outputColumnName)
            : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(LearnedEmbeddingsTransformer)))
        {
            _featurizer = featurizer;
            _network = network;
            _device = device;
            _outputColumnName = outputColumnName;
            _fields = CategoricalFields(featurizer);
            _network.eval();
        }

        private LearnedEmbeddingsTransformer(IHostEnvironment env, ModelLoadContext ctx)
            : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(LearnedEmbeddingsTransformer)))
        {
            // *** Binary format ***
            // string: output column; featurizer (see NeuralFeaturizer.Save); the network (see NetworkFile)
            _outputColumnName = ctx.LoadNonEmptyString();
            _featurizer = NeuralFeaturizer.Load(ctx);
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

        /// <summary>Numbers per categorical column in the output.</summary>
        public int EmbeddingDimension => _network.Spec.EmbeddingDimension;

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
            _featurizer.Save(ctx);
            NetworkFile.Save(ctx, _network);
        }

        private static VersionInfo GetVersionInfo() => new VersionInfo(
            modelSignature: "MXLEMBED",
            verWrittenCur: 0x00010001,
            verReadableCur: 0x00010001,
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

            private int Width => _transformer._fields.Length * _transformer.EmbeddingDimension;

            protected override DataViewSchema.DetachedColumn[] GetOutputColumnsCore()
            {
                string[] names = _transformer._featurizer.FieldNames;
                int dimension = _transformer.EmbeddingDimension;
                var slotNames = new VBuffer<ReadOnlyMemory<char>>(Width, _transformer._fields.SelectMany(f => Enumerable.Range(0, dimension).Select(k => $"{names[f]}.{k}".AsMemory())).ToArray());
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
                        Tensor fields = _transformer._network.Embedding.Embed(idTensor, numericTensor).Fields;
                        fields.index_select(1, indices).flatten().cpu().data<float>().CopyTo(editor.Values);
                    }
                    value = editor.Commit();
                });
            }
        }
    }
}
