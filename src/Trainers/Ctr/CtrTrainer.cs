using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SearchSpace;
using MLExt.Devices;
using MLExt.Trainers.Ctr.Featurization;
using MLExt.Trainers.Ctr.Networks;
using MLExt.Trainers.Ctr.Training;

namespace MLExt.Trainers
{
    /// <summary>
    /// Click-through-rate models (logistic regression, FM, FwFM, DeepFM, DCN-V2, AutoInt+, FinalMLP, Wide &amp; Deep) trained in
    /// mini-batches with TorchSharp on the CPU or CUDA, straight from raw categorical and numeric columns.
    /// </summary>
    /// <remarks>
    /// <list type="table">
    /// <item><term>Machine learning task</term><description>Binary classification</description></item>
    /// <item><term>Is normalization required?</term><description>No: numeric columns are standardized or bucketed inside</description></item>
    /// <item><term>Is caching required?</term><description>No: the trainer featurizes once into a columnar cache of its own</description></item>
    /// <item><term>Input columns</term><description>A Boolean label; categorical columns of text, key, Boolean or integer values (vectors: multi-valued fields, their embeddings summed); Single or Double numeric columns (known-size vectors: a field per slot); an optional Single weight</description></item>
    /// <item><term>Output columns</term><description>Score (logit), Probability, PredictedLabel</description></item>
    /// <item><term>Required NuGet in addition to Microsoft.ML</term><description>MLExt.Trainers and a TorchSharp backend (TorchSharp-cpu, or TorchSharp-cuda-linux / -windows)</description></item>
    /// </list>
    /// Vocabularies and numeric transforms are learned in <c>Fit</c> and saved with the model; values unseen in training, rarer
    /// than <see cref="Options.MinimumCategoryCount"/>, or missing share their field's out-of-vocabulary id. NaN in a numeric
    /// column is missing: 0 after standardizing, or a category of its own when bucketed.
    /// </remarks>
    public sealed class CtrTrainer : IEstimator<CtrTransformer>
    {
        /// <summary>Options of <see cref="CtrTrainer"/>.</summary>
        public sealed class Options
        {
            /// <summary>The Boolean label column.</summary>
            public string LabelColumnName { get; set; } = "Label";

            private string[] _categoricalColumnNames = Array.Empty<string>();
            private string[] _numericColumnNames = Array.Empty<string>();

            /// <summary>Categorical columns, one field each (null means none).</summary>
            public string[] CategoricalColumnNames { get => _categoricalColumnNames; set => _categoricalColumnNames = value ?? Array.Empty<string>(); }

            /// <summary>Numeric columns, one field each (null means none).</summary>
            public string[] NumericColumnNames { get => _numericColumnNames; set => _numericColumnNames = value ?? Array.Empty<string>(); }

            /// <summary>An optional Single column of example weights.</summary>
            public string ExampleWeightColumnName { get; set; }

            /// <summary>The network.</summary>
            public CtrModel Model { get; set; } = CtrModel.DeepFM;

            /// <summary>Embedding size of every field.</summary>
            [Range(4, 64, 16, true)]
            public int EmbeddingDimension { get; set; } = 16;

            /// <summary>Widths of the MLP's hidden layers (deep models).</summary>
            public int[] HiddenLayers { get; set; } = { 400, 400, 400 };

            /// <summary>Dropout rate after each hidden layer.</summary>
            [Range(0.0f, 0.5f, 0.0f)]
            public float Dropout { get; set; }

            /// <summary>Batch normalization in the hidden layers.</summary>
            public bool BatchNorm { get; set; }

            /// <summary>Cross layers of DCN-V2.</summary>
            [Range(1, 6, 3)]
            public int CrossLayers { get; set; } = 3;

            /// <summary>Self-attention layers of AutoInt+.</summary>
            [Range(1, 6, 3)]
            public int AttentionLayers { get; set; } = 3;

            /// <summary>Attention heads of AutoInt+ (must divide the embedding dimension).</summary>
            public int AttentionHeads { get; set; } = 2;

            /// <summary>Rows per mini-batch.</summary>
            [Range(256, 16384, 4096, true)]
            public int BatchSize { get; set; } = 4096;

            /// <summary>Maximum passes over the training data.</summary>
            [Range(1, 100, 10, true)]
            public int NumberOfEpochs { get; set; } = 10;

            /// <summary>The optimizer's learning rate.</summary>
            [Range(1e-4f, 1e-1f, 1e-3f, true)]
            public float LearningRate { get; set; } = 1e-3f;

            /// <summary>The optimizer.</summary>
            public CtrOptimizer Optimizer { get; set; } = CtrOptimizer.Adam;

            /// <summary>L2 on the embeddings a batch uses (per row), kept apart from the network's.</summary>
            [Range(0.0f, 0.1f, 0.0f)]
            public float EmbeddingL2 { get; set; }

            /// <summary>L2 on the network's weight matrices (biases and embeddings excluded).</summary>
            [Range(0.0f, 0.1f, 0.0f)]
            public float NetworkL2 { get; set; }

            /// <summary>Categorical values seen fewer times than this in training share their field's out-of-vocabulary id.</summary>
            [Range(1, 100, 2, true)]
            public int MinimumCategoryCount { get; set; } = 2;

            /// <summary>A multi-valued categorical field (a vector column) keeps at most this many values a row, the first ones.</summary>
            public int MaximumValuesPerField { get; set; } = 8;

            /// <summary>A field with more frequent values than this hashes them into this many ids instead (0: never).</summary>
            public int HashBuckets { get; set; }

            /// <summary>How numeric columns enter the model.</summary>
            public CtrNumericHandling NumericHandling { get; set; } = CtrNumericHandling.Standardize;

            /// <summary>Bins of <see cref="CtrNumericHandling.QuantileBins"/>.</summary>
            public int NumericQuantileBins { get; set; } = 32;

            /// <summary>Featurized training rows beyond this many megabytes go to a memory-mapped temporary file instead of memory.</summary>
            public int CacheMemoryBudgetMegabytes { get; set; } = 2048;

            /// <summary>Data to validate on after each epoch (early stopping, restore-best, plateau); null to split <see cref="ValidationFraction"/> off.</summary>
            public IDataView ValidationData { get; set; }

            /// <summary>Share of the training rows held out for validation when no <see cref="ValidationData"/> is given; 0: none.</summary>
            public double ValidationFraction { get; set; } = 0.1;

            /// <summary>Epochs without a better validation AUC before training stops.</summary>
            public int EarlyStoppingPatience { get; set; } = 2;

            /// <summary>Keep the weights of the epoch with the best validation AUC.</summary>
            public bool RestoreBestModel { get; set; } = true;

            /// <summary>Divide the learning rate by 10 when validation AUC does not improve.</summary>
            public bool ReduceLearningRateOnPlateau { get; set; } = true;

            /// <summary>Clip the gradient's global norm to this (0, the default: no clipping; the norm spans the whole embedding table,
            /// so clipping costs time in every step).</summary>
            public float GradientClipNorm { get; set; }

            /// <summary>"cpu", "cuda" or "cuda:N"; null follows MLContext.GpuDeviceId.</summary>
            public string Device { get; set; }

            /// <summary>Seed of initialization, shuffling, dropout and the validation split; null: from the MLContext.</summary>
            public int? Seed { get; set; }
        }

        private readonly IHost _host;
        private readonly Options _options;

        internal CtrTrainer(IHostEnvironment env, Options options)
        {
            _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(CtrTrainer));
            _host.CheckValue(options, nameof(options));
            _options = options;
        }

        /// <inheritdoc/>
        public CtrTransformer Fit(IDataView input)
        {
            _host.CheckValue(input, nameof(input));
            CheckOptions();
            CheckSchema(SchemaShape.Create(input.Schema));
            int seed = _options.Seed ?? _host.Rand.Next();
            var device = TorchDeviceResolver.Resolve(_host, _options.Device);
            using IChannel channel = _host.Start("Training");

            var watch = System.Diagnostics.Stopwatch.StartNew();
            long budget = (long)_options.CacheMemoryBudgetMegabytes << 20;
            var (featurizer, all) = CtrFeaturizer.Learn(_host, input, _options, seed, budget);
            using var cache = all;
            if (all.Rows == 0)
                throw _host.Except("The training data is empty.");
            CtrData train = all, validation = null;
            if (_options.ValidationData != null)
            {
                CheckSchema(SchemaShape.Create(_options.ValidationData.Schema));
                validation = CtrData.Read(_host, _options.ValidationData, featurizer, _options.LabelColumnName, _options.ExampleWeightColumnName, budget);
                if (validation.Rows == 0)
                    throw _host.ExceptParam(nameof(_options.ValidationData), "The validation data is empty.");
            }
            else if (_options.ValidationFraction > 0)
            {
                int[] order = Enumerable.Range(0, all.Rows).ToArray();
                new Random(seed).Shuffle(order);
                int held = (int)Math.Round(all.Rows * _options.ValidationFraction);
                if (held == 0 || held == all.Rows)
                    throw _host.ExceptParam(nameof(_options.ValidationFraction),
                        $"A validation fraction of {_options.ValidationFraction} of {all.Rows} rows leaves no {(held == 0 ? "validation" : "training")} rows.");
                validation = all.Subset(order[..held]);
                train = all.Subset(order[held..]);
            }
            channel.Info($"Featurized {all.Rows} rows in {watch.Elapsed.TotalSeconds:F1} s" + (all.OnDisk ? ", cached in a memory-mapped temporary file." : "."));
            if (train.Labels.Distinct().Count() < 2)
                throw _host.Except($"Label column '{_options.LabelColumnName}' has a single class in the training rows; a click model needs both.");

            CtrNetworkSpec spec = NetworkSpec(_options, featurizer);
            channel.Info($"{_options.Model}: {train.Rows} training rows, {validation?.Rows ?? 0} validation rows, {featurizer.FieldCount} id fields " +
                $"({featurizer.PadId} ids), {featurizer.NumericCount} numeric fields, on {device}.");
            CtrNetwork network = CtrTrainingLoop.Train(spec, train, validation, _options, device, seed, _host, channel);
            if (_options.ValidationData != null)
                validation.Dispose();
            return new CtrTransformer(_host, featurizer, network, device);
        }

        /// <summary>The network the options describe, over the featurizer's fields and ids.</summary>
        internal static CtrNetworkSpec NetworkSpec(Options options, CtrFeaturizer featurizer)
            => new CtrNetworkSpec(options.Model, featurizer.PadId, featurizer.FieldWidths, featurizer.NumericCount, options.EmbeddingDimension,
                options.HiddenLayers, options.Dropout, options.BatchNorm, options.CrossLayers, options.AttentionLayers, options.AttentionHeads);

        /// <inheritdoc/>
        public SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            _host.CheckValue(inputSchema, nameof(inputSchema));
            CheckOptions();
            CheckSchema(inputSchema);
            var columns = inputSchema.ToDictionary(c => c.Name);
            foreach (DataViewSchema.DetachedColumn output in CtrTransformer.OutputColumns())
                columns[output.Name] = new SchemaShape.Column(output.Name, SchemaShape.Column.VectorKind.Scalar, output.Type, false, SchemaShape.Create(output.Annotations.Schema));
            return new SchemaShape(columns.Values);
        }

        private void CheckSchema(SchemaShape schema)
        {
            if (!schema.TryFindColumn(_options.LabelColumnName, out var label))
                throw _host.ExceptSchemaMismatch(nameof(schema), "label", _options.LabelColumnName);
            if (label.Kind != SchemaShape.Column.VectorKind.Scalar || label.ItemType != BooleanDataViewType.Instance)
                throw _host.ExceptSchemaMismatch(nameof(schema), "label", _options.LabelColumnName, "Boolean (convert a 0/1 or text label first)", label.GetTypeString());
            foreach (string name in _options.CategoricalColumnNames)
            {
                if (!schema.TryFindColumn(name, out var column))
                    throw _host.ExceptSchemaMismatch(nameof(schema), "categorical", name);
                if (!(column.IsKey || ColumnReader.IsCategorical(column.ItemType)))
                    throw _host.ExceptSchemaMismatch(nameof(schema), "categorical", name, "text, key, Boolean or integer values (a vector: a multi-valued field)", column.GetTypeString());
            }
            foreach (string name in _options.NumericColumnNames)
            {
                if (!schema.TryFindColumn(name, out var column))
                    throw _host.ExceptSchemaMismatch(nameof(schema), "numeric", name);
                if (column.Kind == SchemaShape.Column.VectorKind.VariableVector || (column.ItemType != NumberDataViewType.Single && column.ItemType != NumberDataViewType.Double))
                    throw _host.ExceptSchemaMismatch(nameof(schema), "numeric", name, "a Single or Double scalar or known-size vector", column.GetTypeString());
            }
            if (_options.ExampleWeightColumnName != null)
            {
                if (!schema.TryFindColumn(_options.ExampleWeightColumnName, out var weight))
                    throw _host.ExceptSchemaMismatch(nameof(schema), "weight", _options.ExampleWeightColumnName);
                if (weight.Kind != SchemaShape.Column.VectorKind.Scalar || weight.ItemType != NumberDataViewType.Single)
                    throw _host.ExceptSchemaMismatch(nameof(schema), "weight", _options.ExampleWeightColumnName, "a scalar Single column", weight.GetTypeString());
            }
        }

        private void CheckOptions()
        {
            if (string.IsNullOrWhiteSpace(_options.LabelColumnName))
                throw _host.ExceptParam(nameof(_options.LabelColumnName), "A label column name is required.");
            if (_options.CategoricalColumnNames.Length + _options.NumericColumnNames.Length == 0)
                throw _host.ExceptParam(nameof(_options.CategoricalColumnNames), "Name at least one categorical or numeric column.");
            var all = _options.CategoricalColumnNames.Concat(_options.NumericColumnNames).ToArray();
            if (all.Distinct().Count() != all.Length || all.Contains(_options.LabelColumnName))
                throw _host.ExceptParam(nameof(_options.CategoricalColumnNames), "A column is listed twice, or the label is listed as a feature.");
            if (_options.EmbeddingDimension < 1 || _options.BatchSize < 1 || _options.NumberOfEpochs < 1 || _options.MinimumCategoryCount < 1
                || _options.HashBuckets < 0 || _options.NumericQuantileBins < 2 || _options.EarlyStoppingPatience < 1 || _options.MaximumValuesPerField < 1 || _options.CacheMemoryBudgetMegabytes < 0)
                throw _host.ExceptParam(nameof(_options.EmbeddingDimension),
                    "EmbeddingDimension, BatchSize, NumberOfEpochs, MinimumCategoryCount, EarlyStoppingPatience and MaximumValuesPerField must be at least 1, " +
                    "HashBuckets and CacheMemoryBudgetMegabytes at least 0, NumericQuantileBins at least 2.");
            if (_options.HiddenLayers == null || _options.HiddenLayers.Any(h => h < 1))
                throw _host.ExceptParam(nameof(_options.HiddenLayers), "HiddenLayers must list positive widths.");
            if (_options.AttentionHeads < 1 || _options.EmbeddingDimension % _options.AttentionHeads != 0)
                throw _host.ExceptParam(nameof(_options.AttentionHeads), $"AttentionHeads ({_options.AttentionHeads}) must divide EmbeddingDimension ({_options.EmbeddingDimension}).");
            if (!(_options.LearningRate > 0) || !(_options.Dropout >= 0 && _options.Dropout < 1) || !(_options.EmbeddingL2 >= 0) || !(_options.NetworkL2 >= 0)
                || !(_options.ValidationFraction >= 0 && _options.ValidationFraction < 1) || !(_options.GradientClipNorm >= 0))
                throw _host.ExceptParam(nameof(_options.LearningRate),
                    "Need LearningRate > 0, 0 <= Dropout < 1, EmbeddingL2 and NetworkL2 >= 0, 0 <= ValidationFraction < 1, GradientClipNorm >= 0.");
        }
    }
}
