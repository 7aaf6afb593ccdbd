using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLExt.Charts;
using MLExt.Transforms.OutRanking;
using MLExt.Transforms.OutRanking.Core;

namespace MLExt.Transforms
{
    /// <summary>Data-quality findings about one feature column.</summary>
    public sealed class OutRankFeatureQuality
    {
        internal OutRankFeatureQuality(string name, long cardinality, double missingFraction, double dominantValueShare, double rareValueShare, IReadOnlyList<string> flags)
        {
            Name = name;
            Cardinality = cardinality;
            MissingFraction = missingFraction;
            DominantValueShare = dominantValueShare;
            RareValueShare = rareValueShare;
            Flags = flags;
        }

        /// <summary>The column name.</summary>
        public string Name { get; }

        /// <summary>Distinct non-missing values: exact, or a HyperLogLog estimate past <see cref="OutRankOptions.MaxExactCardinality"/>
        /// (flagged "cardinality-estimated"; the rare share then counts the hashed overflow codes, so it is a lower bound).</summary>
        public long Cardinality { get; }

        /// <summary>Share of rows with a missing value.</summary>
        public double MissingFraction { get; }

        /// <summary>Share of rows holding the most frequent non-missing value.</summary>
        public double DominantValueShare { get; }

        /// <summary>Share of rows whose value occurs fewer than <see cref="OutRank.RareValueCount"/> times.</summary>
        public double RareValueShare { get; }

        /// <summary>Anomalies: "constant", "near-constant", "mostly-missing", "id-like" (almost every row its own value), and
        /// "cardinality-estimated" (more distinct values than were counted exactly).</summary>
        public IReadOnlyList<string> Flags { get; }
    }

    /// <summary>One step of the redundancy-aware (3MR) order: Score = Relevance − β·Redundancy + γ·Synergy.</summary>
    public sealed class OutRankSelectionStep
    {
        internal OutRankSelectionStep(string name, double score, double relevance, double redundancy, double synergy)
        {
            Name = name;
            Score = score;
            Relevance = relevance;
            Redundancy = redundancy;
            Synergy = synergy;
        }

        /// <summary>The feature chosen at this step.</summary>
        public string Name { get; }

        /// <summary>Its score when chosen.</summary>
        public double Score { get; }

        /// <summary>Its ranking score (information about the label).</summary>
        public double Relevance { get; }

        /// <summary>The part of its relevance taken as already covered by the features chosen before it: relevance times the largest
        /// similarity (chance-adjusted mutual information over the smaller entropy) with one of them.</summary>
        public double Redundancy { get; }

        /// <summary>Mean of what it and each earlier feature tell about the label together beyond what they tell apart (gains only: a
        /// pair that seems to tell less than its parts adds 0).</summary>
        public double Synergy { get; }
    }

    /// <summary>How alike two features are, and what they tell about the label together beyond what they tell apart.</summary>
    public sealed class OutRankFeaturePair
    {
        internal OutRankFeaturePair(string first, string second, double similarity, double synergy)
        {
            First = first;
            Second = second;
            Similarity = similarity;
            Synergy = synergy;
        }

        /// <summary>One feature.</summary>
        public string First { get; }

        /// <summary>The other feature.</summary>
        public string Second { get; }

        /// <summary>Their chance-adjusted mutual information over the smaller of their two entropies: 0 unrelated, 1 one determines
        /// the other.</summary>
        public double Similarity { get; }

        /// <summary>Chance-adjusted information of the pair about the label beyond the sum of its members' (gains only, else 0).</summary>
        public double Synergy { get; }
    }

    /// <summary>A combination of features scored against the label as one feature.</summary>
    public sealed class OutRankInteraction
    {
        internal OutRankInteraction(IReadOnlyList<string> features, double score, double mutualInformation, double gain)
        {
            Features = features;
            Score = score;
            MutualInformation = mutualInformation;
            Gain = gain;
        }

        /// <summary>The features combined.</summary>
        public IReadOnlyList<string> Features { get; }

        /// <summary>Chance-adjusted mutual information of the combination with the label.</summary>
        public double Score { get; }

        /// <summary>Plain mutual information of the combination with the label.</summary>
        public double MutualInformation { get; }

        /// <summary>Score minus the best member's score: what the combination adds beyond its strongest part.</summary>
        public double Gain { get; }
    }

    /// <summary>What <see cref="OutRank.Analyze"/> found: the ranking, the redundancy-aware order with the feature-feature
    /// similarities, the interactions and the data-quality section.</summary>
    public sealed class OutRankReport
    {
        internal OutRankReport(long rowCount, OutRankOptions options, IReadOnlyList<OutRankFeatureScore> ranking,
            IReadOnlyList<OutRankSelectionStep> redundancyAwareOrder, IReadOnlyList<OutRankFeaturePair> featureSimilarities,
            IReadOnlyList<OutRankInteraction> interactions, IReadOnlyList<OutRankFeatureQuality> quality)
        {
            FeatureSimilarities = featureSimilarities;
            Interactions = interactions;
            RowCount = rowCount;
            Heuristic = options.Heuristic;
            RedundancyWeight = options.RedundancyWeight;
            SynergyWeight = options.SynergyWeight;
            Ranking = ranking;
            RedundancyAwareOrder = redundancyAwareOrder;
            Quality = quality;
        }

        /// <summary>Scored feature combinations, best first; empty unless <see cref="OutRankOptions.InteractionOrder"/> was set.</summary>
        public IReadOnlyList<OutRankInteraction> Interactions { get; }

        /// <summary>β of the redundancy-aware order.</summary>
        public double RedundancyWeight { get; }

        /// <summary>γ of the redundancy-aware order.</summary>
        public double SynergyWeight { get; }

        /// <summary>The features in the order the redundancy-aware rule picks them; empty unless
        /// <see cref="OutRankOptions.RedundancyAwareSelection"/> was set.</summary>
        public IReadOnlyList<OutRankSelectionStep> RedundancyAwareOrder { get; }

        /// <summary>Every pair of ranked features, most similar first; empty unless <see cref="OutRankOptions.RedundancyAwareSelection"/>
        /// was set.</summary>
        public IReadOnlyList<OutRankFeaturePair> FeatureSimilarities { get; }

        /// <summary>Rows read.</summary>
        public long RowCount { get; }

        /// <summary>The heuristic the ranking used.</summary>
        public OutRankHeuristic Heuristic { get; }

        /// <summary>Every feature, best first.</summary>
        public IReadOnlyList<OutRankFeatureScore> Ranking { get; }

        /// <summary>Data quality per feature, in ranking order.</summary>
        public IReadOnlyList<OutRankFeatureQuality> Quality { get; }

        /// <summary>Writes the ranking with its quality columns as tab-separated text.</summary>
        public void WriteTsv(string path)
        {
            var text = new StringBuilder("rank\tfeature\tscore\tmutual_information\tbaseline\tcardinality\tmissing_fraction\tdominant_share\trare_share\tflags\n");
            for (int i = 0; i < Ranking.Count; i++)
            {
                OutRankFeatureScore s = Ranking[i];
                OutRankFeatureQuality q = Quality[i];
                text.Append(string.Join("\t", (i + 1).ToString(CultureInfo.InvariantCulture), s.Name, Number(s.Score), Number(s.MutualInformation),
                    Number(s.Baseline), s.Cardinality.ToString(CultureInfo.InvariantCulture), Number(s.MissingFraction), Number(q.DominantValueShare),
                    Number(q.RareValueShare), string.Join(",", q.Flags))).Append('\n');
            }
            File.WriteAllText(path, text.ToString());
        }

        /// <summary>Writes the whole report as JSON.</summary>
        public void WriteJson(string path)
        {
            var document = new
            {
                rows = RowCount,
                heuristic = Heuristic.ToString(),
                redundancyWeight = RedundancyWeight,
                synergyWeight = SynergyWeight,
                redundancyAwareOrder = RedundancyAwareOrder.Select((s, i) => new
                {
                    step = i + 1, feature = s.Name, score = s.Score, relevance = s.Relevance, redundancy = s.Redundancy, synergy = s.Synergy,
                }),
                ranking = Ranking.Select((s, i) => new
                {
                    rank = i + 1, feature = s.Name, score = s.Score, mutualInformation = s.MutualInformation, baseline = s.Baseline,
                    cardinality = s.Cardinality, missingFraction = s.MissingFraction,
                }),
                featureSimilarities = FeatureSimilarities.Select(p => new { first = p.First, second = p.Second, similarity = p.Similarity, synergy = p.Synergy }),
                interactions = Interactions.Select(x => new { features = x.Features, score = x.Score, mutualInformation = x.MutualInformation, gain = x.Gain }),
                quality = Quality.Select(q => new
                {
                    feature = q.Name, cardinality = q.Cardinality, missingFraction = q.MissingFraction,
                    dominantValueShare = q.DominantValueShare, rareValueShare = q.RareValueShare, flags = q.Flags,
                }),
            };
            File.WriteAllText(path, JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }));
        }

        /// <summary>Writes a PNG bar chart of the best <paramref name="maxFeatures"/> features' scores, best at the top.</summary>
        public void WriteChart(string path, int maxFeatures = 30)
        {
            if (maxFeatures < 1)
                throw new ArgumentOutOfRangeException(nameof(maxFeatures), $"The chart needs at least one feature; maxFeatures is {maxFeatures}.");
            var bars = Ranking.Take(maxFeatures).Select(s => (s.Name, s.Score)).ToArray();
            string shown = Ranking.Count > bars.Length ? $"top {bars.Length} of {Ranking.Count}" : $"{Ranking.Count}";
            BarChart.Draw($"OutRank {Heuristic} score, {shown} features, {RowCount} rows", bars).SavePng(path);
        }

        private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>OutRank without a pipeline: rank the features of a data view and report on their quality.</summary>
    public static class OutRank
    {
        /// <summary>A value seen fewer times than this is rare.</summary>
        public const int RareValueCount = 5;

        private const double NearConstantShare = 0.99;
        private const double MostlyMissingShare = 0.5;
        private const double IdLikeShare = 0.5;

        /// <summary>Ranks <see cref="OutRankOptions.FeatureColumnNames"/> against the label and reports on each column's data quality.</summary>
        public static OutRankReport Analyze(MLContext mlContext, IDataView data, OutRankOptions options)
        {
            Contracts.CheckValue(mlContext, nameof(mlContext));
            IHost host = ((IHostEnvironment)mlContext).Register(nameof(OutRank));
            host.CheckValue(data, nameof(data));
            int seed = options?.Seed ?? host.Rand.Next();
            OutRankRanker.Counts counts = OutRankRanker.Count(host, data, options, seed);
            IReadOnlyList<OutRankFeatureScore> ranking = OutRankRanker.Score(counts, options.Heuristic, seed);
            string[] names = counts.Names;
            var quality = ranking.Select(s =>
            {
                int j = Array.IndexOf(names, s.Name);
                return Quality(s, counts.Tables[j], counts.Rows, estimated: counts.EstimatedCardinalities[j] != null);
            }).ToArray();
            // Row codes exist only when a pass over rows was asked for; both uses below share one copy.
            int[][] codes = counts.RowCodes?.Select(c => c.ToArray()).ToArray();
            var (order, similarities) = options.RedundancyAwareSelection
                ? OutRankRanker.RedundancyAware(counts, codes, ranking, options, names.Length)
                : (Array.Empty<OutRankSelectionStep>(), Array.Empty<OutRankFeaturePair>());
            var interactions = Array.Empty<OutRankInteraction>();
            if (options.InteractionOrder > 0)
            {
                int[] candidates = ranking.Take(options.InteractionCandidates).Select(s => Array.IndexOf(names, s.Name)).ToArray();
                var byName = ranking.ToDictionary(s => s.Name, s => s.Score);
                interactions = OutRanking.Core.Interactions.Score(codes, counts.LabelCodes, candidates, options.InteractionOrder, options.InteractionHashBits)
                    .Select(x =>
                    {
                        string[] members = x.Members.Select(m => names[m]).ToArray();
                        return new OutRankInteraction(members, x.Score, x.MutualInformation, x.Score - members.Max(m => byName[m]));
                    }).ToArray();
            }
            return new OutRankReport(counts.Rows, options, ranking, order, similarities, interactions, quality);
        }

        private static OutRankFeatureQuality Quality(OutRankFeatureScore score, ContingencyTable table, long rows, bool estimated)
        {
            var values = table.FeatureTotals.Where(t => t.Code != 0).Select(t => t.Count).ToArray();
            double missing = table.FeatureCount(0) / (double)rows;
            double dominant = values.Length == 0 ? 0 : values.Max() / (double)rows;
            double rare = values.Where(c => c < RareValueCount).Sum() / (double)rows;
            var flags = new List<string>();
            if (score.Cardinality <= 1)
                flags.Add("constant");
            else if (dominant >= NearConstantShare)
                flags.Add("near-constant");
            if (missing >= MostlyMissingShare)
                flags.Add("mostly-missing");
            if (score.Cardinality >= IdLikeShare * rows && rows >= 2 * RareValueCount)
                flags.Add("id-like");
            if (estimated)
                flags.Add("cardinality-estimated");
            return new OutRankFeatureQuality(score.Name, score.Cardinality, missing, dominant, rare, flags);
        }
    }
}
