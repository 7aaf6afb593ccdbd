using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLExt.Transforms.OutRanking.Core;
using MLExt.Data;
using MLExt.Hashing;
using MLExt.Threading;

namespace MLExt.Transforms.OutRanking
{
    /// <summary>Reads an <see cref="IDataView"/> into per-feature count tables and ranks the features against the label.</summary>
    internal static class OutRankRanker
    {
        private const int NumericSampleSize = 100_000;

        /// <summary>Checks the columns by shape, as GetOutputSchema does; throws naming the offending column.</summary>
        public static void CheckShape(IHost host, SchemaShape schema, OutRankOptions options)
        {
            CheckNames(host, options);
            if (!schema.TryFindColumn(options.LabelColumnName, out var label))
                throw host.ExceptSchemaMismatch(nameof(options.LabelColumnName), "label", options.LabelColumnName);
            if (label.Kind != SchemaShape.Column.VectorKind.Scalar || !ColumnEncoder.Supports(label))
                throw host.ExceptSchemaMismatch(nameof(options.LabelColumnName), "label", options.LabelColumnName,
                    "a scalar Boolean, key, text or numeric column", label.GetTypeString());
            bool allScalar = true;
            foreach (string name in options.FeatureColumnNames)
            {
                if (!schema.TryFindColumn(name, out var feature))
                    throw host.ExceptSchemaMismatch(nameof(options.FeatureColumnNames), "feature", name);
                if (!ColumnEncoder.Supports(feature))
                    throw host.ExceptSchemaMismatch(nameof(options.FeatureColumnNames), "feature", name,
                        "a scalar or known-size vector of text, key, Boolean or numeric values", feature.GetTypeString());
                allScalar &= feature.Kind == SchemaShape.Column.VectorKind.Scalar;
            }
            // Vector sizes are unknown in a shape; with vectors the bound is checked when the data is read.
            if (allScalar)
                CheckFeaturesToKeep(host, options, options.FeatureColumnNames.Length);
        }

        /// <summary>What one counting pass learned: a table per feature against the label (and the row codes when a
        /// row-based heuristic needs them), and per feature the sketched number of distinct values when there were more than
        /// <see cref="OutRankOptions.MaxExactCardinality"/> (null where the table's count is exact).</summary>
        public sealed record Counts(FeatureSource[] Features, ContingencyTable[] Tables, long Rows, List<int>[] RowCodes, int[] LabelCodes,
            long?[] EstimatedCardinalities)
        {
            public string[] Names => Features.Select(f => f.Name).ToArray();
        }

        /// <summary>One ranked feature: a scalar column (slot −1) or one slot of a vector column.</summary>
        public readonly record struct FeatureSource(string Name, DataViewSchema.Column Column, int Slot);

        // A vector column contributes one feature per slot, named Column[slot name] (or Column[index] without slot names).
        private static FeatureSource[] Sources(IHost host, DataViewSchema schema, OutRankOptions options)
        {
            var sources = new List<FeatureSource>();
            foreach (string name in options.FeatureColumnNames)
            {
                DataViewSchema.Column column = schema[name];
                if (column.Type is not VectorDataViewType vector)
                {
                    sources.Add(new FeatureSource(name, column, -1));
                    continue;
                }
                if (!vector.IsKnownSize)
                    throw host.ExceptSchemaMismatch(nameof(options.FeatureColumnNames), "feature", name, "a scalar or known-size vector column", column.Type.ToString());
                VBuffer<ReadOnlyMemory<char>> slotNames = default;
                if (column.HasSlotNames(vector.Size))
                    column.GetSlotNames(ref slotNames);
                for (int slot = 0; slot < vector.Size; slot++)
                {
                    string slotName = slotNames.Length > 0 ? slotNames.GetItemOrDefault(slot).ToString() : "";
                    sources.Add(new FeatureSource($"{name}[{(slotName.Length > 0 ? slotName : slot.ToString(System.Globalization.CultureInfo.InvariantCulture))}]", column, slot));
                }
            }
            return sources.ToArray();
        }

        /// <summary>Ranks the features and names the ones to keep: the best-ranked, or with
        /// <see cref="OutRankOptions.RedundancyAwareSelection"/> the first ones of the redundancy-aware order.</summary>
        public static (IReadOnlyList<OutRankFeatureScore> Ranking, string[] Kept) Select(IHost host, IDataView data, OutRankOptions options, int seed)
        {
            Counts counts = Count(host, data, options, seed);
            IReadOnlyList<OutRankFeatureScore> ranking = Score(counts, options.Heuristic, seed);
            string[] kept = options.RedundancyAwareSelection
                ? RedundancyAware(counts, counts.RowCodes.Select(c => c.ToArray()).ToArray(), ranking, options, options.FeaturesToKeep).Order.Select(s => s.Name).ToArray()
                : ranking.Take(options.FeaturesToKeep).Select(s => s.Name).ToArray();
            return (ranking, kept);
        }

        public static Counts Count(IHost host, IDataView data, OutRankOptions options, int seed)
        {
            CheckShape(host, SchemaShape.Create(data.Schema), options);
            DataViewSchema.Column labelColumn = data.Schema[options.LabelColumnName];
            FeatureSource[] sources = Sources(host, data.Schema, options);
            CheckFeaturesToKeep(host, options, sources.Length);
            ColumnEncoder[] encoders = sources
                .Select(f => ColumnEncoder.For(f.Column.Type.GetItemType(), binNumeric: !options.TreatNumericAsNominal, options.NumericBins, options.MaxExactCardinality))
                .ToArray();

            SampleNumericFeatures(data, sources, encoders, seed);

            // Counting runs in parallel over groups of features, each group on its own cursor over all rows. Every group
            // encodes the label itself: codes follow first appearance, so they agree across groups.
            bool keepRows = options.Heuristic is OutRankHeuristic.PermutationCorrected or OutRankHeuristic.ReferenceShiftCorrected
                || options.RedundancyAwareSelection || options.InteractionOrder > 0;
            var tables = new ContingencyTable[sources.Length];
            var rowCodes = keepRows ? sources.Select(_ => new List<int>()).ToArray() : null;
            var labelCodes = keepRows ? new List<int>() : null;
            int groups = Math.Min(Environment.ProcessorCount, sources.Length);
            var rowsSeen = new long[groups];
            Func<long, bool> sample = RowSample(options.SampleFraction, seed);
            ParallelWork.For(groups, group =>
            {
                int[] mine = Enumerable.Range(0, sources.Length).Where(j => j % groups == group).ToArray();
                // Each thread allocates the tables it fills: tables of different threads side by side in memory would
                // share cache lines, and every count would then bounce between the cores.
                foreach (int j in mine)
                    tables[j] = new ContingencyTable();
                ColumnEncoder labelEncoder = ColumnEncoder.For(labelColumn.Type, binNumeric: false, options.NumericBins, int.MaxValue);
                var columns = mine.Select(j => sources[j].Column).Append(labelColumn).GroupBy(c => c.Index).Select(g => g.First());
                using DataViewRowCursor cursor = data.GetRowCursor(columns);
                var values = new RowValues();
                ColumnEncoder.BlockReader label = labelEncoder.Bind(cursor, labelColumn, -1, values);
                ColumnEncoder.BlockReader[] features = mine.Select(j => encoders[j].Bind(cursor, sources[j].Column, sources[j].Slot, values)).ToArray();
                var positions = new long[ColumnEncoder.BlockRows];
                var blockLabels = new int[ColumnEncoder.BlockRows];
                var blockCodes = new int[ColumnEncoder.BlockRows];
                long rows = 0;
                // Rows are read into a block, then each feature's block is coded and counted in one go.
                for (bool more = true; more;)
                {
                    int n = 0;
                    while (n < ColumnEncoder.BlockRows && (more = cursor.MoveNext()))
                    {
                        if (!sample(cursor.Position))
                            continue;
                        positions[n] = cursor.Position;
                        label.Read(n);
                        foreach (ColumnEncoder.BlockReader feature in features)
                            feature.Read(n);
                        n++;
                    }
                    label.Encode(blockLabels, n);
                    for (int i = 0; i < n; i++)
                    {
                        if (blockLabels[i] == 0)
                            throw host.Except($"Label column '{labelColumn.Name}' has a missing value in row {positions[i]}.");
                    }
                    if (group == 0)
                        labelCodes?.AddRange(blockLabels.AsSpan(0, n));
                    for (int k = 0; k < mine.Length; k++)
                    {
                        features[k].Encode(blockCodes, n);
                        tables[mine[k]].Add(blockCodes.AsSpan(0, n), blockLabels.AsSpan(0, n));
                        rowCodes?[mine[k]].AddRange(blockCodes.AsSpan(0, n));
                    }
                    rows += n;
                }
                rowsSeen[group] = rows;
                labelEncoder.Release();
                foreach (int j in mine)
                    encoders[j].Release();
            });
            long rows = rowsSeen[0];
            if (rows == 0)
                throw host.Except("OutRank needs at least one row; the data is empty.");
            if (tables[0].LabelTotals.Count() < 2)
                throw host.Except($"Label column '{labelColumn.Name}' has a single value; there is nothing to rank features against.");

            return new Counts(sources, tables, rows, rowCodes, labelCodes?.ToArray(), encoders.Select(e => e.EstimatedCardinality).ToArray());
        }

        /// <summary>Scores every counted feature with the heuristic; best first.</summary>
        public static IReadOnlyList<OutRankFeatureScore> Score(Counts counts, OutRankHeuristic heuristic, int seed)
        {
            var scores = new OutRankFeatureScore[counts.Features.Length];
            ParallelWork.For(counts.Features.Length, j =>
            {
                ContingencyTable table = counts.Tables[j];
                double mutualInformation = MutualInformation.Plain(table);
                double score = heuristic switch
                {
                    OutRankHeuristic.MutualInformation => mutualInformation,
                    OutRankHeuristic.ChanceAdjusted => mutualInformation - MutualInformation.ExpectedUnderIndependence(table),
                    OutRankHeuristic.PermutationCorrected => mutualInformation - MutualInformation.PermutationBaseline(counts.RowCodes[j].ToArray(), counts.LabelCodes, seed + j),
                    OutRankHeuristic.ReferenceShiftCorrected => MutualInformation.ReferenceCorrected(counts.RowCodes[j].ToArray(), counts.LabelCodes),
                    _ => throw new ArgumentOutOfRangeException(nameof(heuristic)),
                };
                long cardinality = counts.EstimatedCardinalities[j] ?? table.FeatureTotals.Count(t => t.Code != 0);
                FeatureSource source = counts.Features[j];
                scores[j] = new OutRankFeatureScore(source.Name, source.Column.Name, source.Slot < 0 ? null : source.Slot, score, mutualInformation,
                    mutualInformation - score, cardinality, table.FeatureCount(0) / (double)counts.Rows);
            });
            return scores.OrderByDescending(s => s.Score).ThenBy(s => s.Name, StringComparer.Ordinal).ToArray();
        }

        /// <summary>The first <c>steps</c> features in the order the redundancy-aware (3MR) rule picks them, and the feature pairs it
        /// measured on the way (all of them when every feature is ordered); <c>codes</c> holds each feature's code per row (the
        /// counts' row codes as arrays).</summary>
        public static (IReadOnlyList<OutRankSelectionStep> Order, IReadOnlyList<OutRankFeaturePair> Pairs) RedundancyAware(Counts counts, int[][] codes,
            IReadOnlyList<OutRankFeatureScore> ranking, OutRankOptions options, int steps)
        {
            string[] names = counts.Names;
            var scoreOf = ranking.ToDictionary(s => s.Name, s => s.Score);
            double[] relevance = names.Select(n => scoreOf[n]).ToArray();
            var selection = new RedundancyAwareSelection(codes, counts.LabelCodes, relevance);
            var order = selection.Order(steps, options.RedundancyWeight, options.SynergyWeight)
                .Select(step => new OutRankSelectionStep(names[step.Feature], step.Score, step.Relevance, step.Redundancy, step.Synergy)).ToArray();
            var pairs = selection.MeasuredPairs
                .Select(p => new OutRankFeaturePair(names[p.First], names[p.Second], p.Similarity, p.Synergy))
                .OrderByDescending(p => p.Similarity).ThenBy(p => p.First, StringComparer.Ordinal).ThenBy(p => p.Second, StringComparer.Ordinal).ToArray();
            return (order, pairs);
        }

        // Whether a row position is in the subsample: a hash of (position, seed), so every counting thread and every run with
        // the same seed picks the same rows.
        private static Func<long, bool> RowSample(double fraction, int seed)
        {
            if (fraction >= 1)
                return _ => true;
            ulong threshold = (ulong)(fraction * ulong.MaxValue);
            ulong salt = (ulong)seed * 0x9E3779B97F4A7C15UL;
            return position => StableHash.Mix((ulong)position + salt) < threshold;
        }

        private static void CheckFeaturesToKeep(IHost host, OutRankOptions options, int features)
        {
            if (options.FeaturesToKeep > features)
                throw host.ExceptParam(nameof(options.FeaturesToKeep),
                    $"FeaturesToKeep is {options.FeaturesToKeep}; it must be between 1 and the {features} features to rank (a vector column counts one per slot).");
        }

        private static void CheckNames(IHost host, OutRankOptions options)
        {
            host.CheckValue(options, nameof(options));
            if (string.IsNullOrWhiteSpace(options.LabelColumnName))
                throw host.ExceptParam(nameof(options.LabelColumnName), "A label column name is required.");
            if (options.FeatureColumnNames == null || options.FeatureColumnNames.Length == 0)
                throw host.ExceptParam(nameof(options.FeatureColumnNames), "Name at least one feature column to rank.");
            if (options.FeatureColumnNames.Contains(options.LabelColumnName))
                throw host.ExceptParam(nameof(options.FeatureColumnNames), $"The label column '{options.LabelColumnName}' is also listed as a feature.");
            if (options.FeatureColumnNames.Distinct().Count() != options.FeatureColumnNames.Length)
                throw host.ExceptParam(nameof(options.FeatureColumnNames), "A feature column is listed twice.");
            if (options.FeaturesToKeep < 1)
                throw host.ExceptParam(nameof(options.FeaturesToKeep), $"FeaturesToKeep is {options.FeaturesToKeep}; it must be at least 1.");
            if (options.InteractionOrder != 0 && (options.InteractionOrder < 2 || options.InteractionOrder > 3))
                throw host.ExceptParam(nameof(options.InteractionOrder), $"InteractionOrder must be 0 (none), 2 or 3; it is {options.InteractionOrder}.");
            if (options.InteractionOrder > 0 && options.InteractionCandidates < options.InteractionOrder)
                throw host.ExceptParam(nameof(options.InteractionCandidates), $"InteractionCandidates must be at least InteractionOrder ({options.InteractionOrder}).");
            if (options.InteractionHashBits < 8 || options.InteractionHashBits > 30)
                throw host.ExceptParam(nameof(options.InteractionHashBits), $"InteractionHashBits must be between 8 and 30; it is {options.InteractionHashBits}.");
            if (!(options.SampleFraction > 0 && options.SampleFraction <= 1))
                throw host.ExceptParam(nameof(options.SampleFraction), $"SampleFraction must be in (0, 1]; it is {options.SampleFraction}.");
            if (options.MaxExactCardinality < 1)
                throw host.ExceptParam(nameof(options.MaxExactCardinality), $"MaxExactCardinality must be at least 1; it is {options.MaxExactCardinality}.");
            if (options.NumericBins < 2)
                throw host.ExceptParam(nameof(options.NumericBins), $"NumericBins must be at least 2; it is {options.NumericBins}.");
        }

        // A seeded reservoir sample of each binned feature fixes its quantile edges before the counting pass.
        private static void SampleNumericFeatures(IDataView data, FeatureSource[] sources, ColumnEncoder[] encoders, int seed)
        {
            int[] sampled = Enumerable.Range(0, sources.Length).Where(j => encoders[j].NeedsSample).ToArray();
            if (sampled.Length == 0)
                return;
            List<double>[] samples = ReservoirSample.Of(data, sampled.Select(j => sources[j].Column),
                (cursor, rowValues) => sampled.Select(j => encoders[j].BindSample(cursor, sources[j].Column, sources[j].Slot, rowValues)).ToArray(), NumericSampleSize, seed);
            for (int k = 0; k < sampled.Length; k++)
                encoders[sampled[k]].SetSample(samples[k]);
        }
    }
}
