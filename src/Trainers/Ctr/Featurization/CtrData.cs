using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace MLExt.Trainers.Ctr.Featurization
{
    /// <summary>
    /// The columnar cache the training loop reads: every row's ids and numeric values, its label and weight, built in one pass so
    /// that epochs do not re-read or re-featurize the data view.
    /// </summary>
    internal sealed class CtrData
    {
        public CtrData(int idWidth, int numeric, int[] ids, float[] values, float[] labels, float[] weights)
        {
            IdWidth = idWidth;
            NumericFields = numeric;
            Ids = ids;
            Numeric = values;
            Labels = labels;
            Weights = weights;
        }

        public int Rows => Labels.Length;

        /// <summary>Ids per row.</summary>
        public int IdWidth { get; }

        public int NumericFields { get; }

        /// <summary>Row-major ids, <see cref="IdWidth"/> per row.</summary>
        public int[] Ids { get; }

        /// <summary>Row-major numeric values, <see cref="NumericFields"/> per row.</summary>
        public float[] Numeric { get; }

        /// <summary>1 for a click (true), 0 otherwise.</summary>
        public float[] Labels { get; }

        /// <summary>Example weights, or null when all are 1.</summary>
        public float[] Weights { get; }

        public static CtrData Read(IHost host, IDataView data, CtrFeaturizer featurizer, string labelColumn, string weightColumn)
        {
            DataViewSchema schema = data.Schema;
            var columns = featurizer.InputColumns.Append(labelColumn).Concat(weightColumn == null ? Enumerable.Empty<string>() : new[] { weightColumn })
                .Select(name => schema[name]).GroupBy(c => c.Index).Select(g => g.First());
            using DataViewRowCursor cursor = data.GetRowCursor(columns);
            Action<int[], float[], int> encode = featurizer.Bind(cursor);
            ValueGetter<bool> label = cursor.GetGetter<bool>(schema[labelColumn]);
            ValueGetter<float> weight = weightColumn == null ? null : cursor.GetGetter<float>(schema[weightColumn]);
            var ids = new List<int>();
            var numeric = new List<float>();
            var labels = new List<float>();
            var weights = weightColumn == null ? null : new List<float>();
            var rowIds = new int[featurizer.IdWidth];
            var rowNumeric = new float[featurizer.NumericCount];
            bool click = false;
            float w = 1;
            while (cursor.MoveNext())
            {
                encode(rowIds, rowNumeric, 0);
                ids.AddRange(rowIds);
                numeric.AddRange(rowNumeric);
                label(ref click);
                labels.Add(click ? 1 : 0);
                if (weight != null)
                {
                    weight(ref w);
                    if (!(w >= 0) || float.IsInfinity(w))
                        throw host.Except($"Weight column '{weightColumn}' holds {w} in row {cursor.Position}; weights must be finite and not negative.");
                    weights.Add(w);
                }
            }
            return new CtrData(featurizer.IdWidth, featurizer.NumericCount, ids.ToArray(), numeric.ToArray(), labels.ToArray(), weights?.ToArray());
        }

        /// <summary>The rows at the given positions, as a cache of their own.</summary>
        public CtrData Subset(int[] rows)
        {
            var ids = new int[rows.Length * IdWidth];
            var values = new float[rows.Length * NumericFields];
            for (int r = 0; r < rows.Length; r++)
            {
                Array.Copy(Ids, rows[r] * IdWidth, ids, r * IdWidth, IdWidth);
                Array.Copy(Numeric, rows[r] * NumericFields, values, r * NumericFields, NumericFields);
            }
            return new CtrData(IdWidth, NumericFields, ids, values, rows.Select(r => Labels[r]).ToArray(), Weights == null ? null : rows.Select(r => Weights[r]).ToArray());
        }
    }
}
