using System;
using System.Linq;
using Microsoft.ML.Runtime;
using MLExt.Trainers;

namespace MLExt.Neural.Compression
{
    /// <summary>
    /// Splits a memory budget over the id fields' embedding tables: the budget is a share of all full tables' parameters; every
    /// compressed field gets the same cap c, raised to its method's smallest form where that is larger (a field whose full table is
    /// no larger than that form stays full), and fields whose full table is under c stay full; c is the largest that fits (so large
    /// vocabularies shrink most). Unified fields pool their shares into the one table they share, and those whose ids are in frequency
    /// order read every chunk for their most frequent values only, half as many as the table has rows; stored in 8 or 4 bits, the table
    /// has as many rows as the same bytes hold. A compressed field's first-order
    /// weights are hashed into the same share of their rows. Int8 and Int4 are not sized: they store full tables at about a quarter
    /// and an eighth of their bytes.
    /// </summary>
    internal static class EmbeddingBudget
    {
        /// <summary>
        /// Each id field's tables, or null when every field keeps a full table (the fused fast path). <paramref name="methods"/> gives
        /// each field's method; fields kept full or quantized take their full tables' share of the budget first. <paramref name="idsByFrequency"/>
        /// says which fields number their values most frequent first (all when null); <paramref name="precision"/> how the Unified
        /// fields' shared table is stored.
        /// </summary>
        public static FieldTableSpec[] Plan(int[] sizes, string[] names, int dimension, double ratio, CtrEmbeddingCompression[] methods, bool[] idsByFrequency = null,
            CtrEmbeddingPrecision precision = CtrEmbeddingPrecision.Float32)
        {
            if (methods.All(m => m == CtrEmbeddingCompression.None))
                return null;
            if (!(ratio > 0 && ratio <= 1))
                throw Contracts.ExceptParam("EmbeddingMemoryRatio", $"EmbeddingMemoryRatio must be in (0, 1]; it is {ratio}.");
            if (precision != CtrEmbeddingPrecision.Float32)
                CheckPrecision(names, methods, precision);
            double[] full = sizes.Select(size => (double)size * dimension).ToArray();
            var sized = Enumerable.Range(0, sizes.Length).Where(f => !Unsized(methods[f])).ToArray();
            // The budget left for the sized fields once the others take their full (or quantized) tables, in parameters.
            double budget = ratio * full.Sum() - Enumerable.Range(0, sizes.Length).Except(sized).Sum(f => full[f]);
            if (sized.Length > 0 && budget <= 0)
                throw Contracts.ExceptParam("EmbeddingMemoryRatio", $"An EmbeddingMemoryRatio of {ratio} leaves nothing for the compressed fields once the fields kept full take theirs.");
            var smallest = new (long Parameters, string Why)[sizes.Length];
            foreach (int f in sized)
                smallest[f] = Smallest(methods[f], sizes[f], dimension);
            // Each sized field's floor: its method's smallest form, or its full table when that is no larger.
            double[] floor = sized.Select(f => Math.Min(smallest[f].Parameters, full[f])).ToArray();
            double[] ceiling = sized.Select(f => full[f]).ToArray();
            if (sized.Length > 0 && floor.Sum() > budget)
            {
                int worst = sized.OrderByDescending(f => Math.Min(smallest[f].Parameters, full[f])).First();
                throw Contracts.ExceptParam("EmbeddingMemoryRatio",
                    $"{methods[worst]} cannot meet the budget of field '{names[worst]}' ({sizes[worst]:N0} values): the compressed fields' budget is {budget:N0} parameters, "
                    + $"their smallest tables need {floor.Sum():N0} together, and this field's {smallest[worst].Why}. Raise EmbeddingMemoryRatio or choose another method for it.");
            }
            double cap = Cap(floor, ceiling, budget);
            var specs = Enumerable.Repeat(FieldTableSpec.Full, sizes.Length).ToArray();
            var share = new double[sizes.Length];
            for (int i = 0; i < sized.Length; i++)
            {
                int f = sized[i];
                share[f] = Math.Clamp(cap, floor[i], ceiling[i]);
                if (share[f] < full[f])
                    specs[f] = Sized(methods[f], sizes[f], dimension, (long)Math.Floor(share[f]), share[f] / full[f]);
            }
            foreach (int f in Enumerable.Range(0, sizes.Length).Where(f => methods[f] is CtrEmbeddingCompression.Int8 or CtrEmbeddingCompression.Int4))
                specs[f] = new FieldTableSpec(methods[f], sizes[f], 0, 0);
            // The Unified fields' shares make up the one table they share.
            var unified = Enumerable.Range(0, sizes.Length).Where(f => specs[f].Method == CtrEmbeddingCompression.Unified).ToArray();
            // Stored in fewer bits, the shares hold more rows, but never more values than the fields' full tables.
            long unifiedRows = (long)Math.Min(Math.Floor(unified.Sum(f => share[f]) * sizeof(float) / UnifiedFieldEmbeddingTable.RowBytes(dimension, precision)),
                Math.Floor(unified.Sum(f => full[f]) / UnifiedFieldEmbeddingTable.Width(dimension)));
            foreach (int f in unified)
            {
                specs[f] = specs[f] with
                {
                    Rows = unifiedRows, Rank = idsByFrequency?[f] == false ? 0 : UnifiedFieldEmbeddingTable.FrequentValues(unifiedRows), Precision = precision,
                };
            }
            // A budget every full table fits in: the fused full tables, the fast path.
            return specs.All(s => s == FieldTableSpec.Full) ? null : specs;
        }

        // Only the Unified fields' shared table has another precision; a field another method compresses, or that is quantized
        // already, is named.
        private static void CheckPrecision(string[] names, CtrEmbeddingCompression[] methods, CtrEmbeddingPrecision precision)
        {
            int quantized = Array.FindIndex(methods, m => m is CtrEmbeddingCompression.Int8 or CtrEmbeddingCompression.Int4);
            if (quantized >= 0)
                throw Contracts.ExceptParam("EmbeddingPrecision", $"EmbeddingPrecision {precision} cannot apply to field '{names[quantized]}': its method, {methods[quantized]}, quantizes it already.");
            int other = Array.FindIndex(methods, m => m is not (CtrEmbeddingCompression.None or CtrEmbeddingCompression.Unified));
            if (other >= 0)
                throw Contracts.ExceptParam("EmbeddingPrecision", $"EmbeddingPrecision {precision} stores the table Unified fields share; field '{names[other]}' uses {methods[other]}, whose tables are stored in floats. Use Unified for it, or EmbeddingPrecision Float32.");
        }

        // Post-training quantization stores full tables; it is not sized to the budget.
        private static bool Unsized(CtrEmbeddingCompression method)
            => method is CtrEmbeddingCompression.None or CtrEmbeddingCompression.Int8 or CtrEmbeddingCompression.Int4;

        // The largest cap c with Σ clamp(c, floor, ceiling) ≤ budget (the sum grows with c), by bisection.
        private static double Cap(double[] floor, double[] ceiling, double budget)
        {
            double Used(double c) => floor.Select((low, i) => Math.Clamp(c, low, ceiling[i])).Sum();
            double low = 0, high = ceiling.DefaultIfEmpty(0).Max();
            if (Used(high) <= budget)
                return high;
            for (int step = 0; step < 100; step++)
            {
                double middle = (low + high) / 2;
                if (Used(middle) <= budget)
                    low = middle;
                else
                    high = middle;
            }
            return low;
        }

        // The parameters of a method's smallest tables for a field, and why they cannot be smaller.
        private static (long Parameters, string Why) Smallest(CtrEmbeddingCompression method, int size, int dimension)
        {
            switch (method)
            {
                case CtrEmbeddingCompression.Hashing:
                case CtrEmbeddingCompression.MultiHash:
                    return (dimension, $"hashed table needs at least one row of {dimension}");
                case CtrEmbeddingCompression.Robe:
                    return (dimension, $"array needs at least {dimension} entries");
                case CtrEmbeddingCompression.Unified:
                    return (UnifiedFieldEmbeddingTable.Width(dimension), $"share of the shared table needs at least one row of {UnifiedFieldEmbeddingTable.Width(dimension)}");
                case CtrEmbeddingCompression.Pruning:
                    return (2, "sparse table needs room for at least one entry (a position and a value)");
                case CtrEmbeddingCompression.QuotientRemainder:
                {
                    long modulus = QuotientRemainderFieldEmbeddingTable.SmallestModulus(size);
                    long rows = modulus + QuotientRemainderFieldEmbeddingTable.QuotientRows(size, modulus);
                    return (rows * dimension, $"two tables need at least {rows:N0} rows of {dimension}");
                }
                case CtrEmbeddingCompression.TensorTrain:
                {
                    long parameters = TensorTrainFieldEmbeddingTable.CoreParameters(size, dimension, 1);
                    return (parameters, $"cores need {parameters:N0} parameters at rank 1");
                }
                case CtrEmbeddingCompression.MixedDimension:
                {
                    long parameters = MixedDimensionFieldEmbeddingTable.Parameters(size, dimension, 1);
                    return (parameters, $"blocks of dimension 1 and their projections need {parameters:N0} parameters");
                }
                case CtrEmbeddingCompression.DeepHashEmbedding:
                {
                    long parameters = DeepHashFieldEmbeddingTable.Parameters(dimension, 2);
                    return (parameters, $"MLP needs {parameters:N0} parameters at width 2");
                }
                default:
                    throw new ArgumentOutOfRangeException(nameof(method), $"{method} is not sized to a budget.");
            }
        }

        // A field's tables compressed to at most `parameters` embedding parameters (at least its method's smallest).
        private static FieldTableSpec Sized(CtrEmbeddingCompression method, int size, int dimension, long parameters, double share)
        {
            long firstOrderRows = Math.Max(1, (long)Math.Floor(size * share));
            switch (method)
            {
                case CtrEmbeddingCompression.Hashing:
                case CtrEmbeddingCompression.MultiHash:
                    return new FieldTableSpec(method, parameters / dimension, 0, firstOrderRows);
                case CtrEmbeddingCompression.Robe:
                    return new FieldTableSpec(method, parameters, 0, firstOrderRows);
                case CtrEmbeddingCompression.Unified:
                    // Its rows are the shared table's, set once every Unified field's share is known.
                    return new FieldTableSpec(method, 0, 0, firstOrderRows);
                case CtrEmbeddingCompression.Pruning:
                    return new FieldTableSpec(method, parameters / 2, 0, firstOrderRows);
                case CtrEmbeddingCompression.QuotientRemainder:
                {
                    // The smallest modulus whose two tables fit: the quotient table takes the rest of the rows.
                    long rows = parameters / dimension, modulus = QuotientRemainderFieldEmbeddingTable.SmallestModulus(size);
                    while (modulus > 1 && modulus - 1 + QuotientRemainderFieldEmbeddingTable.QuotientRows(size, modulus - 1) <= rows)
                        modulus--;
                    return new FieldTableSpec(method, modulus, 0, firstOrderRows);
                }
                case CtrEmbeddingCompression.TensorTrain:
                {
                    int rank = 1;
                    while (TensorTrainFieldEmbeddingTable.CoreParameters(size, dimension, rank + 1) <= parameters)
                        rank++;
                    return new FieldTableSpec(method, 0, rank, firstOrderRows);
                }
                case CtrEmbeddingCompression.MixedDimension:
                {
                    int first = dimension;
                    while (first > 1 && MixedDimensionFieldEmbeddingTable.Parameters(size, dimension, first) > parameters)
                        first--;
                    return new FieldTableSpec(method, 0, first, firstOrderRows);
                }
                case CtrEmbeddingCompression.DeepHashEmbedding:
                {
                    int width = 2;
                    while (DeepHashFieldEmbeddingTable.Parameters(dimension, width + 1) <= parameters)
                        width++;
                    return new FieldTableSpec(method, 0, width, firstOrderRows);
                }
                default:
                    throw new ArgumentOutOfRangeException(nameof(method), $"{method} is not sized to a budget.");
            }
        }
    }
}
