using System.Collections.Generic;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SearchSpace;
using MLExt.Neural;
using MLExt.Neural.Featurization;
using MLExt.Neural.Networks;
using MLExt.Neural.Tasks;

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
    /// <item><term>Exportable to ONNX</term><description>Yes, every model kind, when its fields keep vocabularies and full embedding tables (docs/onnx-export.md)</description></item>
    /// <item><term>Required NuGet in addition to Microsoft.ML</term><description>MLExt.Trainers and a TorchSharp backend (TorchSharp-cpu, or TorchSharp-cuda-linux / -windows)</description></item>
    /// </list>
    /// Vocabularies and numeric transforms are learned in <c>Fit</c> and saved with the model; values unseen in training, rarer
    /// than <see cref="NeuralTrainerOptions.MinimumCategoryCount"/>, or missing share their field's out-of-vocabulary id. NaN in a numeric
    /// column is missing: 0 after standardizing, or a category of its own when bucketed.
    /// </remarks>
    public sealed class CtrTrainer : IEstimator<CtrTransformer>
    {
        /// <summary>Options of <see cref="CtrTrainer"/>: the shared neural options and the CTR networks' own.</summary>
        public sealed class Options : GatedTrainerOptions
        {
            /// <summary>The network.</summary>
            // LogisticRegression is left out of the swept choices: it has no embeddings for the swept OptFS gates to scale.
            [Choice(new object[] { CtrModel.FM, CtrModel.FwFM, CtrModel.DeepFM, CtrModel.DCNv2, CtrModel.AutoIntPlus, CtrModel.FinalMLP, CtrModel.WideAndDeep }, CtrModel.DeepFM)]
            public CtrModel Model { get; set; } = CtrModel.DeepFM;

            /// <summary>Cross layers of DCN-V2.</summary>
            [Range(1, 6, 3)]
            public int CrossLayers { get; set; } = 3;

            /// <summary>Self-attention layers of AutoInt+.</summary>
            [Range(1, 6, 3)]
            public int AttentionLayers { get; set; } = 3;

            /// <summary>Attention heads of AutoInt+ (must divide the embedding dimension).</summary>
            public int AttentionHeads { get; set; } = 2;

            /// <summary>
            /// Feature-value selection (default: none). <see cref="CtrFeatureGates.OptFS"/> searches, rewinds and retrains inside
            /// Fit, with <see cref="GatedTrainerOptions.GateStrength"/>, <see cref="GatedTrainerOptions.FinalTemperature"/>,
            /// <see cref="GatedTrainerOptions.SearchEpochs"/> and <see cref="GatedTrainerOptions.RewindEpoch"/>; values it drops
            /// join their field's out-of-vocabulary id and the model keeps embeddings for the kept values alone (see the fitted
            /// model's KeptValueFraction). With EmbeddingCompression too, the search runs on full tables, the kept values' tables
            /// are then compressed to EmbeddingMemoryRatio of their full size, and the retraining starts from fresh weights.
            /// </summary>
            [Choice(new object[] { CtrFeatureGates.None, CtrFeatureGates.OptFS }, CtrFeatureGates.None)]
            public CtrFeatureGates FeatureGates { get; set; } = CtrFeatureGates.None;

            private protected override bool SearchesGates => FeatureGates == CtrFeatureGates.OptFS;

            internal override void Check(IExceptionContext ectx)
            {
                base.Check(ectx);
                if (Model == CtrModel.AutoIntPlus && (AttentionHeads < 1 || EmbeddingDimension % AttentionHeads != 0))
                    throw ectx.ExceptParam(nameof(AttentionHeads), $"AttentionHeads ({AttentionHeads}) must divide EmbeddingDimension ({EmbeddingDimension}).");
                bool shallow = Model is CtrModel.LogisticRegression or CtrModel.FM or CtrModel.FwFM;
                if (DropoutSamples > 1 && shallow)
                    throw ectx.ExceptParam(nameof(DropoutSamples), $"{Model} has no hidden layers for multi-sample dropout to sample; use a deep model or DropoutSamples = 1.");
                if (FieldGroupLassoHierarchy > 0 && Model != CtrModel.WideAndDeep)
                    throw ectx.ExceptParam(nameof(FieldGroupLassoHierarchy), $"The hierarchical group lasso bounds a first hidden layer that alone reads the embeddings: WideAndDeep has one, {Model} does not.");
                if (Polarization > 0 && shallow)
                    throw ectx.ExceptParam(nameof(Polarization), $"{Model} has no hidden neurons for the polarization regularizer to prune; use a deep model.");
                if (SearchesGates && Model == CtrModel.LogisticRegression)
                    throw ectx.ExceptParam(nameof(FeatureGates), "OptFS gates scale each value's embedding, and LogisticRegression has no embeddings: choose a model with embeddings (FM, DeepFM, DCNv2, ...).");
                if (SearchesGates && HashBuckets > 0)
                    throw ectx.ExceptParam(nameof(HashBuckets), "OptFS keeps or drops values of a vocabulary; a hashed field's buckets mix unrelated values: set HashBuckets to 0 with FeatureGates.");
                if (Model == CtrModel.DCNv2 && CrossLayers < 1 || Model == CtrModel.AutoIntPlus && AttentionLayers < 1)
                    throw ectx.ExceptParam(nameof(CrossLayers), "CrossLayers (DCN-V2) and AttentionLayers (AutoInt+) must be at least 1.");
            }
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
            _options.Check(_host);
            var trained = NeuralFit.Train(_host, input, _options, NeuralTask.Binary, _options.Model.ToString(), featurizer => NetworkSpec(_options, featurizer),
                gates: _options.FeatureGates == CtrFeatureGates.OptFS ? _options.SearchSettings : null);
            return new CtrTransformer(_host, trained);
        }

        /// <summary>The network the options describe, over the featurizer's fields and ids.</summary>
        internal static NetworkSpec NetworkSpec(Options options, NeuralFeaturizer featurizer)
            => Neural.Networks.NetworkSpec.Of(options.Model, NeuralTask.Binary.Outputs, featurizer, options, options.CrossLayers, options.AttentionLayers, options.AttentionHeads);

        /// <inheritdoc/>
        public SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            _host.CheckValue(inputSchema, nameof(inputSchema));
            _options.Check(_host);
            NeuralFit.CheckSchema(_host, inputSchema, _options, NeuralTask.Binary);
            return NeuralFit.OutputSchema(inputSchema, NeuralTask.Binary);
        }
    }
}
