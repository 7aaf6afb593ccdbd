using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLExt.Trainers.ElasticNet.Core;

namespace MLExt.Trainers.ElasticNet
{
    /// <summary>
    /// Reads the training rows once from an <see cref="IDataView"/> into the column store coordinate descent needs
    /// (each slot dense or sparse, whichever is smaller), and rejects values that have no meaning to a GLM.
    /// </summary>
    internal static class TrainingDataReader
    {
        public sealed record Result(FeatureColumn[] Columns, int RowCount, double[] Labels, double[] Weights);

        // Above this many bytes for a dense table, values are collected per slot as (row, value) lists instead.
        private const long DenseTableByteLimit = 2L << 30;

        // Rows staged at a time for the dense table (a block of 256 rows x 100 slots is 100 KB, within a core's cache).
        private const int BlockRows = 256;

        public static Result Read(IHost host, RoleMappedData data, Func<DataViewRow, DataViewSchema.Column, ValueGetter<double>> labelGetter)
        {
            DataViewSchema.Column featureColumn = data.Schema.Feature.Value;
            DataViewSchema.Column labelColumn = data.Schema.Label.Value;
            DataViewSchema.Column? weightColumn = data.Schema.Weight;
            int slots = featureColumn.Type.GetVectorSize();

            // With a known row count and a table that fits, values go straight into dense columns; otherwise into per-slot lists.
            long? knownRows = data.Data.GetRowCount();
            double[][] denseTable = knownRows is long n && n * slots * sizeof(double) <= DenseTableByteLimit
                ? Enumerable.Range(0, slots).Select(_ => new double[n]).ToArray()
                : null;
            var rowsOfSlot = new List<int>[slots];
            var valuesOfSlot = new List<double>[slots];
            if (denseTable == null)
            {
                for (int j = 0; j < slots; j++)
                {
                    rowsOfSlot[j] = new List<int>();
                    valuesOfSlot[j] = new List<double>();
                }
            }
            var nonZeroCount = new int[slots];
            var labels = new List<double>();
            var weights = new List<double>();

            // Rows bound for the dense table are staged in a row-major block and copied out a column at a time: writing each row
            // straight into every column's array touched a cache line per slot and took most of the reading time.
            float[] block = denseTable != null ? new float[BlockRows * slots] : null;
            int blockRows = 0, blockStart = 0;
            void FlushBlock()
            {
                for (int j = 0; j < slots; j++)
                {
                    double[] column = denseTable[j];
                    for (int r = 0; r < blockRows; r++)
                    {
                        float value = block[r * slots + j];
                        if (value == 0)
                            continue;
                        CheckFinite(value, j, blockStart + r);
                        column[blockStart + r] = value;
                        nonZeroCount[j]++;
                    }
                }
                blockStart += blockRows;
                blockRows = 0;
            }

            void AddToLists(in VBuffer<float> features, int row)
            {
                var values = features.GetValues();
                var indices = features.IsDense ? default : features.GetIndices();
                for (int k = 0; k < values.Length; k++)
                {
                    float value = values[k];
                    if (value == 0)
                        continue;
                    int slot = features.IsDense ? k : indices[k];
                    CheckFinite(value, slot, row);
                    nonZeroCount[slot]++;
                    rowsOfSlot[slot].Add(row);
                    valuesOfSlot[slot].Add(value);
                }
            }

            void CheckFinite(float value, int slot, int row)
            {
                if (!float.IsFinite(value))
                    throw host.Except($"Feature column '{featureColumn.Name}' has the non-finite value {value} in slot {slot} of row {row}. " +
                        "Replace missing values first (for example with mlContext.Transforms.ReplaceMissingValues).");
            }

            var needed = new List<DataViewSchema.Column> { featureColumn, labelColumn };
            if (weightColumn.HasValue)
                needed.Add(weightColumn.Value);
            using (DataViewRowCursor cursor = data.Data.GetRowCursor(needed))
            {
                var getFeatures = cursor.GetGetter<VBuffer<float>>(featureColumn);
                ValueGetter<double> getLabel = labelGetter(cursor, labelColumn);
                ValueGetter<float> getWeight = weightColumn.HasValue ? cursor.GetGetter<float>(weightColumn.Value) : null;
                VBuffer<float> features = default;
                double label = 0;
                float weight = 1;
                int row = 0;
                while (cursor.MoveNext())
                {
                    getFeatures(ref features);
                    getLabel(ref label);
                    if (double.IsNaN(label) || double.IsInfinity(label))
                        throw host.Except($"Label column '{labelColumn.Name}' has the non-finite value {label} in row {row}.");
                    if (getWeight != null)
                    {
                        getWeight(ref weight);
                        if (!(weight >= 0) || float.IsInfinity(weight))
                            throw host.Except($"Weight column '{weightColumn.Value.Name}' has the value {weight} in row {row}; weights must be finite and non-negative.");
                    }
                    if (denseTable != null)
                    {
                        features.CopyTo(block.AsSpan(blockRows * slots, slots));
                        if (++blockRows == BlockRows)
                            FlushBlock();
                    }
                    else
                    {
                        AddToLists(features, row);
                    }
                    labels.Add(label);
                    weights.Add(weight);
                    row++;
                }
                if (denseTable != null)
                    FlushBlock();
            }

            int rowCount = labels.Count;
            if (rowCount == 0)
                throw host.Except($"The training data has no rows (feature column '{featureColumn.Name}', label column '{labelColumn.Name}').");
            var columns = new FeatureColumn[slots];
            for (int j = 0; j < slots; j++)
            {
                // A dense column costs 8 bytes a row, a sparse one 12 bytes a stored value.
                bool dense = nonZeroCount[j] * 3L > rowCount * 2L;
                columns[j] = (denseTable != null, dense) switch
                {
                    (true, true) => new DenseFeatureColumn(denseTable[j]),
                    (true, false) => SparseFromDense(denseTable[j], nonZeroCount[j]),
                    (false, true) => DenseFromLists(rowsOfSlot[j], valuesOfSlot[j], rowCount),
                    (false, false) => new SparseFeatureColumn(rowsOfSlot[j].ToArray(), valuesOfSlot[j].ToArray()),
                };
                if (denseTable != null)
                    denseTable[j] = null;
                else
                    rowsOfSlot[j] = null;
            }
            return new Result(columns, rowCount, labels.ToArray(), weights.ToArray());
        }

        private static FeatureColumn SparseFromDense(double[] values, int nonZeroCount)
        {
            var rows = new int[nonZeroCount];
            var stored = new double[nonZeroCount];
            int k = 0;
            for (int i = 0; i < values.Length; i++)
            {
                if (values[i] != 0)
                {
                    rows[k] = i;
                    stored[k++] = values[i];
                }
            }
            return new SparseFeatureColumn(rows, stored);
        }

        private static FeatureColumn DenseFromLists(List<int> rows, List<double> values, int rowCount)
        {
            var dense = new double[rowCount];
            for (int k = 0; k < rows.Count; k++)
                dense[rows[k]] = values[k];
            return new DenseFeatureColumn(dense);
        }
    }
}
