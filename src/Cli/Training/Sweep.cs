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
        /// <summary>Trained on all the sweep's training rows and scored on the validation rows.</summary>
        Finished,

        /// <summary>Trained on a quarter of the rows, scored below the median of the trials before it there, and not trained further.</summary>
        StoppedEarly,

        /// <summary>Still training when the time budget ran out.</summary>
        StoppedAtBudget,

        /// <summary>The trainer threw (a setting it cannot train with, say); the message says why.</summary>
        Failed,
    }

    /// <summary>One trial of the sweep, as the leaderboard shows it.</summary>
    internal sealed record Trial(int Number, TrainerCandidate Candidate, IReadOnlyList<double> Point, string Settings, TrialOutcome Outcome,
        double Metric, TimeSpan Duration, string Failure, ITransformer Model);

    /// <summary>
    /// A seeded random search over the candidates' declared search spaces within a time budget. Each candidate's defaults are
    /// tried first, then random points of each space in turn. Poor trials stop early (successive halving's first rung): every
    /// trial is first trained on a random quarter of the training rows, and a trial of a random point that scores there below
    /// the median of the trials before it stops; the others go on to all the rows. A trial still running when the budget is
    /// spent is cancelled through its MLContext.
    /// </summary>
    internal sealed class Sweep
    {
        // A trial is not started with less time than this left: it could not finish.
        private static readonly TimeSpan ShortestTrial = TimeSpan.FromMilliseconds(200);

        // Below this many training rows a quarter is too few to judge a trial by: every trial trains on all of them.
        private const long FewestRowsForFirstRung = 2000;

        private readonly IReadOnlyList<TrainerCandidate> _candidates;
        private readonly TrialData _data;
        private readonly IDataView _train;
        private readonly IDataView _quarter;
        private readonly IDataView _validation;
        private readonly List<double> _firstRungMetrics = new();

        public Sweep(MLContext mlContext, IReadOnlyList<TrainerCandidate> candidates, TrialData data, IDataView train, long trainRows, IDataView validation)
        {
            _candidates = candidates;
            _data = data;
            _train = train;
            _validation = validation;
            _quarter = trainRows >= FewestRowsForFirstRung
                ? mlContext.Data.Cache(mlContext.Data.TrainTestSplit(train, testFraction: 0.75, seed: data.Seed).TrainSet)
                : null;
        }

        /// <summary>
        /// Runs trials until <paramref name="deadline"/> (on <paramref name="clock"/>) less the time <paramref name="reserve"/>
        /// asks to keep for after the sweep (given the best trial so far; null when none has finished).
        /// </summary>
        /// <param name="finished">Called after each trial, for the live leaderboard.</param>
        public List<Trial> Run(Stopwatch clock, TimeSpan deadline, Func<Trial, TimeSpan> reserve, Action<Trial> finished)
        {
            var random = new Random(_data.Seed);
            var trials = new List<Trial>();
            for (int round = 0; ; round++)
            {
                foreach (TrainerCandidate candidate in _candidates)
                {
                    Trial best = Best(trials);
                    TimeSpan left = deadline - clock.Elapsed - (best == null ? TimeSpan.Zero : reserve(best));
                    if (left < ShortestTrial)
                        return trials;
                    double[] point = round == 0 ? null : Enumerable.Range(0, candidate.Dimension).Select(_ => random.NextDouble()).ToArray();
                    Trial trial = RunTrial(trials.Count + 1, candidate, point, left);
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

        private Trial RunTrial(int number, TrainerCandidate candidate, double[] point, TimeSpan limit)
        {
            var clock = Stopwatch.StartNew();
            string settings = point == null ? "defaults" : "";
            try
            {
                if (_quarter != null)
                {
                    double first = Score(Train(candidate, point, _quarter, _validation, limit, out settings));
                    bool goOn = point == null || _firstRungMetrics.Count < 2 || first >= Median(_firstRungMetrics);
                    _firstRungMetrics.Add(first);
                    if (!goOn)
                        return new Trial(number, candidate, point, settings, TrialOutcome.StoppedEarly, first, clock.Elapsed, null, null);
                }
                ITransformer model = Train(candidate, point, _train, _validation, limit - clock.Elapsed, out settings);
                return new Trial(number, candidate, point, settings, TrialOutcome.Finished, Score(model), clock.Elapsed, null, model);
            }
            catch (Exception e) when (clock.Elapsed >= limit || e is OperationCanceledException)
            {
                return new Trial(number, candidate, point, settings, TrialOutcome.StoppedAtBudget, double.NaN, clock.Elapsed, null, null);
            }
            catch (Exception e) when (e is InvalidOperationException || e is ArgumentException || e is FormatException || e is NotSupportedException)
            {
                return new Trial(number, candidate, point, settings, TrialOutcome.Failed, double.NaN, clock.Elapsed, e.Message, null);
            }
        }

        private double Score(ITransformer model)
        {
            double metric = TaskMetrics.Evaluate(new MLContext(_data.Seed), model.Transform(_validation), _data.Label, _data.Task).Primary;
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
