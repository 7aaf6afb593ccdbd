using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLExt.Neural;
using MLExt.Neural.Gates;
using MLExt.Neural.Networks;
using MLExt.Neural.Tasks;
using MLExt.Neural.Training;

namespace MLExt.Transforms
{
    /// <summary>
    /// OptFS feature-value selection (Lyu et al., "Optimizing Feature Set for Click-Through Rate Prediction", WWW 2023): a CTR
    /// backbone network is trained with a learnable gate on every value of every categorical field, the loss penalizing the sum of
    /// the gates while a rising temperature hardens them; the values whose gates stay open are kept. The fitted
    /// <see cref="OptFSTransformer"/> keeps the columns under their names and turns every dropped value into a missing one.
    /// </summary>
    /// <remarks>
    /// <list type="table">
    /// <item><term>Does this estimator need to look at the data to train its parameters?</term><description>Yes</description></item>
    /// <item><term>Input columns</term><description>A Boolean label; categorical columns of text, key, Single or Double values (or vectors of them); optional Single or Double numeric columns</description></item>
    /// <item><term>Output columns</term><description>The categorical and numeric columns, same names and types, dropped values missing (empty text, key 0, NaN)</description></item>
    /// <item><term>Required NuGet in addition to Microsoft.ML</term><description>MLExt.Transforms and a TorchSharp backend (TorchSharp-cpu, or TorchSharp-cuda-linux / -windows)</description></item>
    /// </list>
    /// Integer and Boolean columns have no missing value: convert them to text or keys first. The search trains the backbone for
    /// <see cref="GatedTrainerOptions.SearchEpochs"/> epochs and reports each epoch's temperature, kept share and validation AUC
    /// through the context's log; <c>MLContext.CancelExecution</c> stops it at the next batch.
    /// </remarks>
    public sealed class OptFSEstimator : IEstimator<OptFSTransformer>
    {
        private readonly IHost _host;
        private readonly OptFSOptions _options;

        internal OptFSEstimator(IHostEnvironment env, OptFSOptions options)
        {
            _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(OptFSEstimator));
            _host.CheckValue(options, nameof(options));
            _options = options;
        }

        /// <inheritdoc/>
        public OptFSTransformer Fit(IDataView input)
        {
            _host.CheckValue(input, nameof(input));
            _options.Check(_host);
            CheckGatedColumns(SchemaShape.Create(input.Schema));
            using PreparedFit fit = NeuralFit.Prepare(_host, input, _options, NeuralTask.Binary, $"OptFS search on {_options.Backbone}",
                featurizer => NetworkSpec.Of(_options.Backbone, NeuralTask.Binary.Outputs, featurizer, _options));
            var hooks = NeuralFit.Hooks(_options).ToList();
            using GateSearchOutcome searched = GateSearch.Run(fit.Spec, fit.Task, fit.Train, fit.Validation, _options, _options.SearchSettings, fit.Sizes, hooks,
                fit.Device, fit.Seed, _host, fit.Channel);
            return new OptFSTransformer(_host, fit.Featurizer, searched.Kept);
        }

        /// <inheritdoc/>
        public SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            _host.CheckValue(inputSchema, nameof(inputSchema));
            _options.Check(_host);
            CheckGatedColumns(inputSchema);
            return inputSchema;
        }

        // The gated columns must have a missing value to turn dropped values into.
        private void CheckGatedColumns(SchemaShape schema)
        {
            NeuralFit.CheckSchema(_host, schema, _options, NeuralTask.Binary);
            foreach (string name in _options.CategoricalColumnNames)
            {
                schema.TryFindColumn(name, out var column);
                if (!column.IsKey && !OptFSTransformer.HasMissingValue(column.ItemType))
                    throw _host.ExceptSchemaMismatch(nameof(schema), "categorical", name, "text, key, Single or Double values (integer and Boolean values have no missing value: convert them to text or keys first)", column.GetTypeString());
            }
        }
    }
}
