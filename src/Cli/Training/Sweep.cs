using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLExt.Cli.Commands;

namespace MLExt.Cli.Training
{
    /// <summary>How a trial ended.</summary>
    internal enum TrialOutcome
    {
        /// <summary>Every fit of the trial ran and was scored.</summary>
        Finished,

        /// <summary>Its first fit scored below the median of the first fits before it, and it was not trained further.</summary>
        StoppedEarly,

        /// <summary>Still training when the time budget ran out.</summary>
        StoppedAtBudget,

        /// <summary>Random settings still training after <see cref="Sweep.SlowerThanDefaults"/> times its trainer's default trial.</summary>
        StoppedSlow,

        /// <summary>The trainer threw (a setting it cannot train with, say); the message says why.</summary>
        Failed,
    }

    /// <summary>One trial of the sweep, as the leaderboard shows it.</summary>
    internal sealed record Trial(int Number, TrainerCandidate Candidate, IReadOnlyList<double> Point, string Settings, TrialOutcome Outcome,
        double Metric, TimeSpan Duration, string Failure, ITransformer Model);

    /// <summary>
    /// A seeded random search over the candidates' declared search spaces within a time budget. Each candidate's defaults are
    /// tried first, then random points of each space in turn. A trial is a few fits, each scored on rows it did not train on:
    /// below <see cref="CrossValidationBelowRows"/> training rows, the folds of a 3-fold cross-validation (the trial's metric is
    /// their mean: on a few thousand rows one validation split is too noisy to choose by); above, a random quarter of a 80/20
    /// split's training part, then all of it (the metric is the latter's). Poor trials stop early, as in successive halving's
    /// first rung: a trial of a random point whose first fit scores below the median of the first fits before it stops there.
    /// A trial still running when the budget is spent is cancelled through its MLContext, and so is a trial of random settings
    /// that takes <see cref="SlowerThanDefaults"/> times as long as its trainer's defaults did (a 25-epoch DCNv2 with 64-wide
    /// embeddings can take most of a minute's budget where the default network took seconds).
    /// </summary>
    internal sealed class Sweep
    {
        /// <summary>Below this many training rows trials are cross-validated.</summary>
        public const long CrossValidationBelowRows = 20_000;

        /// <summary>A trial of random settings is stopped after this many times its trainer's default trial's time.</summary>
        public const int SlowerThanDefaults = 4;

        private const int Folds = 3;

        // A trial is not started with less time than this left: it could not finish.
        private static readonly TimeSpan ShortestTrial = TimeSpan.FromMilliseconds(200);

        private readonly IReadOnlyList<TrainerCandidate> _candidates;
        private readonly TrialData _data;
        private readonly (IDataView Train, IDataView Validation)[] _fits;
        private readonly List<double> _firstFitMetrics = new();

        // Scores every fit; the trials' own contexts may be cancelled.
        private readonly MLContext _evaluation;

        public Sweep(MLContext mlContext, IReadOnlyList<TrainerCandidate> candidates, TrialData data, IDataView train, long trainRows)
        {
            _candidates = candidates;
            _data = data;
            _evaluation = mlContext;
            CrossValidated = trainRows < CrossValidationBelowRows;
            if (CrossValidated)
                _fits = mlContext.Data.CrossValidationSplit(train, Folds, seed: data.Seed)
                    .Select(fold => (mlContext.Data.Cache(fold.TrainSet), mlContext.Data.Cache(fold.TestSet))).ToArray();
            else
            {
                DataOperationsCatalog.TrainTestData split = mlContext.Data.TrainTestSplit(train, 0.2, seed: data.Seed + 1);
                IDataView sweepTrain = mlContext.Data.Cache(split.TrainSet), validation = mlContext.Data.Cache(split.TestSet);
                IDataView quarter = mlContext.Data.Cache(mlContext.Data.TrainTestSplit(sweepTrain, testFraction: 0.75, seed: data.Seed).TrainSet);
                _fits = new[] { (quarter, validation), (sweepTrain, validation) };
            }
        }

        /// <summary>Trials are scored by 3-fold cross-validation (else on one validation split).</summary>
        public bool CrossValidated { get; }

        /// <summary>
        /// The time a refit of a trial's settings on all the training rows takes, as a share of the trial's time: three fits on
        /// two thirds of the rows are about two refits; a quarter and then 80% of the rows about one.
        /// </summary>
        public double RefitTimeShare => CrossValidated ? 0.5 : 1.0;

        /// <summary>How trials are scored, for the console.</summary>
        public string Scoring => CrossValidated
            ? $"{Folds}-fold cross-validation of the training rows (a trial stops after its first fold when that scores below the median of the first folds before it)"
            : "fits on 80% of the training rows scored on the other 20% (a trial stops after a first fit on a quarter of that 80% when it scores below the median of the first fits before it)";

        /// <summary>
        /// Runs trials until <paramref name="deadline"/> (on <paramref name="clock"/>) less the time <paramref name="reserve"/>
        /// asks to keep for after the sweep (given the best trial so far; null when none has finished).
        /// </summary>
        /// <param name="maxTrials">Trials to run at most.</param>
        /// <param name="finished">Called after each trial, for the live leaderboard.</param>
        public List<Trial> Run(Stopwatch clock, TimeSpan deadline, Func<Trial, TimeSpan> reserve, int maxTrials, Action<Trial> finished)
        {
            var random = new Random(_data.Seed);
            var trials = new List<Trial>();
            var defaultTimes = new Dictionary<TrainerCandidate, TimeSpan>();
            for (int round = 0; ; round++)
            {
                foreach (TrainerCandidate candidate in _candidates)
                {
                    Trial best = Best(trials);
                    TimeSpan left = deadline - clock.Elapsed - (best == null ? TimeSpan.Zero : reserve(best));
                    if (left < ShortestTrial || trials.Count == maxTrials)
                        return trials;
                    double[] point = round == 0 ? null : Enumerable.Range(0, candidate.Dimension).Select(_ => random.NextDouble()).ToArray();
                    // A second more than the multiple, so that a trainer whose defaults took no time is not stopped for its start-up.
                    TimeSpan slow = point != null && defaultTimes.TryGetValue(candidate, out TimeSpan time) ? time * SlowerThanDefaults + TimeSpan.FromSeconds(1) : TimeSpan.MaxValue;
                    Trial trial = RunTrial(trials.Count + 1, candidate, point, slow < left ? slow : left, slow < left);
                    if (point == null && trial.Outcome == TrialOutcome.Finished)
                        defaultTimes[candidate] = trial.Duration;
                    trials.Add(trial);
                    finished(trial);
                }
            }
        }

        /// <summary>The finished trial with the best validation metric; null when none finished.</summary>
        public static Trial Best(IEnumerable<Trial> trials)
            => trials.Where(t => t.Outcome == TrialOutcome.Finished).OrderByDescending(t => t.Metric).ThenBy(t => t.Number).FirstOrDefault();

        /// <summary>Trains with <paramref name="point"/> (null: the defaults) on <paramref name="train"/>, cancelled after <paramref name="limit"/>.</summary>
        public ITransformer Train(TrainerCandidate candidate, IReadOnlyList<double> point, IDataView train, IDataView validation, TimeSpan limit, out string settings)
        {
            var mlContext = new MLContext(_data.Seed);
            using var timer = new Timer(_ => ((ICancelable)mlContext._env).CancelExecution(), null, limit > TimeSpan.Zero ? limit : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            return candidate.Fit(mlContext, _data, train, validation, point, out settings);
        }

        /// <param name="limitIsSlowness">The limit is the trainer's time allowance, not the budget's end.</param>
        private Trial RunTrial(int number, TrainerCandidate candidate, double[] point, TimeSpan limit, bool limitIsSlowness)
        {
            var clock = Stopwatch.StartNew();
            string settings = point == null ? "defaults" : "";
            try
            {
                var metrics = new List<double>();
                ITransformer model = null;
                foreach (var (train, validation) in _fits)
                {
                    model = Train(candidate, point, train, validation, limit - clock.Elapsed, out settings);
                    metrics.Add(Score(model, validation));
                    if (metrics.Count == 1 && _fits.Length > 1)
                    {
                        bool goOn = point == null || _firstFitMetrics.Count < 2 || metrics[0] >= Median(_firstFitMetrics);
                        _firstFitMetrics.Add(metrics[0]);
                        if (!goOn)
                            return new Trial(number, candidate, point, settings, TrialOutcome.StoppedEarly, metrics[0], clock.Elapsed, null, null);
                    }
                }
                double metric = CrossValidated ? metrics.Average() : metrics[^1];
                return new Trial(number, candidate, point, settings, TrialOutcome.Finished, metric, clock.Elapsed, null, model);
            }
            catch (Exception e) when (clock.Elapsed >= limit || e is OperationCanceledException)
            {
                return new Trial(number, candidate, point, settings, limitIsSlowness ? TrialOutcome.StoppedSlow : TrialOutcome.StoppedAtBudget, double.NaN, clock.Elapsed, null, null);
            }
            catch (Exception e) when (e is InvalidOperationException || e is ArgumentException || e is FormatException || e is NotSupportedException)
            {
                return new Trial(number, candidate, point, settings, TrialOutcome.Failed, double.NaN, clock.Elapsed, e.Message, null);
            }
        }

        private double Score(ITransformer model, IDataView validation)
        {
            double metric = TaskMetrics.Evaluate(_evaluation, model.Transform(validation), _data.Label, _data.Task).Primary;
            // A model that scores NaN (a diverged network) ranks last, not first.
            return double.IsNaN(metric) ? double.NegativeInfinity : metric;
        }

        private static double Median(List<double> values)
        {
            double[] sorted = values.OrderBy(v => v).ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        }
    }
}
