using System;
using System.Collections.Generic;

namespace MLExt.Transforms.OutRank.Core
{
    /// <summary>
    /// Joint counts of a feature and a label, both given as dense integer codes (0..cardinality−1; OutRank's encoders hand
    /// out codes in order of first appearance, so they stay dense). Count tables, not rows: tables over disjoint parts of
    /// the data add up (<see cref="Add(ContingencyTable)"/>), so partial results combine.
    /// </summary>
    internal sealed class ContingencyTable
    {
        // One growable count array over feature codes per label code.
        private readonly List<long[]> _byLabel = new List<long[]>();
        private long[] _featureTotals = new long[16];
        private long[] _labelTotals = new long[4];

        public long Total { get; private set; }

        public long FeatureCount(int feature) => feature < _featureTotals.Length ? _featureTotals[feature] : 0;

        public long LabelCount(int label) => label < _labelTotals.Length ? _labelTotals[label] : 0;

        /// <summary>Count of rows with feature code <paramref name="feature"/> and label code <paramref name="label"/>.</summary>
        public long this[int feature, int label]
            => label < _byLabel.Count && _byLabel[label] is long[] counts && feature < counts.Length ? counts[feature] : 0;

        /// <summary>The totals of the feature codes that occur, as (code, count).</summary>
        public IEnumerable<(int Code, long Count)> FeatureTotals => NonZero(_featureTotals);

        /// <summary>The totals of the label codes that occur, as (code, count).</summary>
        public IEnumerable<(int Code, long Count)> LabelTotals => NonZero(_labelTotals);

        /// <summary>The non-zero cells as (feature, label, count).</summary>
        public IEnumerable<(int Feature, int Label, long Count)> Cells
        {
            get
            {
                for (int label = 0; label < _byLabel.Count; label++)
                {
                    if (_byLabel[label] == null)
                        continue;
                    foreach (var (feature, count) in NonZero(_byLabel[label]))
                        yield return (feature, label, count);
                }
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
            while (_byLabel.Count <= label)
                _byLabel.Add(null);
            long[] counts = _byLabel[label] ??= new long[Math.Max(16, _featureTotals.Length)];
            if (feature >= counts.Length)
                _byLabel[label] = counts = Grow(counts, feature);
            if (feature >= _featureTotals.Length)
                _featureTotals = Grow(_featureTotals, feature);
            if (label >= _labelTotals.Length)
                _labelTotals = Grow(_labelTotals, label);
            counts[feature] += count;
            _featureTotals[feature] += count;
            _labelTotals[label] += count;
            Total += count;
        }

        /// <summary>Adds another table's counts into this one.</summary>
        public void Add(ContingencyTable other)
        {
            foreach (var (feature, label, count) in other.Cells)
                Add(feature, label, count);
        }

        private static long[] Grow(long[] counts, int index)
        {
            var grown = new long[Math.Max(counts.Length * 2, index + 1)];
            Array.Copy(counts, grown, counts.Length);
            return grown;
        }

        private static IEnumerable<(int Code, long Count)> NonZero(long[] counts)
        {
            for (int code = 0; code < counts.Length; code++)
            {
                if (counts[code] != 0)
                    yield return (code, counts[code]);
            }
        }
    }
}
