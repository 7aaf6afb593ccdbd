using System.Collections.Generic;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLExt.Neural;
using MLExt.Neural.Featurization;
using MLExt.Neural.Networks;
using MLExt.Neural.Tasks;

namespace MLExt.Trainers
{
    /// <summary>
    /// A multilayer perceptron for ordinary business tables (TabularNet): categorical columns become learned embeddings and numeric
    /// columns standardized (or bucketed) inputs, all inside the trainer, then hidden layers and an output head for the task, with a
    /// first-order (linear) path beside them; trained in mini-batches with TorchSharp on the CPU or CUDA, early stopping on a
    /// validation split, and MLExt's neural regularizers.
    /// </summary>
    /// <remarks>
    /// <list type="table">
    /// <item><term>Machine learning task</term><description>Regression, multiclass classification, binary classification</description></item>
    /// <item><term>Is normalization required?</term><description>No: numeric columns are standardized or bucketed inside, and a regression label is standardized for training</description></item>
    /// <item><term>Is caching required?</term><description>No: the trainer featurizes once into a columnar cache of its own</description></item>
    /// <item><term>Input columns</term><description>A label (regression: Single; multiclass: a key, as MapValueToKey makes it; binary: Boolean); categorical columns of text, key, Boolean or integer values (vectors: multi-valued fields); Single or Double numeric columns (known-size vectors: a field per slot); an optional Single weight</description></item>
    /// <item><term>Output columns</term><description>Regression: Score. Multiclass: Score (class probabilities), PredictedLabel (a key). Binary: Score, Probability, PredictedLabel</description></item>
    /// <item><term>Required NuGet in addition to Microsoft.ML</term><description>MLExt.Trainers and a TorchSharp backend (TorchSharp-cpu, or TorchSharp-cuda-linux / -windows)</description></item>
    /// </list>
    /// Defaults are set for a few thousand to a few million rows: batch size, epochs and patience follow the number of training
    /// rows unless set. Vocabularies, numeric transforms and the label's scale are learned in <c>Fit</c> and saved with the model.
    /// </remarks>
    public sealed class TabularNetTrainer : IEstimator<TabularNetTransformer>
    {
        /// <summary>Options of <see cref="TabularNetTrainer"/>: the shared neural options with TabularNet's defaults.</summary>
        public sealed class Options : NeuralTrainerOptions
        {
            /// <summary>TabularNet's defaults: a smaller network than a click model's, for tables of thousands of rows.</summary>
            public Options()
            {
                HiddenLayers = new[] { 256, 128 };
                EmbeddingDimension = 8;
                Dropout = 0.1f;
            }
        }

        /// <summary>Which of ML.NET's tasks a trainer serves (its catalog decides).</summary>
        internal enum Task
        {
            Regression,
            Multiclass,
            Binary,
        }

        private readonly IHost _host;
        private readonly Options _options;
        private readonly Task _task;

        internal TabularNetTrainer(IHostEnvironment env, Options options, Task task)
        {
            _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(TabularNetTrainer));
            _host.CheckValue(options, nameof(options));
            _options = options;
            _task = task;
        }

        /// <inheritdoc/>
        public TabularNetTransformer Fit(IDataView input)
        {
            _host.CheckValue(input, nameof(input));
            _options.Check(_host);
            NeuralFit.CheckSchema(_host, SchemaShape.Create(input.Schema), _options, ShapeTask(SchemaShape.Create(input.Schema)));
            NeuralTask task = _task switch
            {
                Task.Regression => NeuralTask.Regression,
                Task.Binary => NeuralTask.Binary,
                _ => MulticlassClassificationTask.For(input.Schema[_options.LabelColumnName]),
            };
            // The engine's Wide & Deep network: an MLP over the field embeddings beside the first-order path, an output per class (or one).
            var trained = NeuralFit.Train(_host, input, _options, task, "TabularNet", featurizer => NetworkSpec.Of(CtrModel.WideAndDeep, task.Outputs, featurizer, _options));
            return new TabularNetTransformer(_host, trained);
        }

        /// <inheritdoc/>
        public SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            _host.CheckValue(inputSchema, nameof(inputSchema));
            _options.Check(_host);
            NeuralTask task = ShapeTask(inputSchema);
            NeuralFit.CheckSchema(_host, inputSchema, _options, task);
            return NeuralFit.OutputSchema(inputSchema, task);
        }

        // The task as far as a schema shape can say (a multiclass label's class count is not part of it).
        private NeuralTask ShapeTask(SchemaShape inputSchema) => _task switch
        {
            Task.Regression => NeuralTask.Regression,
            Task.Binary => NeuralTask.Binary,
            _ => MulticlassClassificationTask.ForShape(inputSchema.TryFindColumn(_options.LabelColumnName, out var label)
                && label.Annotations.TryFindColumn(AnnotationUtils.Kinds.KeyValues, out var values) ? values.ItemType : null),
        };
    }
}
