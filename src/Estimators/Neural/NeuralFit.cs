using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLExt.Devices;
using MLExt.Neural.Compression;
using MLExt.Neural.Featurization;
using MLExt.Neural.Gates;
using MLExt.Neural.Networks;
using MLExt.Neural.Tasks;
using MLExt.Neural.Training;

namespace MLExt.Neural
{
    /// <summary>
    /// The steps every neural estimator's <c>Fit</c> shares: check the schema, featurize the data once into the training cache
    /// (and the validation data or split), choose the unset batch size, epochs and patience from the rows, and train the network
    /// with the options' regularizers as hooks.
    /// </summary>
    internal static class NeuralFit
    {
        /// <summary>A trained network and what scoring needs with it; <c>Values</c> and <c>KeptValues</c> count the gated values (ids
        /// and standardized numeric fields) before and after a gate search, both 0 without one.</summary>
        public sealed record Result(NeuralFeaturizer Featurizer, NeuralNetwork Network, NeuralTask Task, TorchSharp.torch.Device Device,
            IReadOnlyList<FieldExit> FieldExits, int Values = 0, int KeptValues = 0);

        /// <summary>
        /// Featurizes the data and trains the network the options describe. With <paramref name="gates"/>, an OptFS gate search comes
        /// first; the featurizer and the cache are then restricted to the kept values and the network, rewound to the search's rewind
        /// epoch, is retrained on them.
        /// </summary>
        public static Result Train(IHost host, IDataView input, NeuralTrainerOptions options, NeuralTask task, string modelName,
            Func<NeuralFeaturizer, NetworkSpec> network, IEnumerable<TrainingHook> extraHooks = null, GateSearchSettings gates = null)
        {
            using PreparedFit fit = Prepare(host, input, options, task, modelName, network);
            // Hooks keep state for one training run: the search and the retraining get their own.
            List<TrainingHook> NewHooks() => Hooks(options).Concat(extraHooks ?? Enumerable.Empty<TrainingHook>()).ToList();
            var hooks = NewHooks();
            NetworkSpec spec = fit.Spec;
            GateSearchOutcome searched = null;
            int values = 0, kept = 0;
            Action<NeuralNetwork> start = null;
            try
            {
                if (gates != null)
                {
                    searched = GateSearch.Run(spec, fit.Task, fit.Train, fit.Validation, options, gates, fit.Sizes, hooks, fit.Device, fit.Seed, host, fit.Channel);
                    values = spec.IdCount + spec.NumericCount;
                    kept = GateSearch.Kept(searched.Kept, spec.IdCount);
                    long[] rowOfId = fit.Restrict(searched.Kept);
                    spec = network(fit.Featurizer);
                    hooks = NewHooks();
                    // Compressed tables have no rows to rewind full ones into: the retraining then starts afresh.
                    if (spec.Tables is null)
                    {
                        fit.Channel.Info($"Retraining on the {kept} of {values} values kept ({100.0 * kept / values:F1}%), from the weights of search epoch {gates.RewindEpoch}.");
                        start = net => GateSearch.Rewind(net, searched.Rewound, rowOfId);
                    }
                    else
                        fit.Channel.Info($"Retraining on the {kept} of {values} values kept ({100.0 * kept / values:F1}%) with compressed embedding tables, from fresh weights.");
                }
                // Quantized fields train with full tables, pruned ones with thresholded tables; both are compressed after training.
                NetworkSpec trainingSpec = PostTrainingCompression.TrainingSpec(spec);
                NeuralNetwork trained = TrainingLoop.Train(trainingSpec, fit.Task, fit.Train, fit.Validation, options, fit.Sizes, hooks,
                    fit.Device, fit.Seed, host, fit.Channel, start);
                if (!ReferenceEquals(trainingSpec, spec))
                {
                    trained = PostTrainingCompression.Apply(trained, spec, fit.Device);
                    fit.Channel.Info("Compressed the quantized and pruned fields' trained embedding tables.");
                }
                var exits = new List<FieldExit>();
                if (options.FieldGroupLassoPath > 0)
                {
                    try
                    {
                        string[] names = fit.Featurizer.FieldNames;
                        exits.AddRange(FieldLassoPath.Walk(trained, fit.Task, fit.Train, options, fit.Sizes, fit.Device, fit.Seed, host, fit.Channel)
                            .Select(exit => new FieldExit(names[exit.Field], exit.Strength)));
                    }
                    catch
                    {
                        trained.Dispose();
                        throw;
                    }
                }
                return new Result(fit.Featurizer, trained, fit.Task, fit.Device, exits, values, kept);
            }
            finally
            {
                searched?.Dispose();
            }
        }

        /// <summary>
        /// Checks the schema, featurizes the data once into the training cache (and the validation data or split), adapts the task
        /// to the labels, and chooses the unset batch size, epochs and patience from the rows.
        /// </summary>
        public static PreparedFit Prepare(IHost host, IDataView input, NeuralTrainerOptions options, NeuralTask task, string modelName, Func<NeuralFeaturizer, NetworkSpec> network)
        {
            host.CheckValue(input, nameof(input));
            CheckSchema(host, SchemaShape.Create(input.Schema), options, task);
            if (options.EarlyLearningRegularization > 0 && !task.HasClasses)
                throw host.ExceptParam(nameof(options.EarlyLearningRegularization), "Early-learning regularization averages class probabilities: it needs a classification task, not regression.");
            int seed = options.Seed ?? host.Rand.Next();
            // A CUDA request is checked before the data is read (it fails fast); the CPU is resolved in the background, so loading
            // libtorch on its first use in the process overlaps featurizing instead of preceding it.
            Task<TorchSharp.torch.Device> resolving = TorchDeviceResolver.AsksForCuda(host, options.Device)
                ? Task.FromResult(TorchDeviceResolver.Resolve(host, options.Device))
                : Task.Run(() => TorchDeviceResolver.Resolve(host, options.Device));
            IChannel channel = host.Start("Training");
            FeaturizedRows all = null, validation = null;
            try
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                long budget = (long)options.CacheMemoryBudgetMegabytes << 20;
                (NeuralFeaturizer featurizer, all) = NeuralFeaturizer.Learn(host, input, options, task, seed, budget);
                if (all.Rows == 0)
                    throw host.Except("The training data is empty.");
                FeaturizedRows train = all;
                bool ownsValidation = options.ValidationData != null;
                if (ownsValidation)
                {
                    CheckSchema(host, SchemaShape.Create(options.ValidationData.Schema), options, task);
                    validation = FeaturizedRows.Read(host, options.ValidationData, featurizer, task, options.LabelColumnName, options.ExampleWeightColumnName, budget);
                    if (validation.Rows == 0)
                        throw host.ExceptParam(nameof(options.ValidationData), "The validation data is empty.");
                }
                else if (options.ValidationFraction > 0)
                {
                    int[] order = Enumerable.Range(0, all.Rows).ToArray();
                    new Random(seed).Shuffle(order);
                    int held = (int)Math.Round(all.Rows * options.ValidationFraction);
                    if (held == 0 || held == all.Rows)
                        throw host.ExceptParam(nameof(options.ValidationFraction),
                            $"A validation fraction of {options.ValidationFraction} of {all.Rows} rows leaves no {(held == 0 ? "validation" : "training")} rows.");
                    validation = all.Subset(order[..held]);
                    train = all.Subset(order[held..]);
                }
                channel.Info($"Featurized {all.Rows} rows in {watch.Elapsed.TotalSeconds:F1} s" + (all.OnDisk ? ", cached in a memory-mapped temporary file." : "."));
                task.CheckLabels(train.Labels, options.LabelColumnName, host);
                task = task.Adapt(train.Labels, train.Weights);

                int fields = featurizer.FieldCount + featurizer.NumericCount;
                if (options.SparseFieldCount > fields)
                    throw host.ExceptParam(nameof(options.SparseFieldCount), $"SparseFieldCount ({options.SparseFieldCount}) is more than the {fields} input fields.");
                NetworkSpec spec = network(featurizer);
                TrainingDefaults sizes = TrainingDefaults.For(train.Rows, options);
                var device = resolving.GetAwaiter().GetResult();
                channel.Info($"{modelName}: {train.Rows} training rows, {validation?.Rows ?? 0} validation rows, {featurizer.FieldCount} id fields " +
                    $"({featurizer.PadId} ids), {featurizer.NumericCount} numeric fields, on {device}; batch {sizes.BatchSize}, up to {sizes.NumberOfEpochs} epochs, " +
                    $"patience {sizes.EarlyStoppingPatience}" + (options.BatchSize > 0 && options.NumberOfEpochs > 0 && options.EarlyStoppingPatience > 0 ? "." : " (unset ones chosen from the training rows)."));
                return new PreparedFit(featurizer, all, train, validation, ownsValidation, task, spec, sizes, device, seed, channel);
            }
            catch
            {
                if (options.ValidationData != null)
                    validation?.Dispose();
                all?.Dispose();
                channel.Dispose();
                throw;
            }
        }

        /// <summary>The options' regularizers, as training hooks.</summary>
        public static IEnumerable<TrainingHook> Hooks(NeuralTrainerOptions options)
        {
            if (options.EmbeddingL2 > 0)
                yield return new EmbeddingL2(options.EmbeddingL2);
            if (options.NetworkL2 > 0)
                yield return new NetworkL2(options.NetworkL2);
            if (options.FieldGroupLasso > 0)
                yield return options.FieldGroupLassoHierarchy > 0
                    ? new HierarchicalFieldGroupLasso(options.FieldGroupLasso, options.FieldGroupLassoHierarchy)
                    : new FieldGroupLasso(options.FieldGroupLasso);
            if (options.SparseFieldCount > 0)
                yield return new SparseFieldCount(options.SparseFieldCount, options.SparseFieldStrength);
            if (options.Polarization > 0)
                yield return new Polarization(options.Polarization, options.PolarizationSkew);
            if (options.EarlyLearningRegularization > 0)
                yield return new EarlyLearningRegularization(options.EarlyLearningRegularization, options.EarlyLearningMomentum);
        }

        /// <summary>The input schema checked against the options and the task, naming the offending column.</summary>
        public static void CheckSchema(IExceptionContext ectx, SchemaShape schema, NeuralTrainerOptions options, NeuralTask task)
        {
            if (!schema.TryFindColumn(options.LabelColumnName, out var label))
                throw ectx.ExceptSchemaMismatch(nameof(schema), "label", options.LabelColumnName);
            if (label.Kind != SchemaShape.Column.VectorKind.Scalar || !(label.IsKey ? task.AcceptsKey : task.Accepts(label.ItemType)))
                throw ectx.ExceptSchemaMismatch(nameof(schema), "label", options.LabelColumnName, task.LabelDescription, label.GetTypeString());
            foreach (string name in options.CategoricalColumnNames)
            {
                if (!schema.TryFindColumn(name, out var column))
                    throw ectx.ExceptSchemaMismatch(nameof(schema), "categorical", name);
                if (!(column.IsKey || ColumnReader.IsCategorical(column.ItemType)))
                    throw ectx.ExceptSchemaMismatch(nameof(schema), "categorical", name, "text, key, Boolean or integer values (a vector: a multi-valued field)", column.GetTypeString());
            }
            foreach (string name in options.NumericColumnNames)
            {
                if (!schema.TryFindColumn(name, out var column))
                    throw ectx.ExceptSchemaMismatch(nameof(schema), "numeric", name);
                if (column.Kind == SchemaShape.Column.VectorKind.VariableVector || (column.ItemType != NumberDataViewType.Single && column.ItemType != NumberDataViewType.Double))
                    throw ectx.ExceptSchemaMismatch(nameof(schema), "numeric", name, "a Single or Double scalar or known-size vector", column.GetTypeString());
            }
            if (options.ExampleWeightColumnName != null)
            {
                if (!schema.TryFindColumn(options.ExampleWeightColumnName, out var weight))
                    throw ectx.ExceptSchemaMismatch(nameof(schema), "weight", options.ExampleWeightColumnName);
                if (weight.Kind != SchemaShape.Column.VectorKind.Scalar || weight.ItemType != NumberDataViewType.Single)
                    throw ectx.ExceptSchemaMismatch(nameof(schema), "weight", options.ExampleWeightColumnName, "a scalar Single column", weight.GetTypeString());
            }
        }

        /// <summary>The input schema with the task's columns added (GetOutputSchema of every neural estimator).</summary>
        public static SchemaShape OutputSchema(SchemaShape inputSchema, NeuralTask task)
        {
            var columns = inputSchema.ToDictionary(c => c.Name);
            foreach (DataViewSchema.DetachedColumn output in task.OutputColumns())
            {
                var kind = output.Type is VectorDataViewType ? SchemaShape.Column.VectorKind.Vector : SchemaShape.Column.VectorKind.Scalar;
                DataViewType item = output.Type.GetItemType();
                // A schema shape names a key column by its raw type.
                DataViewType shapeItem = item is KeyDataViewType key ? ColumnTypeExtensions.PrimitiveTypeFromType(key.RawType) : item;
                columns[output.Name] = new SchemaShape.Column(output.Name, kind, shapeItem, item is KeyDataViewType, SchemaShape.Create(output.Annotations.Schema));
            }
            return new SchemaShape(columns.Values);
        }
    }
}
