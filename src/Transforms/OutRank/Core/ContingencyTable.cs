using System;
using System.Collections.Generic;
using System.Linq;

namespace MLExt.Transforms.OutRanking.Core
{
    /// <summary>
    /// Joint counts of a feature and a label, both given as dense integer codes (0..cardinality−1; OutRank's encoders hand
    /// out codes in order of first appearance, so they stay dense). Count tables, not rows: tables over disjoint parts of
    /// the data add up (<see cref="Add(ContingencyTable)"/>), so partial results combine.
    /// </summary>
    internal sealed class ContingencyTable
    {
        // One growable count array over feature codes per label code. Totals are derived on demand, so that counting a
        // row touches a single array element.
        private long[][] _byLabel = new long[4][];
        private long[] _featureTotals;
        private long[] _labelTotals;
        private long _total;

        public long Total
        {
            get
            {
                EnsureTotals();
                return _total;
            }
        }

        public long FeatureCount(int feature)
        {
            EnsureTotals();
            return feature < _featureTotals.Length ? _featureTotals[feature] : 0;
        }

        public long LabelCount(int label)
        {
            EnsureTotals();
            return label < _labelTotals.Length ? _labelTotals[label] : 0;
        }

        /// <summary>The totals of the feature codes that occur, as (code, count).</summary>
        public IEnumerable<(int Code, long Count)> FeatureTotals
        {
            get
            {
                EnsureTotals();
                return NonZero(_featureTotals);
            }
        }

        /// <summary>The totals of the label codes that occur, as (code, count).</summary>
        public IEnumerable<(int Code, long Count)> LabelTotals
        {
            get
            {
                EnsureTotals();
                return NonZero(_labelTotals);
            }
        }

        /// <summary>The non-zero cells as (feature, label, count).</summary>
        public IEnumerable<(int Feature, int Label, long Count)> Cells
        {
            get
            {
                for (int label = 0; label < _byLabel.Length; label++)
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
            var table = new ContingencyTable();
            table.Add(feature, label);
            return table;
        }

        /// <summary>Counts rows given as their feature and label codes.</summary>
        public void Add(ReadOnlySpan<int> feature, ReadOnlySpan<int> label)
        {
            if (feature.Length != label.Length)
                throw new ArgumentException("The feature and the label must have the same number of rows.");
            for (int i = 0; i < feature.Length; i++)
                Add(feature[i], label[i], 1);
        }

        public void Add(int feature, int label, long count)
        {
            _featureTotals = null;
            if ((uint)label < (uint)_byLabel.Length && _byLabel[label] is long[] counts && (uint)feature < (uint)counts.Length)
            {
                counts[feature] += count;
                return;
            }
            if (feature < 0 || label < 0)
                throw new ArgumentOutOfRangeException(nameof(feature), "Codes must be non-negative.");
            if (label >= _byLabel.Length)
                Array.Resize(ref _byLabel, Math.Max(_byLabel.Length * 2, label + 1));
            counts = _byLabel[label] ?? new long[16];
            if (feature >= counts.Length)
                Array.Resize(ref counts, Math.Max(counts.Length * 2, feature + 1));
            _byLabel[label] = counts;
            counts[feature] += count;
        }

        /// <summary>Adds another table's counts into this one.</summary>
        public void Add(ContingencyTable other)
        {
            foreach (var (feature, label, count) in other.Cells)
                Add(feature, label, count);
        }

        private void EnsureTotals()
        {
            if (_featureTotals != null)
                return;
            int width = _byLabel.Max(c => c?.Length ?? 0);
            var featureTotals = new long[width];
            _labelTotals = new long[_byLabel.Length];
            _total = 0;
            for (int label = 0; label < _byLabel.Length; label++)
            {
                long[] counts = _byLabel[label];
                if (counts == null)
                    continue;
                for (int feature = 0; feature < counts.Length; feature++)
                {
                    featureTotals[feature] += counts[feature];
                    _labelTotals[label] += counts[feature];
                }
                _total += _labelTotals[label];
            }
            _featureTotals = featureTotals;
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
