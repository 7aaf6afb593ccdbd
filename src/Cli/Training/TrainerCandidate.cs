using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.ML;
using MLExt.Cli.Commands;
using MLExt.Sweeping;

namespace MLExt.Cli.Training
{
    /// <summary>What every trial of a sweep trains on: the task, the label the trainers take and the file's feature columns.</summary>
    internal sealed record TrialData(ModelTask Task, string Label, string[] Categorical, string[] Numeric, int Seed);

    /// <summary>One trainer the sweep can run (<c>--trainer</c> names it), with the search space its options declare.</summary>
    internal abstract class TrainerCandidate
    {
        protected TrainerCandidate(string name, ModelTask[] tasks, string[] packages)
        {
            Name = name;
            Tasks = tasks;
            Packages = packages;
        }

        /// <summary>The name <c>--trainer</c> takes and the leaderboard shows.</summary>
        public string Name { get; }

        /// <summary>The tasks the trainer serves.</summary>
        public IReadOnlyList<ModelTask> Tasks { get; }

        /// <summary>The NuGet packages a program that loads the trainer's models needs beside Microsoft.ML.</summary>
        public IReadOnlyList<string> Packages { get; }

        /// <summary>Coordinates of a point of the search space.</summary>
        public abstract int Dimension { get; }

        /// <summary>
        /// Trains a whole pipeline (featurizing included) on <paramref name="train"/>: with the options' defaults when
        /// <paramref name="point"/> is null, else with the point of the unit cube applied to them. Trainers that stop early on
        /// a validation metric use <paramref name="validation"/> where it is given.
        /// </summary>
        /// <param name="settings">The swept settings, for the leaderboard.</param>
        public abstract ITransformer Fit(MLContext mlContext, TrialData data, IDataView train, IDataView validation, IReadOnlyList<double> point, out string settings);
    }

    /// <summary>A trainer whose options class <typeparamref name="TOptions"/> declares the search space.</summary>
    internal sealed class TrainerCandidate<TOptions> : TrainerCandidate where TOptions : class, new()
    {
        private readonly OptionsSearchSpace<TOptions> _space = new();
        private readonly Func<MLContext, TrialData, TOptions, IDataView, IDataView, ITransformer> _fit;

        /// <param name="fit">Sets the columns on the options and fits: (context, data, options, train, validation or null).</param>
        public TrainerCandidate(string name, ModelTask[] tasks, string[] packages, Func<MLContext, TrialData, TOptions, IDataView, IDataView, ITransformer> fit)
            : base(name, tasks, packages)
        {
            _fit = fit;
        }

        public override int Dimension => _space.Dimension;

        public override ITransformer Fit(MLContext mlContext, TrialData data, IDataView train, IDataView validation, IReadOnlyList<double> point, out string settings)
        {
            var options = new TOptions();
            if (point == null)
                settings = "defaults";
            else
            {
                _space.Apply(options, point);
                settings = string.Join(", ", _space.PropertyNames.Select(name => $"{name} {Show(typeof(TOptions).GetProperty(name).GetValue(options))}"));
            }
            return _fit(mlContext, data, options, train, validation);
        }

        private static string Show(object value) => value switch
        {
            float f => f.ToString("G3", CultureInfo.InvariantCulture),
            double d => d.ToString("G3", CultureInfo.InvariantCulture),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture),
        };
    }
}
