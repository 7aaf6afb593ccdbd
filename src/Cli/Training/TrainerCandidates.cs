using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;
using Microsoft.ML.Transforms;
using MLExt.Cli.Commands;
using MLExt.Neural;
using MLExt.Trainers;

namespace MLExt.Cli.Training
{
    /// <summary>
    /// The trainers <c>mlext train</c> sweeps, in the order of their first (default) trials: the quick boosted trees first, so that
    /// even a short budget has a model early, then elastic net and MLExt's neural networks.
    /// </summary>
    internal static class TrainerCandidates
    {
        // One-hot vectors of a categorical column stop at its most frequent this many values (the rest read as all zeros), so
        // an identifier-like column does not become a hundred-thousand-wide vector.
        private const int MostOneHotValues = 1000;

        private static readonly ModelTask[] AllTasks = { ModelTask.Binary, ModelTask.Multiclass, ModelTask.Regression };
        private static readonly string[] Neural = { "MLExt.Trainers", "TorchSharp-cpu (or a CUDA build)" };

        public static IReadOnlyList<TrainerCandidate> All { get; } = new TrainerCandidate[]
        {
            new TrainerCandidate<BoostedTreeSweepOptions>("lightgbm", AllTasks, new[] { "Microsoft.ML.LightGbm" }, FitLightGbm),
            new TrainerCandidate<BoostedTreeSweepOptions>("fasttree", new[] { ModelTask.Binary, ModelTask.Regression }, new[] { "Microsoft.ML.FastTree" }, FitFastTree),
            new TrainerCandidate<ElasticNetTrainer.Options>("elasticnet", new[] { ModelTask.Binary, ModelTask.Regression }, new[] { "MLExt.Trainers" }, FitElasticNet),
            new TrainerCandidate<CtrTrainer.Options>("ctr", new[] { ModelTask.Binary }, Neural, FitCtr),
            new TrainerCandidate<TabularNetTrainer.Options>("tabularnet", AllTasks, Neural, FitTabularNet),
        };

        // Categorical columns one-hot encoded, missing numbers replaced by the column's mean, all in one Features vector: what
        // ML.NET's trainers of a feature vector take.
        private static IEstimator<ITransformer> Featurizer(MLContext mlContext, TrialData data)
        {
            IEstimator<ITransformer> chain = new EstimatorChain<ITransformer>();
            foreach (string column in data.Categorical)
                chain = chain.Append(mlContext.Transforms.Categorical.OneHotEncoding(column, column, maximumNumberOfKeys: MostOneHotValues,
                    keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByOccurrence));
            if (data.Numeric.Length > 0)
                chain = chain.Append(mlContext.Transforms.ReplaceMissingValues(data.Numeric.Select(c => new InputOutputColumnPair(c, c)).ToArray()));
            return chain.Append(mlContext.Transforms.Concatenate("Features", data.Categorical.Concat(data.Numeric).ToArray()));
        }

        private static ITransformer FitFeatureTrainer(MLContext mlContext, TrialData data, IDataView train, IEstimator<ITransformer> trainer)
            => Featurizer(mlContext, data).Append(trainer).Fit(train);

        private static ITransformer FitLightGbm(MLContext mlContext, TrialData data, BoostedTreeSweepOptions sweep, IDataView train, IDataView validation)
        {
            IEstimator<ITransformer> trainer = data.Task switch
            {
                ModelTask.Binary => mlContext.BinaryClassification.Trainers.LightGbm(LightGbmOptions(new LightGbmBinaryTrainer.Options(), data, sweep)),
                ModelTask.Multiclass => mlContext.MulticlassClassification.Trainers.LightGbm(LightGbmOptions(new LightGbmMulticlassTrainer.Options(), data, sweep)),
                _ => mlContext.Regression.Trainers.LightGbm(LightGbmOptions(new LightGbmRegressionTrainer.Options(), data, sweep)),
            };
            return FitFeatureTrainer(mlContext, data, train, trainer);
        }

        // The three LightGBM options classes share these settings through a base class nested in a generic one per task, which
        // no one signature names; dynamic sets them alike.
        private static TOptions LightGbmOptions<TOptions>(TOptions options, TrialData data, BoostedTreeSweepOptions sweep)
        {
            dynamic lightGbm = options;
            lightGbm.LabelColumnName = data.Label;
            lightGbm.FeatureColumnName = "Features";
            lightGbm.Seed = data.Seed;
            if (sweep.NumberOfTrees is int trees)
                lightGbm.NumberOfIterations = trees;
            lightGbm.NumberOfLeaves = sweep.NumberOfLeaves;
            lightGbm.LearningRate = sweep.LearningRate;
            lightGbm.MinimumExampleCountPerLeaf = sweep.MinimumExampleCountPerLeaf;
            if (sweep.FeatureFraction is double fraction)
                lightGbm.Booster = new GradientBooster.Options { FeatureFraction = fraction };
            return options;
        }

        private static ITransformer FitFastTree(MLContext mlContext, TrialData data, BoostedTreeSweepOptions sweep, IDataView train, IDataView validation)
        {
            IEstimator<ITransformer> trainer = data.Task == ModelTask.Binary
                ? mlContext.BinaryClassification.Trainers.FastTree(FastTreeOptions(new FastTreeBinaryTrainer.Options(), data, sweep))
                : mlContext.Regression.Trainers.FastTree(FastTreeOptions(new FastTreeRegressionTrainer.Options(), data, sweep));
            return FitFeatureTrainer(mlContext, data, train, trainer);
        }

        private static TOptions FastTreeOptions<TOptions>(TOptions options, TrialData data, BoostedTreeSweepOptions sweep) where TOptions : TreeOptions
        {
            options.LabelColumnName = data.Label;
            options.FeatureColumnName = "Features";
            options.Seed = data.Seed;
            options.NumberOfTrees = sweep.NumberOfTrees ?? options.NumberOfTrees;
            options.NumberOfLeaves = sweep.NumberOfLeaves ?? options.NumberOfLeaves;
            options.MinimumExampleCountPerLeaf = sweep.MinimumExampleCountPerLeaf ?? options.MinimumExampleCountPerLeaf;
            options.FeatureFraction = sweep.FeatureFraction ?? options.FeatureFraction;
            if (options is BoostedTreeOptions boosted)
                boosted.LearningRate = sweep.LearningRate ?? boosted.LearningRate;
            return options;
        }

        private static ITransformer FitElasticNet(MLContext mlContext, TrialData data, ElasticNetTrainer.Options options, IDataView train, IDataView validation)
        {
            options.LabelColumnName = data.Label;
            options.FeatureColumnName = "Features";
            IEstimator<ITransformer> trainer = data.Task == ModelTask.Binary
                ? mlContext.BinaryClassification.Trainers.ElasticNet(options)
                : mlContext.Regression.Trainers.ElasticNet(options);
            return FitFeatureTrainer(mlContext, data, train, trainer);
        }

        private static ITransformer FitCtr(MLContext mlContext, TrialData data, CtrTrainer.Options options, IDataView train, IDataView validation)
            => mlContext.BinaryClassification.Trainers.Ctr(Columns(options, data, validation)).Fit(train);

        private static ITransformer FitTabularNet(MLContext mlContext, TrialData data, TabularNetTrainer.Options options, IDataView train, IDataView validation)
        {
            Columns(options, data, validation);
            IEstimator<ITransformer> trainer = data.Task switch
            {
                ModelTask.Binary => mlContext.BinaryClassification.Trainers.TabularNet(options),
                ModelTask.Multiclass => mlContext.MulticlassClassification.Trainers.TabularNet(options),
                _ => mlContext.Regression.Trainers.TabularNet(options),
            };
            return trainer.Fit(train);
        }

        // The neural trainers read the raw columns themselves, and stop early on the sweep's validation rows where given (else
        // on a share of the training rows they hold out).
        private static TOptions Columns<TOptions>(TOptions options, TrialData data, IDataView validation) where TOptions : NeuralTrainerOptions
        {
            options.LabelColumnName = data.Label;
            options.CategoricalColumnNames = data.Categorical;
            options.NumericColumnNames = data.Numeric;
            options.ValidationData = validation;
            options.Seed = data.Seed;
            return options;
        }
    }
}
