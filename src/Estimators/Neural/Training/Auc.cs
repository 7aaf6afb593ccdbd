using System;
using System.Linq;

namespace MLExt.Neural.Training
{
    internal static class Auc
    {
        /// <summary>The area under the ROC curve: the chance that a random positive scores above a random negative (ties count half).</summary>
        public static double Of(float[] scores, float[] labels)
        {
            int[] order = Enumerable.Range(0, scores.Length).OrderBy(i => scores[i]).ToArray();
            double positives = labels.Count(l => l > 0.5f), negatives = labels.Length - positives;
            if (positives == 0 || negatives == 0)
                return double.NaN;
            // Sum of the positives' ranks, ties given their mean rank (Mann–Whitney).
            double rankSum = 0;
            for (int start = 0; start < order.Length;)
            {
                int end = start;
                while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]])
                    end++;
                double meanRank = (start + end) / 2.0 + 1;
                for (int k = start; k <= end; k++)
                    if (labels[order[k]] > 0.5f)
                        rankSum += meanRank;
                start = end + 1;
            }
            return (rankSum - positives * (positives + 1) / 2) / (positives * negatives);
        }
    }
}
