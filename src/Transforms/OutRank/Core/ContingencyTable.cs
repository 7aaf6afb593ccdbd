using System;
using System.Collections.Generic;

namespace MLExt.Transforms.OutRank.Core
{
    /// <summary>
    /// Joint counts of a feature and a label, both given as dense integer codes (0..cardinality−1). Count tables, not
    /// rows: tables over disjoint parts of the data add up (<see cref="Add"/>), so partial results combine.
    /// </summary>
    internal sealed class ContingencyTable
    {
        private readonly Dictionary<long, long> _joint = new Dictionary<long, long>();
        private readonly Dictionary<int, long> _featureTotals = new Dictionary<int, long>();
        private readonly Dictionary<int, long> _labelTotals = new Dictionary<int, long>();

        public long Total { get; private set; }

        public IReadOnlyDictionary<int, long> FeatureTotals => _featureTotals;

        public IReadOnlyDictionary<int, long> LabelTotals => _labelTotals;

        /// <summary>Count of rows with feature code <paramref name="feature"/> and label code <paramref name="label"/>.</summary>
        public long this[int feature, int label] => _joint.TryGetValue(Key(feature, label), out long count) ? count : 0;

        /// <summary>The non-zero cells as (feature, label, count).</summary>
        public IEnumerable<(int Feature, int Label, long Count)> Cells
        {
            get
            {
                foreach (var cell in _joint)
                    yield return ((int)(cell.Key >> 32), (int)(cell.Key & 0xffffffffL), cell.Value);
            }
        }

        public static ContingencyTable Count(ReadOnlySpan<int> feature, ReadOnlySpan<int> label)
        {
            if (feature.Length != label.Length)
                throw new ArgumentException("The feature and the label must have the same number of rows.");
            var table = new ContingencyTable();
            for (int i = 0; i < feature.Length; i++)
                table.Add(feature[i], label[i], 1);
            return table;
        }

        public void Add(int feature, int label, long count)
        {
            if (feature < 0 || label < 0)
                throw new ArgumentOutOfRangeException(nameof(feature), "Codes must be non-negative.");
            Increment(_joint, Key(feature, label), count);
            Increment(_featureTotals, feature, count);
            Increment(_labelTotals, label, count);
            Total += count;
        }

        /// <summary>Adds another table's counts into this one.</summary>
        public void Add(ContingencyTable other)
        {
            foreach (var (feature, label, count) in other.Cells)
                Add(feature, label, count);
        }

        private static long Key(int feature, int label) => ((long)feature << 32) | (uint)label;

        private static void Increment<TKey>(Dictionary<TKey, long> counts, TKey key, long by)
        {
            counts.TryGetValue(key, out long current);
            counts[key] = current + by;
        }
    }
}
