using System;
using System.Diagnostics;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLExt.Transforms.VectorCompressing.Core;

namespace MLExt.Transforms
{
    /// <summary>
    /// Compresses a vector column: fits a product quantizer, a per-slot 8-bit quantizer or a principal-component projection to the
    /// training rows, and the fitted <see cref="VectorCompressionTransformer"/> outputs each row's reconstruction (compressed, then
    /// decoded), so trainers downstream work unchanged and see what a store of the compact codes would give them. The transformer
    /// reports the reconstruction error and the bytes per row, and encodes and decodes single vectors for storing the codes.
    /// </summary>
    /// <remarks>
    /// <list type="table">
    /// <item><term>Does this estimator need to look at the data to train its parameters?</term><description>Yes: one pass, keeping a sample of at most <see cref="VectorCompressionOptions.MaximumTrainingRows"/> rows in memory</description></item>
    /// <item><term>Input column</term><description>A known-size vector of Single, finite values</description></item>
    /// <item><term>Output column</term><description>A known-size vector of Single of the input's size (slot names kept): the reconstruction</description></item>
    /// <item><term>Required NuGet in addition to Microsoft.ML</term><description>MLExt.Estimators (no TorchSharp backend needed)</description></item>
    /// </list>
    /// <para>Methods and the bytes of one row's code (d values per row):</para>
    /// <list type="bullet">
    /// <item><description><see cref="VectorCompressionMethod.ProductQuantization"/>: one byte per part (Subspaces bytes), against 4d uncompressed;
    /// the codebooks hold Centroids x d floats. Fitting runs k-means on each part: O(rows x Centroids x d) per pass.</description></item>
    /// <item><description><see cref="VectorCompressionMethod.Int8"/>: d bytes, with a scale and an offset per slot in the model. A value inside the
    /// slot's training range comes back within half a step (step = range / 254); outside it, it is clamped to the range.</description></item>
    /// <item><description><see cref="VectorCompressionMethod.LowRank"/>: 4 bytes per kept coordinate (4 x Rank), with the mean and Rank directions
    /// in the model. Fitting forms the covariance, O(rows x d²), and decomposes it, O(d³).</description></item>
    /// </list>
    /// <para>
    /// A row holding NaN or an infinite value fails the fit (the message names the column and the row). When transforming, such a
    /// row cannot be encoded and its output is all NaN. The fit is deterministic for a given seed (<see cref="VectorCompressionOptions.Seed"/>,
    /// or the MLContext's).
    /// </para>
    /// </remarks>
    public sealed class VectorCompressionEstimator : IEstimator<VectorCompressionTransformer>
    {
        private readonly IHost _host;
        private readonly VectorCompressionOptions _options;

        internal VectorCompressionEstimator(IHostEnvironment env, VectorCompressionOptions options)
        {
            _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(VectorCompressionEstimator));
            _host.CheckValue(options, nameof(options));
            _options = options;
        }

        /// <inheritdoc/>
        public VectorCompressionTransformer Fit(IDataView input)
        {
            _host.CheckValue(input, nameof(input));
            _options.Check(_host);
            string name = _options.Input;
            int dimension = CheckInput(_host, input.Schema, name, null);
            VectorCompressionMethod method = _options.Method;
            int subspaces = method == VectorCompressionMethod.ProductQuantization ? ChooseSubspaces(dimension) : 0;
            if (method == VectorCompressionMethod.LowRank && _options.Rank > dimension)
                throw _host.ExceptParam(nameof(_options.Rank), $"Rank is {_options.Rank}, more than the {dimension} values per row of column '{name}'.");
            int seed = _options.Seed ?? _host.Rand.Next();

            using IChannel channel = _host.Start("Vector compression");
            var clock = Stopwatch.StartNew();
            var (rows, count, seen) = ReadSample(input, name, dimension, seed, channel);
            channel.Info($"Vector compression ({method}) of column '{name}': {seen} rows of {dimension} values read, fitting on {count}.");
            VectorCodec codec;
            switch (method)
            {
                case VectorCompressionMethod.ProductQuantization:
                    if (count < _options.Centroids)
                        channel.Warning($"Only {count} training rows for {_options.Centroids} centroids per subspace: some centroids repeat.");
                    int step = Math.Max(1, subspaces / 10), done = 0;
                    var gate = new object();
                    // Parts are fitted in parallel: their reports arrive from the worker threads, one at a time through the lock.
                    codec = ProductQuantizer.Fit(rows, count, dimension, subspaces, _options.Centroids, _options.MaxIterations, seed, (s, result) =>
                    {
                        lock (gate)
                        {
                            done++;
                            if (done % step == 0 || done == subspaces)
                                channel.Info($"{done} of {subspaces} subspaces fitted; subspace {s + 1}: k-means {(result.Converged ? "converged" : "stopped")} after {result.Iterations} passes, mean squared distance {result.Distortion:G4}.");
                        }
                        _host.CheckAlive();
                    });
                    break;
                case VectorCompressionMethod.Int8:
                    codec = Int8Quantizer.Fit(rows, count, dimension);
                    break;
                default:
                    var projection = LowRankProjection.Fit(rows, count, dimension, _options.Rank);
                    if (_options.Rank == 0)
                        channel.Info($"Rank {projection.Rank} of {dimension} keeps at least {LowRankProjection.DefaultVarianceKept:P0} of the variance.");
                    codec = projection;
                    break;
            }
            _host.CheckAlive();
            ReconstructionStats stats = ReconstructionStats.Measure(codec, rows, count);
            channel.Info($"Fitted in {clock.Elapsed.TotalSeconds:F2} s: {codec.CodeBytes} bytes per row instead of {4 * dimension}, {codec.ParameterBytes} bytes of parameters; "
                + $"reconstruction error {stats.RelativeError:G4} of the variance on the training rows.");
            return new VectorCompressionTransformer(_host, name, _options.OutputColumnName, codec, stats);
        }

        /// <inheritdoc/>
        public SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            _host.CheckValue(inputSchema, nameof(inputSchema));
            _options.Check(_host);
            string name = _options.Input;
            if (!inputSchema.TryFindColumn(name, out var column))
                throw _host.ExceptSchemaMismatch(nameof(inputSchema), "input", name);
            if (column.Kind != SchemaShape.Column.VectorKind.Vector || column.ItemType != NumberDataViewType.Single)
                throw _host.ExceptSchemaMismatch(nameof(inputSchema), "input", name, "a known-size vector of Single", column.GetTypeString());
            var columns = inputSchema.ToDictionary(c => c.Name);
            var annotations = column.Annotations.TryFindColumn(AnnotationUtils.Kinds.SlotNames, out var slotNames)
                ? new SchemaShape(new[] { slotNames }) : new SchemaShape(Array.Empty<SchemaShape.Column>());
            columns[_options.OutputColumnName] = new SchemaShape.Column(_options.OutputColumnName, SchemaShape.Column.VectorKind.Vector,
                NumberDataViewType.Single, false, annotations);
            return new SchemaShape(columns.Values);
        }

        /// <summary>The size of a valid input column (a known-size Single vector, of <paramref name="expectedSize"/> values when
        /// that is given); throws naming the column and its type otherwise.</summary>
        internal static int CheckInput(IExceptionContext ectx, DataViewSchema schema, string name, int? expectedSize)
        {
            DataViewSchema.Column? column = schema.GetColumnOrNull(name);
            if (column == null)
                throw ectx.ExceptSchemaMismatch(nameof(schema), "input", name);
            DataViewType type = column.Value.Type;
            if (type is not VectorDataViewType vector || vector.ItemType != NumberDataViewType.Single || !vector.IsKnownSize)
                throw ectx.ExceptSchemaMismatch(nameof(schema), "input", name, "a known-size vector of Single", type.ToString());
            if (expectedSize is int size && vector.Size != size)
                throw ectx.ExceptSchemaMismatch(nameof(schema), "input", name, $"a vector of {size} Single values (the size it was fitted on)", type.ToString());
            return vector.Size;
        }

        /// <summary>The subspace count for vectors of <paramref name="dimension"/> values: the divisor nearest to dimension / 4, ties
        /// to the larger.</summary>
        internal static int DefaultSubspaces(int dimension)
        {
            if (dimension < 1)
                throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "A vector has at least one value.");
            double target = dimension / 4.0;
            int best = 1;
            for (int m = 2; m <= dimension; m++)
                if (dimension % m == 0 && Math.Abs(m - target) <= Math.Abs(best - target))
                    best = m;
            return best;
        }

        private int ChooseSubspaces(int dimension)
        {
            int subspaces = _options.Subspaces;
            if (subspaces == 0)
                return DefaultSubspaces(dimension);
            if (subspaces > dimension || dimension % subspaces != 0)
            {
                string divisors = string.Join(", ", Enumerable.Range(1, dimension).Where(m => dimension % m == 0));
                throw _host.ExceptParam(nameof(_options.Subspaces),
                    $"Subspaces is {subspaces}, which does not divide the {dimension} values per row of column '{_options.Input}': choose one of {divisors}, or 0 to choose automatically.");
            }
            return subspaces;
        }

        // One pass over the column: every row checked for finite values; a seeded reservoir sample of at most MaximumTrainingRows
        // rows kept, row-major in one array that grows as needed.
        private (float[] Rows, int Count, long Seen) ReadSample(IDataView input, string name, int dimension, int seed, IChannel channel)
        {
            // The sample lives in one array, so it is capped at the longest array too.
            int cap = (int)Math.Min(_options.MaximumTrainingRows, Array.MaxLength / dimension);
            var random = new Random(seed);
            DataViewSchema.Column column = input.Schema[name];
            using DataViewRowCursor cursor = input.GetRowCursor(new[] { column });
            ValueGetter<VBuffer<float>> getter = cursor.GetGetter<VBuffer<float>>(column);
            VBuffer<float> buffer = default;
            var row = new float[dimension];
            float[] rows = new float[(long)Math.Min(cap, 1024) * dimension];
            long seen = 0;
            int count = 0;
            while (cursor.MoveNext())
            {
                if ((seen & 4095) == 0)
                    _host.CheckAlive();
                getter(ref buffer);
                buffer.CopyTo(row);
                for (int j = 0; j < dimension; j++)
                    if (!float.IsFinite(row[j]))
                        throw _host.Except($"Column '{name}' holds {(float.IsNaN(row[j]) ? "NaN" : row[j] > 0 ? "+Infinity" : "-Infinity")} in slot {j} of row {seen} (counting from 0); "
                            + "vector compression needs finite values (replace missing values first).");
                long target = seen < cap ? seen : random.NextInt64(seen + 1);
                seen++;
                if (target >= cap)
                    continue;
                if (target == count)
                {
                    if ((long)(count + 1) * dimension > rows.Length)
                        Array.Resize(ref rows, (int)Math.Min((long)cap * dimension, 2L * rows.Length));
                    count++;
                }
                row.CopyTo(rows, (int)(target * dimension));
            }
            if (seen == 0)
                throw _host.Except($"Column '{name}' has no rows: vector compression needs at least one row to fit on.");
            if (seen > cap)
                channel.Info($"Sampled {cap} of {seen} rows (MaximumTrainingRows).");
            return (rows, count, seen);
        }
    }
}
