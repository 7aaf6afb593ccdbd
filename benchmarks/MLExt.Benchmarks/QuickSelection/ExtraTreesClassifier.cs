using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace MLExt.Benchmarks.QuickSelection
{
    /// <summary>
    /// Extremely randomized trees (Geurts et al. 2006) with scikit-learn's ExtraTreesClassifier defaults, the classifier the
    /// QuickSelection paper scores selected features with: every tree on all rows, at each node √features candidate features
    /// with one uniform random threshold each between the node's minimum and maximum, the best by Gini decrease; trees grown
    /// until their leaves are pure; the forest predicts the class of highest mean leaf frequency.
    /// </summary>
    internal sealed class ExtraTreesClassifier
    {
        private readonly Node[][] _trees;
        private readonly int _classes;

        private ExtraTreesClassifier(Node[][] trees, int classes)
        {
            _trees = trees;
            _classes = classes;
        }

        /// <summary>A leaf holds class frequencies; an inner node a feature, a threshold and its children.</summary>
        private sealed record Node(int Feature, float Threshold, int Left, int Right, double[] Frequencies);

        public static ExtraTreesClassifier Fit(float[][] rows, int[] labels, int trees, int seed)
        {
            int classes = labels.Max() + 1;
            var built = new Node[trees][];
            Parallel.For(0, trees, t => built[t] = new TreeBuilder(rows, labels, classes, new Random(seed * 7919 + t)).Build());
            return new ExtraTreesClassifier(built, classes);
        }

        public double Accuracy(float[][] rows, int[] labels)
        {
            int correct = 0;
            var votes = new double[_classes];
            for (int r = 0; r < rows.Length; r++)
            {
                Array.Clear(votes);
                foreach (Node[] tree in _trees)
                {
                    Node node = tree[0];
                    while (node.Frequencies == null)
                        node = tree[rows[r][node.Feature] <= node.Threshold ? node.Left : node.Right];
                    for (int c = 0; c < _classes; c++)
                        votes[c] += node.Frequencies[c];
                }
                if (Array.IndexOf(votes, votes.Max()) == labels[r])
                    correct++;
            }
            return (double)correct / rows.Length;
        }

        private sealed class TreeBuilder
        {
            private readonly float[][] _rows;
            private readonly int[] _labels;
            private readonly int _classes;
            private readonly Random _random;
            private readonly int _candidates;
            private readonly List<Node> _nodes = new();

            public TreeBuilder(float[][] rows, int[] labels, int classes, Random random)
            {
                _rows = rows;
                _labels = labels;
                _classes = classes;
                _random = random;
                _candidates = Math.Max(1, (int)Math.Sqrt(rows[0].Length));
            }

            public Node[] Build()
            {
                int[] members = Enumerable.Range(0, _rows.Length).ToArray();
                Grow(members, 0, members.Length);
                return _nodes.ToArray();
            }

            // Adds the node for members[start .. end) and its subtree; returns its index.
            private int Grow(int[] members, int start, int end)
            {
                int index = _nodes.Count;
                _nodes.Add(null);
                var counts = new double[_classes];
                for (int k = start; k < end; k++)
                    counts[_labels[members[k]]]++;
                int n = end - start;
                if (n < 2 || counts.Max() == n || !TrySplit(members, start, end, counts, out int feature, out float threshold))
                {
                    _nodes[index] = new Node(-1, 0, -1, -1, counts.Select(c => c / n).ToArray());
                    return index;
                }
                // Partition: rows at or below the threshold first.
                int middle = start;
                for (int k = start; k < end; k++)
                    if (_rows[members[k]][feature] <= threshold)
                    {
                        (members[k], members[middle]) = (members[middle], members[k]);
                        middle++;
                    }
                int left = Grow(members, start, middle), right = Grow(members, middle, end);
                _nodes[index] = new Node(feature, threshold, left, right, null);
                return index;
            }

            private bool TrySplit(int[] members, int start, int end, double[] counts, out int bestFeature, out float bestThreshold)
            {
                bestFeature = -1;
                bestThreshold = 0;
                double bestImpurity = double.PositiveInfinity;
                int features = _rows[0].Length, tried = 0;
                var leftCounts = new double[_classes];
                // Draw candidate features without replacement; constant ones do not count, as in scikit-learn.
                int[] order = Enumerable.Range(0, features).ToArray();
                for (int f = 0; f < features && tried < _candidates; f++)
                {
                    int pick = f + _random.Next(features - f);
                    (order[f], order[pick]) = (order[pick], order[f]);
                    int feature = order[f];
                    float min = float.PositiveInfinity, max = float.NegativeInfinity;
                    for (int k = start; k < end; k++)
                    {
                        float v = _rows[members[k]][feature];
                        min = Math.Min(min, v);
                        max = Math.Max(max, v);
                    }
                    if (!(max > min))
                        continue;
                    tried++;
                    float threshold = (float)(min + _random.NextDouble() * (max - min));
                    if (threshold >= max)
                        threshold = min;
                    Array.Clear(leftCounts);
                    int leftSize = 0;
                    for (int k = start; k < end; k++)
                        if (_rows[members[k]][feature] <= threshold)
                        {
                            leftCounts[_labels[members[k]]]++;
                            leftSize++;
                        }
                    int rightSize = end - start - leftSize;
                    double leftSquares = 0, rightSquares = 0;
                    for (int c = 0; c < _classes; c++)
                    {
                        leftSquares += leftCounts[c] * leftCounts[c];
                        rightSquares += (counts[c] - leftCounts[c]) * (counts[c] - leftCounts[c]);
                    }
                    // Size-weighted Gini of the children, up to a constant: n − Σ left² / nL − Σ right² / nR.
                    double impurity = -(leftSize > 0 ? leftSquares / leftSize : 0) - (rightSize > 0 ? rightSquares / rightSize : 0);
                    if (impurity < bestImpurity)
                    {
                        bestImpurity = impurity;
                        bestFeature = feature;
                        bestThreshold = threshold;
                    }
                }
                return bestFeature >= 0;
            }
        }
    }
}
