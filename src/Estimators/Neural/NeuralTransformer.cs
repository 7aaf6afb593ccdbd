using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLExt.Devices;
using MLExt.Neural.Compression;
using MLExt.Neural.Featurization;
using MLExt.Neural.Networks;
using MLExt.Neural.Scoring;
using MLExt.Neural.Tasks;
using MLExt.Neural.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLExt.Neural
{
    /// <summary>
    /// A trained MLExt neural model: featurizes the raw columns as learned in training, runs the network, and adds the task's
    /// columns (binary: Score, Probability, PredictedLabel; regression: Score; multiclass: Score, PredictedLabel) with the
    /// annotations ML.NET's evaluators read. Holds TorchSharp tensors: dispose it when done.
    /// </summary>
    public abstract class NeuralTransformer : RowToRowTransformerBase, ITransformer, IDisposable
    {
        // Rows scored per forward pass by Transform.
        private const int ScoringBatchSize = 2048;

        private readonly NeuralFeaturizer _featurizer;
        private readonly NeuralNetwork _network;
        private readonly NeuralTask _task;
        private readonly Device _device;
        // Values before and after an OptFS gate search; (0, 0) without one.
        private readonly (int Values, int Kept) _gatedValues;

        private protected NeuralTransformer(IHost host, NeuralFit.Result trained)
            : base(host)
        {
            FieldExitOrder = trained.FieldExits;
            _featurizer = trained.Featurizer;
            _network = trained.Network;
            _task = trained.Task;
            _device = trained.Device;
            _gatedValues = (trained.Values, trained.KeptValues);
            _network.eval();
        }

        /// <summary>Loads a model saved by <see cref="SaveModel"/>, or by the first CTR format when <paramref name="firstFormat"/>;
        /// <paramref name="hasTextHash"/>: whether the format records the fields' text hash (see <see cref="NeuralFeaturizer.Load"/>).</summary>
        private protected NeuralTransformer(IHost host, ModelLoadContext ctx, bool firstFormat, bool hasTextHash)
            : base(host)
        {
            // *** Binary format ***
            // featurizer (see NeuralFeaturizer.Save); task (see NeuralTask.Save); the network (see NetworkFile); optional stream
            // "GatedValues" (models trained with feature gates): int values before the gate search, int values kept. The first format
            // (CTR models, 0x00010001) had no task (binary) and an older spec.
            FieldExitOrder = Array.Empty<FieldExit>();
            _featurizer = NeuralFeaturizer.Load(ctx, hasTextHash);
            _task = firstFormat ? NeuralTask.Binary : NeuralTask.Load(ctx);
            NetworkSpec spec = firstFormat ? NetworkSpec.LoadFirstFormat(ctx, _featurizer.FieldSizes) : NetworkSpec.Load(ctx);
            _network = NetworkFile.Load(ctx, spec);
            (int, int) gated = (0, 0);
            ctx.TryLoadBinaryStream(GatedValuesStream, reader => gated = (reader.ReadInt32(), reader.ReadInt32()));
            _gatedValues = gated;
            // The device is not saved: the loading context decides.
            _device = TorchDeviceResolver.Resolve(Host);
            _network.to(_device);
            _network.eval();
        }

        /// <summary>Trainable parameters (embeddings included).</summary>
        public long ParameterCount => _network.parameters().Sum(p => p.numel());

        /// <summary>Bytes the parameters take.</summary>
        public long ParameterBytes => _network.parameters().Sum(p => p.numel() * p.element_size());

        /// <summary>Bytes the embedding layer takes as stored and saved (every field's embedding tables and first-order weights,
        /// quantized tables at their stored size): what embedding compression shrinks.</summary>
        public long EmbeddingBytes => _network.Embedding.StoredBytes;

        /// <summary>Bytes the embedding layer would take with full 32-bit tables: one embedding row and first-order weight per value
        /// (and for the unused-place id), and per numeric field.</summary>
        public long UncompressedEmbeddingBytes
        {
            get
            {
                NetworkSpec spec = _network.Spec;
                return ((long)spec.IdCount + 1 + spec.NumericCount) * (spec.EmbeddingDimension + 1) * sizeof(float);
            }
        }

        /// <summary>Each id field's embedding table as stored: the method, rows (see <see cref="EmbeddingTableInfo.Rows"/>), dimension
        /// and bytes (first-order weights included).</summary>
        public IReadOnlyList<EmbeddingTableInfo> EmbeddingTables
        {
            get
            {
                NetworkSpec spec = _network.Spec;
                string[] names = _featurizer.FieldNames;
                return Enumerable.Range(0, spec.FieldCount).Select(f =>
                {
                    FieldTableSpec table = spec.Tables?[f] ?? FieldTableSpec.Full;
                    long rows = table.Rows > 0 ? table.Rows : spec.FieldSizes[f];
                    long bytes = spec.Tables is null ? (long)spec.FieldSizes[f] * (spec.EmbeddingDimension + 1) * sizeof(float) : _network.Embedding.StoredBytesOf(f);
                    return new EmbeddingTableInfo(names[f], table.Method, rows, spec.EmbeddingDimension, bytes, table.Precision);
                }).ToArray();
            }
        }

        /// <summary>
        /// The share of the values (ids of the categorical fields, and standardized numeric fields) an OptFS gate search kept
        /// (<c>FeatureGates</c>); 1 for a model trained without gates. The model holds embeddings for the kept values alone.
        /// </summary>
        public double KeptValueFraction => _gatedValues.Values == 0 ? 1 : (double)_gatedValues.Kept / _gatedValues.Values;

        /// <summary>
        /// Each input field's name (a numeric vector column's slot as "Column[slot]") and the L2 norm of all the weights it owns
        /// (its embedding rows and first-order weights, or its numeric embedding and weight): 0 for a field a group-lasso or
        /// k-sparsity regularizer removed.
        /// </summary>
        public IReadOnlyDictionary<string, double> FieldNorms
        {
            get
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                float[] norms = _network.Embedding.FieldSquaredNorms().sqrt().cpu().data<float>().ToArray();
                return _featurizer.FieldNames.Select((name, f) => (name, norm: (double)norms[f])).ToDictionary(p => p.name, p => p.norm);
            }
        }

        /// <summary>
        /// The fields in the order a group-lasso path removed them (first out, least needed), with the strength at which each left,
        /// when training walked one (<see cref="NeuralTrainerOptions.FieldGroupLassoPath"/>); empty otherwise, and after loading
        /// (the path is a training diagnostic, not part of the saved model).
        /// </summary>
        public IReadOnlyList<FieldExit> FieldExitOrder { get; }

        /// <summary>What the network was built from (for benchmarks that rebuild the identical network).</summary>
        internal NetworkSpec NetworkSpec => _network.Spec;

        internal NeuralNetwork Network => _network;

        /// <summary>Adds the task's columns, running the network on batches of rows (PredictionEngine and other row-by-row users go
        /// through the row mapper instead).</summary>
        public new IDataView Transform(IDataView input)
        {
            Host.CheckValue(input, nameof(input));
            GetOutputSchema(input.Schema);
            return new BatchScoredDataView(input, _featurizer, _network, _task, _device, ScoringBatchSize);
        }

        IDataView ITransformer.Transform(IDataView input) => Transform(input);

        /// <inheritdoc/>
        public void Dispose() => _network.Dispose();

        protected override IRowMapper MakeRowMapper(DataViewSchema schema) => new Mapper(this, schema);

        /// <summary>The derived model's version info (its signature, format versions and loader).</summary>
        private protected abstract VersionInfo Version { get; }

        protected override void SaveModel(ModelSaveContext ctx)
        {
            Host.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel();
            ctx.SetVersionInfo(Version);
            _featurizer.Save(ctx);
            _task.Save(ctx);
            NetworkFile.Save(ctx, _network);
            if (_gatedValues.Values > 0)
            {
                ctx.SaveBinaryStream(GatedValuesStream, writer =>
                {
                    writer.Write(_gatedValues.Values);
                    writer.Write(_gatedValues.Kept);
                });
            }
        }

        private const string GatedValuesStream = "GatedValues";

        // Scores one row at a time (the PredictionEngine path); the outputs share one forward pass per row.
        private sealed class Mapper : MapperBase
        {
            private readonly NeuralTransformer _model;
            private readonly int[] _inputs;
            private readonly int _outputCount;
            private readonly ConditionalWeakTable<DataViewRow, RowOutputs> _outputsOfRow = new ConditionalWeakTable<DataViewRow, RowOutputs>();

            public Mapper(NeuralTransformer parent, DataViewSchema schema)
                : base(parent.Host.Register(nameof(Mapper)), schema, parent)
            {
                _model = parent;
                _outputCount = parent._task.OutputColumns().Length;
                _inputs = parent._featurizer.InputColumns.Select(name =>
                {
                    int? index = schema.GetColumnOrNull(name)?.Index;
                    return index ?? throw parent.Host.ExceptSchemaMismatch(nameof(schema), "input", name);
                }).ToArray();
            }

            protected override DataViewSchema.DetachedColumn[] GetOutputColumnsCore() => _model._task.OutputColumns();

            protected override Func<int, bool> GetDependenciesCore(Func<int, bool> activeOutput)
                => column => Enumerable.Range(0, _outputCount).Any(activeOutput) && _inputs.Contains(column);

            protected override void SaveModel(ModelSaveContext ctx) => _model.SaveModel(ctx);

            protected override Delegate MakeGetter(DataViewRow input, int iinfo, Func<int, bool> activeOutput, out Action disposer)
            {
                disposer = null;
                // The output columns of one row share one forward pass.
                return _model._task.OutputGetter(iinfo, _outputsOfRow.GetValue(input, Outputs));
            }

            // The outputs of the input's current row, computed once per row through the same path as batch scoring.
            private RowOutputs Outputs(DataViewRow input)
            {
                NeuralFeaturizer featurizer = _model._featurizer;
                Func<FeaturizedRows> encode = featurizer.BindRow(input);
                var batch = new TensorBatch(1, featurizer.IdWidth, featurizer.NumericCount);
                long position = -1;
                float[] outputs = null;
                return () =>
                {
                    if (input.Position != position)
                    {
                        outputs = TrainingLoop.Predict(_model._network, encode(), batch, _model._device);
                        position = input.Position;
                    }
                    return outputs;
                };
            }
        }
    }
}
