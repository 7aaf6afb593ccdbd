using System;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLExt.Devices;
using MLExt.Trainers;
using MLExt.Trainers.Ctr.Featurization;
using MLExt.Trainers.Ctr.Networks;
using MLExt.Trainers.Ctr.Scoring;
using MLExt.Trainers.Ctr.Training;
using TorchSharp;
using static TorchSharp.torch;

[assembly: LoadableClass(typeof(CtrTransformer), null, typeof(SignatureLoadModel), "MLExt CTR model", CtrTransformer.LoaderSignature)]

namespace MLExt.Trainers
{
    /// <summary>
    /// A trained click-through-rate model: featurizes the raw columns as learned in training and adds Score (the logit),
    /// Probability and PredictedLabel, as ML.NET's binary classifiers do, so <c>BinaryClassification.Evaluate</c> works.
    /// Holds TorchSharp tensors: dispose it when done.
    /// </summary>
    public sealed class CtrTransformer : RowToRowTransformerBase, ITransformer, IDisposable
    {
        internal const string LoaderSignature = "MLExtCtrModel";

        // Rows scored per forward pass by Transform.
        private const int ScoringBatchSize = 2048;

        private readonly CtrFeaturizer _featurizer;
        private readonly CtrNetwork _network;
        private readonly Device _device;

        internal CtrTransformer(IHostEnvironment env, CtrFeaturizer featurizer, CtrNetwork network, Device device)
            : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(CtrTransformer)))
        {
            _featurizer = featurizer;
            _network = network;
            _device = device;
            _network.eval();
        }

        private CtrTransformer(IHostEnvironment env, ModelLoadContext ctx)
            : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(CtrTransformer)))
        {
            // *** Binary format ***
            // featurizer (see CtrFeaturizer.Save); network spec (see CtrNetworkSpec.Save); stream "Weights": the TorchSharp state
            _featurizer = CtrFeaturizer.Load(ctx);
            CtrNetworkSpec spec = CtrNetworkSpec.Load(ctx);
            _network = CtrNetwork.Create(spec);
            ctx.TryLoadBinaryStream("Weights", reader => _network.load(reader));
            // The device is not saved: the loading context decides.
            _device = TorchDeviceResolver.Resolve(Host);
            _network.to(_device);
            _network.eval();
        }

        internal static CtrTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            Contracts.CheckValue(env, nameof(env));
            env.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel(GetVersionInfo());
            return new CtrTransformer(env, ctx);
        }

        /// <summary>The model kind.</summary>
        public CtrModel Model => _network.Spec.Model;

        /// <summary>What the network was built from (for benchmarks that rebuild the identical network).</summary>
        internal CtrNetworkSpec NetworkSpec => _network.Spec;

        /// <summary>Trainable parameters (embeddings included).</summary>
        public long ParameterCount => _network.parameters().Sum(p => p.numel());

        /// <summary>Bytes the parameters take.</summary>
        public long ParameterBytes => _network.parameters().Sum(p => p.numel() * p.element_size());

        /// <summary>Score, Probability and PredictedLabel with ML.NET's binary-classifier annotations.</summary>
        internal static DataViewSchema.DetachedColumn[] OutputColumns() => new[]
        {
            new DataViewSchema.DetachedColumn(DefaultColumnNames.Score, NumberDataViewType.Single, Annotations(AnnotationUtils.Const.ScoreValueKind.Score)),
            new DataViewSchema.DetachedColumn(DefaultColumnNames.Probability, NumberDataViewType.Single, Annotations(AnnotationUtils.Const.ScoreValueKind.Probability)),
            new DataViewSchema.DetachedColumn(DefaultColumnNames.PredictedLabel, BooleanDataViewType.Instance, Annotations(AnnotationUtils.Const.ScoreValueKind.PredictedLabel)),
        };

        private static DataViewSchema.Annotations Annotations(string valueKind)
        {
            var builder = new DataViewSchema.Annotations.Builder();
            builder.Add(AnnotationUtils.Kinds.ScoreColumnKind, TextDataViewType.Instance,
                (ref ReadOnlyMemory<char> value) => value = AnnotationUtils.Const.ScoreColumnKind.BinaryClassification.AsMemory());
            builder.Add(AnnotationUtils.Kinds.ScoreValueKind, TextDataViewType.Instance, (ref ReadOnlyMemory<char> value) => value = valueKind.AsMemory());
            return builder.ToAnnotations();
        }

        /// <summary>Getter of output <paramref name="output"/> (Score, Probability, PredictedLabel) from the row's logit.</summary>
        internal static Delegate OutputGetter(int output, Func<float> logit) => output switch
        {
            0 => (ValueGetter<float>)((ref float value) => value = logit()),
            1 => (ValueGetter<float>)((ref float value) => value = 1 / (1 + MathF.Exp(-logit()))),
            _ => (ValueGetter<bool>)((ref bool value) => value = logit() > 0),
        };

        /// <summary>Adds Score, Probability and PredictedLabel, running the network on batches of rows (PredictionEngine and
        /// other row-by-row users go through the row mapper instead).</summary>
        public new IDataView Transform(IDataView input)
        {
            Host.CheckValue(input, nameof(input));
            GetOutputSchema(input.Schema);
            return new BatchScoredDataView(input, _featurizer, _network, _device, ScoringBatchSize);
        }

        IDataView ITransformer.Transform(IDataView input) => Transform(input);

        /// <inheritdoc/>
        public void Dispose() => _network.Dispose();

        protected override IRowMapper MakeRowMapper(DataViewSchema schema) => new Mapper(this, schema);

        protected override void SaveModel(ModelSaveContext ctx)
        {
            Host.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel();
            ctx.SetVersionInfo(GetVersionInfo());
            _featurizer.Save(ctx);
            _network.Spec.Save(ctx);
            ctx.SaveBinaryStream("Weights", writer => _network.save(writer));
        }

        private static VersionInfo GetVersionInfo() => new VersionInfo(
            modelSignature: "MXCTRMDL",
            verWrittenCur: 0x00010001,
            verReadableCur: 0x00010001,
            verWeCanReadBack: 0x00010001,
            loaderSignature: LoaderSignature,
            loaderAssemblyName: typeof(CtrTransformer).Assembly.FullName);

        // Scores one row at a time (the PredictionEngine path); the three outputs share one forward pass per row.
        private sealed class Mapper : MapperBase
        {
            private readonly CtrTransformer _model;
            private readonly int[] _inputs;
            private readonly ConditionalWeakTable<DataViewRow, Func<float>> _logitOfRow = new ConditionalWeakTable<DataViewRow, Func<float>>();

            public Mapper(CtrTransformer parent, DataViewSchema schema)
                : base(parent.Host.Register(nameof(Mapper)), schema, parent)
            {
                _model = parent;
                _inputs = parent._featurizer.InputColumns.Select(name =>
                {
                    int? index = schema.GetColumnOrNull(name)?.Index;
                    return index ?? throw parent.Host.ExceptSchemaMismatch(nameof(schema), "input", name);
                }).ToArray();
            }

            protected override DataViewSchema.DetachedColumn[] GetOutputColumnsCore() => OutputColumns();

            protected override Func<int, bool> GetDependenciesCore(Func<int, bool> activeOutput)
                => column => Enumerable.Range(0, 3).Any(activeOutput) && _inputs.Contains(column);

            protected override void SaveModel(ModelSaveContext ctx) => _model.SaveModel(ctx);

            protected override Delegate MakeGetter(DataViewRow input, int iinfo, Func<int, bool> activeOutput, out Action disposer)
            {
                disposer = null;
                // Score, Probability and PredictedLabel of one row share one forward pass.
                return OutputGetter(iinfo, _logitOfRow.GetValue(input, Logit));
            }

            // The logit of the input's current row, computed once per row through the same path as batch scoring.
            private Func<float> Logit(DataViewRow input)
            {
                CtrFeaturizer featurizer = _model._featurizer;
                Action<ulong[], float[], int> read = featurizer.BindReader(input);
                var keys = new ulong[featurizer.IdWidth];
                var ids = new int[featurizer.IdWidth];
                var numeric = new float[featurizer.NumericCount];
                var batch = new TensorBatch(1, ids.Length, numeric.Length);
                long position = -1;
                float logit = 0;
                return () =>
                {
                    if (input.Position != position)
                    {
                        read(keys, numeric, 0);
                        featurizer.Encode(keys, ids, numeric);
                        var row = CtrData.InMemory(ids.Length, numeric.Length, ids, numeric, 1);
                        logit = CtrTrainingLoop.Predict(_model._network, row, batch, _model._device)[0];
                        position = input.Position;
                    }
                    return logit;
                };
            }
        }
    }
}
