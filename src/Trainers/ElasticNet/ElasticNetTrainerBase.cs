using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;
using MLExt.Trainers.ElasticNet;
using MLExt.Trainers.ElasticNet.Core;

namespace MLExt.Trainers
{
    /// <summary>What the binary and regression elastic-net trainers share: option checks, reading, fitting.</summary>
    public abstract class ElasticNetTrainerBase<TTransformer, TModel> : TrainerEstimatorBase<TTransformer, TModel>
        where TTransformer : ISingleFeaturePredictionTransformer<TModel>
        where TModel : ElasticNetModelParameters
    {
        private protected readonly ElasticNetTrainer.Options TrainerOptions;

        private protected ElasticNetTrainerBase(IHostEnvironment env, string name, ElasticNetTrainer.Options options, SchemaShape.Column label)
            : base(Contracts.CheckRef(env, nameof(env)).Register(name),
                TrainerUtils.MakeR4VecFeature(Contracts.CheckRef(options, nameof(options)).FeatureColumnName),
                label,
                TrainerUtils.MakeR4ScalarWeightColumn(options.ExampleWeightColumnName))
        {
            CheckOptions(Host, options);
            TrainerOptions = options;
        }

        /// <inheritdoc/>
        public override TrainerInfo Info { get; } = new TrainerInfo(normalization: false, calibration: false, caching: false);

        private protected abstract GlmFamily Family { get; }

        private protected abstract ValueGetter<double> MakeLabelGetter(DataViewRow row, DataViewSchema.Column column);

        // A getter of the label as a double, through the column's own getter.
        private protected static ValueGetter<double> ConvertingGetter<T>(DataViewRow row, DataViewSchema.Column column, Func<T, double> convert)
        {
            var getter = row.GetGetter<T>(column);
            T value = default;
            return (ref double label) =>
            {
                getter(ref value);
                label = convert(value);
            };
        }

        private protected abstract TModel CreateModel(float[] weights, float bias, double lambda, double[] lambdaPath, double[] devianceRatios,
            int[] nonZeroCounts, ElasticNetCrossValidationCurve crossValidation, int[] groups);

        private static void CheckOptions(IHost host, ElasticNetTrainer.Options options)
        {
            if (options.Lambda is double lambda && !(lambda >= 0 && !double.IsInfinity(lambda)))
                throw host.ExceptParam(nameof(options.Lambda), $"Lambda must be a finite number of 0 or more (or null to cross-validate); it is {lambda}.");
            if (!(options.Alpha >= 0 && options.Alpha <= 1))
                throw host.ExceptParam(nameof(options.Alpha), $"Alpha must be between 0 (ridge) and 1 (lasso); it is {options.Alpha}.");
            if (options.NumberOfLambdas < 1)
                throw host.ExceptParam(nameof(options.NumberOfLambdas), $"NumberOfLambdas must be at least 1; it is {options.NumberOfLambdas}.");
            if (options.LambdaMinRatio is double ratio && !(ratio > 0 && ratio < 1))
                throw host.ExceptParam(nameof(options.LambdaMinRatio), $"LambdaMinRatio must be between 0 and 1 (exclusive); it is {ratio}.");
            if (!(options.Tolerance > 0))
                throw host.ExceptParam(nameof(options.Tolerance), $"Tolerance must be positive; it is {options.Tolerance}.");
            if (options.MaximumIterations < 1)
                throw host.ExceptParam(nameof(options.MaximumIterations), $"MaximumIterations must be at least 1; it is {options.MaximumIterations}.");
            if (options.Lambda == null && options.NumberOfFolds < 3)
                throw host.ExceptParam(nameof(options.NumberOfFolds), $"Cross-validating lambda needs at least 3 folds; NumberOfFolds is {options.NumberOfFolds}.");
            if (options.PenaltyFactors != null && options.PenaltyFactors.Any(f => !(f >= 0) || double.IsInfinity(f)))
                throw host.ExceptParam(nameof(options.PenaltyFactors), "PenaltyFactors must be finite and non-negative.");
            if (options.Groups != null && options.GroupCategoricalSlots)
                throw host.ExceptParam(nameof(options.Groups), "Give either Groups or GroupCategoricalSlots, not both.");
        }

        protected override TModel TrainModelCore(TrainContext context)
        {
            RoleMappedData data = context.TrainingSet;
            data.CheckFeatureFloatVector(out int slots);
            using IChannel channel = Host.Start("Training");

            TrainingDataReader.Result table = TrainingDataReader.Read(Host, data, MakeLabelGetter);
            CheckLabels(table.Labels, data.Schema.Label.Value.Name);
            if (table.Weights.Sum() <= 0)
                throw Host.Except("Every example weight is zero.");
            int[] groups = ResolveGroups(data.Schema.Schema, data.Schema.Feature.Value, slots);
            if (TrainerOptions.PenaltyFactors != null && TrainerOptions.PenaltyFactors.Length != slots)
                throw Host.ExceptParam(nameof(TrainerOptions.PenaltyFactors),
                    $"PenaltyFactors has {TrainerOptions.PenaltyFactors.Length} entries but feature column '{data.Schema.Feature.Value.Name}' has {slots} slots.");
            CheckOneFactorPerGroup(groups);

            var problem = new GlmProblem(table.Columns, table.RowCount, table.Labels, table.Weights, Family, TrainerOptions.Alpha,
                TrainerOptions.Standardize, groups, TrainerOptions.PenaltyFactors, TrainerOptions.Tolerance, TrainerOptions.MaximumIterations);
            int seed = TrainerOptions.Seed ?? Host.Rand.Next();
            var settings = new PathSettings(TrainerOptions.Lambda, TrainerOptions.NumberOfLambdas, TrainerOptions.LambdaMinRatio,
                TrainerOptions.Lambda == null ? TrainerOptions.NumberOfFolds : 0, TrainerOptions.LambdaRule, seed);
            channel.Info($"Fitting {Family} elastic net (alpha {TrainerOptions.Alpha}) on {table.RowCount} rows x {slots} slots" +
                (groups == null ? "." : $" in {groups.Distinct().Count()} groups."));
            object progressLock = new object();
            // Canceling the MLContext's execution (AutoML at a trial's time budget) stops every path at its next lambda.
            ElasticNetSolution solution = ElasticNetFitter.Fit(problem, settings, message =>
            {
                lock (progressLock)
                    channel.Info(message);
            }, () => Host.CheckAlive());
            if (!solution.Path.Converged)
                channel.Warning($"Coordinate descent used its budget of {TrainerOptions.MaximumIterations} passes; the path stops at " +
                    $"lambda {solution.Path.Lambdas.LastOrDefault()}. Raise MaximumIterations or Tolerance.");
            if (solution.Path.Length == 0)
                throw Host.Except("No lambda converged within MaximumIterations passes.");

            PathFit path = solution.Path;
            int selected = solution.SelectedIndex;
            double[] weights = path.Coefficients[selected].ToDense(slots);
            ElasticNetCrossValidationCurve curve = solution.CrossValidation is CrossValidationCurve cv
                ? new ElasticNetCrossValidationCurve(cv.Lambdas, cv.MeanError, cv.StandardError, cv.MinimumErrorIndex, cv.OneStandardErrorIndex)
                : null;
            channel.Info($"Chose lambda {path.Lambdas[selected]:G4} ({selected + 1} of {path.Length}): " +
                $"{path.Coefficients[selected].Indices.Length} non-zero weights, deviance ratio {path.DevianceRatios[selected]:F4}.");
            return CreateModel(weights.Select(w => (float)w).ToArray(), (float)path.Intercepts[selected], path.Lambdas[selected],
                path.Lambdas, path.DevianceRatios, path.Coefficients.Select(c => c.Indices.Length).ToArray(), curve, groups);
        }

        private protected virtual void CheckLabels(double[] labels, string labelColumnName)
        {
        }

        // A group enters or leaves the model as a whole, so its slots share one penalty factor.
        private void CheckOneFactorPerGroup(int[] groups)
        {
            double[] factors = TrainerOptions.PenaltyFactors;
            if (groups == null || factors == null)
                return;
            // Each group's first slot, found in one pass: searching the groups afresh per slot is quadratic in the slots.
            var firstSlot = new Dictionary<int, int>();
            for (int j = 0; j < groups.Length; j++)
            {
                int first = firstSlot.TryAdd(groups[j], j) ? j : firstSlot[groups[j]];
                if (factors[j] != factors[first])
                    throw Host.ExceptParam(nameof(TrainerOptions.PenaltyFactors),
                        $"Slots {first} and {j} are in group {groups[j]} but have the penalty factors {factors[first]} and {factors[j]}; give a group's slots one factor.");
            }
        }

        private int[] ResolveGroups(DataViewSchema schema, DataViewSchema.Column featureColumn, int slots)
        {
            if (TrainerOptions.Groups != null)
            {
                if (TrainerOptions.Groups.Length != slots)
                    throw Host.ExceptParam(nameof(TrainerOptions.Groups),
                        $"Groups has {TrainerOptions.Groups.Length} entries but feature column '{featureColumn.Name}' has {slots} slots: give one group id per slot.");
                return TrainerOptions.Groups;
            }
            if (!TrainerOptions.GroupCategoricalSlots)
                return null;
            if (!AnnotationUtils.TryGetCategoricalFeatureIndices(schema, featureColumn.Index, out int[] ranges))
                throw Host.ExceptParam(nameof(TrainerOptions.GroupCategoricalSlots),
                    $"GroupCategoricalSlots is set but feature column '{featureColumn.Name}' has no categorical slot ranges annotation " +
                    "(one-hot encode categorical columns with mlContext.Transforms.Categorical.OneHotEncoding before concatenating).");
            // Slots outside the ranges are groups of one; each range [start, end] is one group.
            int[] groups = Enumerable.Range(0, slots).ToArray();
            for (int r = 0; r < ranges.Length; r += 2)
            {
                for (int slot = ranges[r]; slot <= ranges[r + 1]; slot++)
                    groups[slot] = ranges[r];
            }
            return groups;
        }
    }
}
