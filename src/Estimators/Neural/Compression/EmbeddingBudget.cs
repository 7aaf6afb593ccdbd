using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Runtime;
using MLExt.Trainers;

namespace MLExt.Neural.Compression
{
    /// <summary>
    /// Splits a memory budget over the id fields' embedding tables: the budget is a share of all full tables' parameters; every
    /// field gets at most the same cap, fields whose full table is under it stay full, and the others are compressed to the cap by
    /// their method (so large vocabularies shrink most). A compressed field's first-order weights are hashed into the same share of
    /// their rows. Int8 is not sized: it stores full tables at about a quarter of their bytes.
    /// </summary>
    internal static class EmbeddingBudget
    {
        /// <summary>
        /// Each id field's tables, or null when every field keeps a full table (the fused fast path). <paramref name="methods"/> gives
        /// each field's method; fields kept full or quantized take their full tables' share of the budget first.
        /// </summary>
        public static FieldTableSpec[] Plan(int[] sizes, string[] names, int dimension, double ratio, CtrEmbeddingCompression[] methods)
        {
            if (methods.All(m => m == CtrEmbeddingCompression.None))
                return null;
            if (!(ratio > 0 && ratio <= 1))
                throw Contracts.ExceptParam("EmbeddingMemoryRatio", $"EmbeddingMemoryRatio must be in (0, 1]; it is {ratio}.");
            double[] full = sizes.Select(size => (double)size * dimension).ToArray();
            var sized = Enumerable.Range(0, sizes.Length).Where(f => methods[f] != CtrEmbeddingCompression.None && methods[f] != CtrEmbeddingCompression.Int8).ToArray();
            // The budget left for the sized fields once the others take their full (or quantized) tables, in parameters.
            double budget = ratio * full.Sum() - Enumerable.Range(0, sizes.Length).Except(sized).Sum(f => full[f]);
            if (sized.Length > 0 && budget <= 0)
                throw Contracts.ExceptParam("EmbeddingMemoryRatio", $"An EmbeddingMemoryRatio of {ratio} leaves nothing for the compressed fields once the fields kept full take theirs.");
            double cap = Cap(sized.Select(f => full[f]).ToArray(), budget);
            var specs = new FieldTableSpec[sizes.Length];
            for (int f = 0; f < sizes.Length; f++)
            {
                if (methods[f] == CtrEmbeddingCompression.Int8)
                    specs[f] = new FieldTableSpec(CtrEmbeddingCompression.Int8, sizes[f], 0, 0);
                else if (methods[f] == CtrEmbeddingCompression.None || full[f] <= cap)
                    specs[f] = FieldTableSpec.Full;
                else
                    specs[f] = Sized(methods[f], sizes[f], names[f], dimension, (long)Math.Floor(cap), cap / full[f]);
            }
            // A budget every full table fits in: the fused full tables, the fast path.
            return specs.All(s => s == FieldTableSpec.Full) ? null : specs;
        }

        // The largest cap c with Σ min(full, c) ≤ budget.
        private static double Cap(double[] full, double budget)
        {
            double[] sorted = full.OrderBy(v => v).ToArray();
            double before = 0;
            for (int i = 0; i < sorted.Length; i++)
            {
                // With the first i fields full and the rest at the cap, the cap is what is left over per remaining field.
                double cap = (budget - before) / (sorted.Length - i);
                if (cap <= sorted[i])
                    return cap;
                before += sorted[i];
            }
            return double.PositiveInfinity;
        }

        // A field's tables compressed to at most `parameters` embedding parameters.
        private static FieldTableSpec Sized(CtrEmbeddingCompression method, int size, string name, int dimension, long parameters, double share)
        {
            long firstOrderRows = Math.Max(1, (long)Math.Floor(size * share));
            long rows = parameters / dimension;
            FieldTableSpec Fail(string why) => throw Contracts.ExceptParam("EmbeddingMemoryRatio",
                $"{method} cannot meet the budget of field '{name}' ({size:N0} values): its share is {parameters:N0} parameters, and {why}. Raise EmbeddingMemoryRatio or choose another method for it.");
            switch (method)
            {
                case CtrEmbeddingCompression.Hashing:
                case CtrEmbeddingCompression.MultiHash:
                    return rows >= 1 ? new FieldTableSpec(method, rows, 0, firstOrderRows) : Fail($"a hashed table needs at least one row of {dimension}");
                case CtrEmbeddingCompression.QuotientRemainder:
                {
                    // The smallest modulus whose two tables fit: the quotient table takes the rest of the rows.
                    long smallest = QuotientRemainderFieldEmbeddingTable.SmallestModulus(size);
                    if (smallest + QuotientRemainderFieldEmbeddingTable.QuotientRows(size, smallest) > rows)
                        return Fail($"its two tables need at least {smallest + QuotientRemainderFieldEmbeddingTable.QuotientRows(size, smallest)} rows of {dimension}");
                    long modulus = smallest;
                    while (modulus > 1 && modulus - 1 + QuotientRemainderFieldEmbeddingTable.QuotientRows(size, modulus - 1) <= rows)
                        modulus--;
                    return new FieldTableSpec(method, modulus, 0, firstOrderRows);
                }
                case CtrEmbeddingCompression.TensorTrain:
                {
                    int rank = 0;
                    while (TensorTrainFieldEmbeddingTable.CoreParameters(size, dimension, rank + 1) <= parameters)
                        rank++;
                    return rank >= 1 ? new FieldTableSpec(method, 0, rank, firstOrderRows)
                        : Fail($"its cores need {TensorTrainFieldEmbeddingTable.CoreParameters(size, dimension, 1):N0} parameters at rank 1");
                }
                case CtrEmbeddingCompression.MixedDimension:
                {
                    int first = dimension;
                    while (first > 1 && MixedDimensionFieldEmbeddingTable.Parameters(size, dimension, first) > parameters)
                        first--;
                    return MixedDimensionFieldEmbeddingTable.Parameters(size, dimension, first) <= parameters ? new FieldTableSpec(method, 0, first, firstOrderRows)
                        : Fail($"its blocks of dimension 1 and their projections need {MixedDimensionFieldEmbeddingTable.Parameters(size, dimension, 1):N0} parameters");
                }
                case CtrEmbeddingCompression.DeepHashEmbedding:
                {
                    int width = 0;
                    while (DeepHashFieldEmbeddingTable.Parameters(dimension, width + 1) <= parameters)
                        width++;
                    return width >= 2 ? new FieldTableSpec(method, 0, width, firstOrderRows)
                        : Fail($"its MLP needs {DeepHashFieldEmbeddingTable.Parameters(dimension, 2):N0} parameters at width 2");
                }
                case CtrEmbeddingCompression.Robe:
                    return parameters >= dimension ? new FieldTableSpec(method, parameters, 0, firstOrderRows) : Fail($"its array needs at least {dimension} entries");
                default:
                    throw new ArgumentOutOfRangeException(nameof(method), $"{method} is not sized to a budget.");
            }
        }
    }
}
