using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLExt.Devices;
using MLExt.Transforms.QuickSelecting.Core;

namespace MLExt.Transforms
{
    /// <summary>
    /// QuickSelection (Atashgahi et al., "Quick and Robust Feature Selection: the Strength of Energy-efficient Sparse Training
    /// for Autoencoders", Machine Learning 2022): unsupervised selection of the slots of a vector column whose input neurons are
    /// strongest (largest sum of absolute outgoing weights) in a sparse denoising autoencoder trained with sparse evolutionary
    /// training.
    /// </summary>
    /// <remarks>
    /// <list type="table">
    /// <item><term>Does this estimator need to look at the data to train its parameters?</term><description>Yes: the rows are read once into memory and trained on for <see cref="QuickSelectionOptions.Epochs"/> epochs</description></item>
    /// <item><term>Input column</term><description>A known-size vector of Single; no label</description></item>
    /// <item><term>Output column</term><description>A vector of Single with the chosen slots, in their original order, slot names kept</description></item>
    /// <item><term>Required NuGet in addition to Microsoft.ML</term><description>MLExt.Transforms; a TorchSharp backend package for the dense masked backend</description></item>
    /// </list>
    /// Input handling: NaN or infinite values fail the fit (replace missing values first); constant slots get strength 0 and are
    /// chosen last; at least two rows are needed. The sparse backend needs no TorchSharp native library.
    /// </remarks>
    public sealed class QuickSelectionEstimator : IEstimator<QuickSelectionTransformer>
    {
        private readonly IHost _host;
        private readonly QuickSelectionOptions _options;

        internal QuickSelectionEstimator(IHostEnvironment env, QuickSelectionOptions options)
        {
            _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(QuickSelectionEstimator));
            _host.CheckValue(options, nameof(options));
            _options = options;
        }

        /// <inheritdoc/>
        public QuickSelectionTransformer Fit(IDataView input)
        {
            _host.CheckValue(input, nameof(input));
            CheckOptions();
            int features = CheckInput(_host, input.Schema, _options.InputColumnName);
            if (_options.FeaturesToKeep > features)
                throw _host.ExceptParam(nameof(_options.FeaturesToKeep),
                    $"FeaturesToKeep is {_options.FeaturesToKeep}; column '{_options.InputColumnName}' has only {features} slots.");
            float[][] rows = ReadRows(input, features);
            bool[] constant = InputScaler.ScaleInPlace(rows, _options.Scaling);

            int seed = _options.Seed ?? _host.Rand.Next();
            var settings = new AutoencoderSettings(_options.HiddenUnits, _options.Epsilon, _options.Zeta, _options.NoiseFactor, _options.Epochs,
                _options.BatchSize, _options.LearningRate, _options.Momentum, _options.WeightDecay, _options.HiddenDropout,
                new TrainingDepartures(RankFinalWeights: _options.RankOnFinalWeights));
            var random = new Random(seed);
            var (encoder, decoder) = AutoencoderTraining.InitialLayers(features, settings, random);
            using IChannel channel = _host.Start("Training");
            using IAutoencoderBackend backend = MakeBackend(encoder, decoder, settings, channel);
            channel.Info($"QuickSelection: {rows.Length} rows x {features} slots, {settings.Hidden} hidden units, {encoder.ConnectionCount + decoder.ConnectionCount} connections, {_options.Epochs} epochs.");
            // Canceling the MLContext's execution (AutoML at a trial's time budget) stops training after the epoch.
            float[] strengths = AutoencoderTraining.Train(backend, rows, settings, random, (epoch, loss) =>
            {
                channel.Info($"Epoch {epoch + 1}/{_options.Epochs}: reconstruction loss {loss:G4} per row.");
                _host.CheckAlive();
            });
            for (int f = 0; f < features; f++)
                if (constant[f])
                    strengths[f] = 0;
            return new QuickSelectionTransformer(_host, _options.InputColumnName, _options.OutputColumnName, strengths, Strongest(strengths, _options.FeaturesToKeep));
        }

        /// <summary>The <c>count</c> strongest slots (ties to the lower slot), listed in their original order.</summary>
        internal static int[] Strongest(float[] strengths, int count)
            => Enumerable.Range(0, strengths.Length).OrderByDescending(f => strengths[f]).ThenBy(f => f).Take(count).OrderBy(f => f).ToArray();

        /// <inheritdoc/>
        public SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            _host.CheckValue(inputSchema, nameof(inputSchema));
            CheckOptions();
            if (!inputSchema.TryFindColumn(_options.InputColumnName, out var column))
                throw _host.ExceptSchemaMismatch(nameof(inputSchema), "input", _options.InputColumnName);
            if (column.Kind != SchemaShape.Column.VectorKind.Vector || column.ItemType != NumberDataViewType.Single)
                throw _host.ExceptSchemaMismatch(nameof(inputSchema), "input", _options.InputColumnName, "a known-size vector of Single", column.GetTypeString());
            var columns = inputSchema.ToDictionary(c => c.Name);
            var annotations = column.Annotations.TryFindColumn(AnnotationUtils.Kinds.SlotNames, out var slotNames)
                ? new SchemaShape(new[] { slotNames }) : new SchemaShape(Array.Empty<SchemaShape.Column>());
            columns[_options.OutputColumnName] = new SchemaShape.Column(_options.OutputColumnName, SchemaShape.Column.VectorKind.Vector,
                NumberDataViewType.Single, false, annotations);
            return new SchemaShape(columns.Values);
        }

        /// <summary>The slot count of a valid input column; throws naming the column otherwise.</summary>
        internal static int CheckInput(IExceptionContext host, DataViewSchema schema, string name)
        {
            DataViewSchema.Column? column = schema.GetColumnOrNull(name);
            if (column == null)
                throw host.ExceptSchemaMismatch(nameof(schema), "input", name);
            if (column.Value.Type is not VectorDataViewType vector || vector.ItemType != NumberDataViewType.Single || !vector.IsKnownSize)
                throw host.ExceptSchemaMismatch(nameof(schema), "input", name, "a known-size vector of Single", column.Value.Type.ToString());
            return vector.Size;
        }

        private void CheckOptions()
        {
            if (string.IsNullOrWhiteSpace(_options.InputColumnName) || string.IsNullOrWhiteSpace(_options.OutputColumnName))
                throw _host.ExceptParam(nameof(_options.InputColumnName), "Name the input and the output column.");
            if (_options.FeaturesToKeep < 1)
                throw _host.ExceptParam(nameof(_options.FeaturesToKeep), $"FeaturesToKeep is {_options.FeaturesToKeep}; it must be at least 1.");
            if (_options.HiddenUnits < 1 || _options.Epochs < 1 || _options.BatchSize < 1)
                throw _host.ExceptParam(nameof(_options.HiddenUnits), "HiddenUnits, Epochs and BatchSize must be at least 1.");
            if (!(_options.Epsilon > 0) || !(_options.Zeta >= 0 && _options.Zeta < 1) || !(_options.HiddenDropout >= 0 && _options.HiddenDropout < 1)
                || !(_options.NoiseFactor >= 0) || !(_options.LearningRate > 0) || !(_options.Momentum >= 0 && _options.Momentum < 1) || !(_options.WeightDecay >= 0))
                throw _host.ExceptParam(nameof(_options),
                    "Need Epsilon > 0, 0 <= Zeta < 1, 0 <= HiddenDropout < 1, NoiseFactor >= 0, LearningRate > 0, 0 <= Momentum < 1 and WeightDecay >= 0.");
        }

        private float[][] ReadRows(IDataView input, int features)
        {
            DataViewSchema.Column column = input.Schema[_options.InputColumnName];
            var rows = new List<float[]>();
            using DataViewRowCursor cursor = input.GetRowCursor(new[] { column });
            ValueGetter<VBuffer<float>> getter = cursor.GetGetter<VBuffer<float>>(column);
            VBuffer<float> buffer = default;
            while (cursor.MoveNext())
            {
                getter(ref buffer);
                var row = new float[features];
                buffer.CopyTo(row);
                for (int f = 0; f < features; f++)
                    if (!float.IsFinite(row[f]))
                        throw _host.Except($"Column '{_options.InputColumnName}' holds {row[f]} in slot {f} of row {cursor.Position}; QuickSelection needs finite values (replace missing values first).");
                rows.Add(row);
            }
            if (rows.Count < 2)
                throw _host.Except($"QuickSelection needs at least 2 rows to scale and train on; column '{_options.InputColumnName}' has {rows.Count}.");
            return rows.ToArray();
        }

        // The sparse CPU kernels unless a GPU is asked for; only the dense masked backend touches TorchSharp.
        private IAutoencoderBackend MakeBackend(SparseLayer encoder, SparseLayer decoder, AutoencoderSettings settings, IChannel channel)
        {
            bool deviceAsked = _options.Device != null || (_host as IHostEnvironmentInternal)?.GpuDeviceId != null;
            if (_options.Backend == QuickSelectionBackend.Sparse || (_options.Backend == QuickSelectionBackend.Auto && !deviceAsked))
                return new SparseAutoencoder(encoder, decoder, settings);
            TorchSharp.torch.Device device = TorchDeviceResolver.Resolve(_host, _options.Device);
            if (_options.Backend == QuickSelectionBackend.Auto && device.type != TorchSharp.DeviceType.CUDA)
                return new SparseAutoencoder(encoder, decoder, settings);
            channel.Info($"QuickSelection trains the dense masked network on {device}.");
            return new DenseMaskedAutoencoder(encoder, decoder, settings, device);
        }
    }
}
