using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLExt.Neural;
using MLExt.Neural.Networks;
using MLExt.Neural.Tasks;

namespace MLExt.Transforms
{
    /// <summary>
    /// Learns supervised embeddings of categorical columns: a CTR network (DeepFM by default) is trained on the label, and the fitted
    /// <see cref="LearnedEmbeddingsTransformer"/> outputs each categorical column's learned embedding, concatenated into one vector
    /// column, so LightGBM, FastTree or a linear trainer downstream reads a few dense numbers per column instead of a one-hot code.
    /// </summary>
    /// <remarks>
    /// <list type="table">
    /// <item><term>Does this estimator need to look at the data to train its parameters?</term><description>Yes</description></item>
    /// <item><term>Input columns</term><description>A label (Boolean: binary; a key: multiclass; Single: regression); categorical columns of text, key, Boolean or integer values (a vector column is a multi-valued field, its embeddings summed); optional Single or Double numeric columns the network also reads</description></item>
    /// <item><term>Output columns</term><description>One known-size vector of Single: per categorical column its value's first-order weight (slot "Column.w", unless IncludeFirstOrderWeights is off) and EmbeddingDimension embedding numbers (slots "Column.k")</description></item>
    /// <item><term>Required NuGet in addition to Microsoft.ML</term><description>MLExt.Estimators and a TorchSharp backend (TorchSharp-cpu, or TorchSharp-cuda-linux / -windows)</description></item>
    /// </list>
    /// Values unseen in training, rarer than the minimum count, or missing get their column's out-of-vocabulary embedding. The
    /// embedding tables may be compressed (<see cref="NeuralTrainerOptions.EmbeddingCompression"/>).
    /// </remarks>
    public sealed class LearnEmbeddingsEstimator : IEstimator<LearnedEmbeddingsTransformer>
    {
        private readonly IHost _host;
        private readonly LearnEmbeddingsOptions _options;

        internal LearnEmbeddingsEstimator(IHostEnvironment env, LearnEmbeddingsOptions options)
        {
            _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(LearnEmbeddingsEstimator));
            _host.CheckValue(options, nameof(options));
            _options = options;
        }

        /// <inheritdoc/>
        public LearnedEmbeddingsTransformer Fit(IDataView input)
        {
            _host.CheckValue(input, nameof(input));
            _options.Check(_host);
            NeuralTask task = TaskOf(SchemaShape.Create(input.Schema));
            if (task is MulticlassClassificationTask)
                task = MulticlassClassificationTask.For(input.Schema[_options.LabelColumnName]);
            var trained = NeuralFit.Train(_host, input, _options, task, $"Embeddings learned in {_options.Model}",
                featurizer => NetworkSpec.Of(_options.Model, task.Outputs, featurizer, _options));
            return new LearnedEmbeddingsTransformer(_host, trained.Featurizer, trained.Network, trained.Device, _options.OutputColumnName, _options.IncludeFirstOrderWeights);
        }

        /// <inheritdoc/>
        public SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            _host.CheckValue(inputSchema, nameof(inputSchema));
            _options.Check(_host);
            NeuralFit.CheckSchema(_host, inputSchema, _options, TaskOf(inputSchema));
            var columns = inputSchema.ToDictionary(c => c.Name);
            columns[_options.OutputColumnName] = new SchemaShape.Column(_options.OutputColumnName, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false,
                SchemaShape.Create(LearnedEmbeddingsTransformer.SlotNamesSchema()));
            return new SchemaShape(columns.Values);
        }

        // The task the label's type asks for: Boolean binary, a key multiclass, a number regression.
        private NeuralTask TaskOf(SchemaShape schema)
        {
            if (!schema.TryFindColumn(_options.LabelColumnName, out var label))
                throw _host.ExceptSchemaMismatch(nameof(schema), "label", _options.LabelColumnName);
            if (label.IsKey)
                return MulticlassClassificationTask.ForShape(null);
            return label.ItemType == BooleanDataViewType.Instance ? NeuralTask.Binary : NeuralTask.Regression;
        }
    }
}
