using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLExt.Neural.Tasks;

namespace MLExt.Neural.Featurization
{
    /// <summary>
    /// The columnar cache the training loop reads: every row's ids and numeric values (in memory, or past a memory budget in a
    /// memory-mapped temporary file), its label and weight, built in one pass so that epochs do not re-read or re-featurize the
    /// data view. A subset (the validation split) shares the rows of the cache it was taken from.
    /// </summary>
    internal sealed class FeaturizedRows : IDisposable
    {
        // A progress message every 1,048,576 rows (256 chunks) on large data.
        private const int ProgressRows = 1 << 20;

        private readonly RowStore _store;
        private readonly int[] _rows;

        private FeaturizedRows(RowStore store, int[] rows, float[] labels, float[] weights)
        {
            _store = store;
            _rows = rows;
            Labels = labels;
            Weights = weights;
        }

        public int Rows => Labels.Length;

        /// <summary>Ids per row.</summary>
        public int IdWidth => _store.IdWidth;

        public int NumericFields => _store.NumericWidth;

        /// <summary>Whether the rows went to a memory-mapped file.</summary>
        public bool OnDisk => _store is FileRowStore;

        /// <summary>The labels as the task reads them (binary: 1 for true, 0 for false; multiclass: the class index; regression: the value).</summary>
        public float[] Labels { get; }

        /// <summary>Example weights, or null when all are 1.</summary>
        public float[] Weights { get; }

        /// <summary>Rows already featurized (a batch to score); labels are not known.</summary>
        public static FeaturizedRows InMemory(int idWidth, int numericWidth, int[] ids, float[] numeric, int rows)
            => new FeaturizedRows(new ArrayRowStore(idWidth, numericWidth, new[] { ids }, new[] { numeric }, Math.Max(rows, 1), rows), null, new float[rows], null);

        /// <summary>The most rows <see cref="Read"/>'s reading thread is ahead of its encoding: the chunk being encoded and the
        /// one being read.</summary>
        public const int RowsInFlight = 2 * Chunk.Rows;

        /// <summary>Copies row <paramref name="row"/>'s ids and numeric values.</summary>
        public void CopyRow(int row, Span<long> ids, Span<float> numeric) => _store.Read(_rows?[row] ?? row, ids, numeric);

        /// <summary>
        /// Encodes every row of <paramref name="data"/> into a new cache, kept in memory up to the budget. The cursor's thread
        /// reads a chunk of rows while another thread encodes and stores the chunk read before it.
        /// </summary>
        public static FeaturizedRows Read(IHost host, IDataView data, RowEncoder encoder, NeuralTask task, string labelColumn, string weightColumn, long memoryBudgetBytes)
        {
            DataViewSchema schema = data.Schema;
            var columns = encoder.InputColumns.Append(labelColumn).Concat(weightColumn == null ? Enumerable.Empty<string>() : new[] { weightColumn })
                .Select(name => schema[name]).GroupBy(c => c.Index).Select(g => g.First());
            using IChannel channel = host.Start("Featurizing");
            using DataViewRowCursor cursor = data.GetRowCursor(columns);
            Action<ulong[], float[], int> read = encoder.BindReader(cursor);
            Func<float> label = task.BindLabel(cursor, schema[labelColumn], host);
            ValueGetter<float> weight = weightColumn == null ? null : cursor.GetGetter<float>(schema[weightColumn]);
            var store = new FileRowStore.Writer(encoder.IdWidth, encoder.NumericCount, memoryBudgetBytes);
            var labels = new List<float>();
            var weights = weightColumn == null ? null : new List<float>();
            var chunks = new[] { new Chunk(encoder), new Chunk(encoder) };
            Task encoding = Task.CompletedTask;
            float w = 1;
            try
            {
                for (int turn = 0; ; turn = 1 - turn)
                {
                    host.CheckAlive();
                    Chunk chunk = chunks[turn];
                    int count = 0;
                    for (; count < Chunk.Rows && cursor.MoveNext(); count++)
                    {
                        read(chunk.Keys, chunk.Numbers, count);
                        labels.Add(label());
                        if (weight == null)
                            continue;
                        weight(ref w);
                        if (!(w >= 0) || float.IsInfinity(w))
                            throw host.Except($"Weight column '{weightColumn}' holds {w} in row {cursor.Position}; weights must be finite and not negative.");
                        weights.Add(w);
                    }
                    // The other chunk is free once its rows are stored.
                    encoding.GetAwaiter().GetResult();
                    if (count == 0)
                        break;
                    if (labels.Count % ProgressRows == 0)
                        channel.Info($"{labels.Count:N0} rows read.");
                    encoding = Task.Run(() =>
                    {
                        encoder.Encode(chunk.Keys.AsSpan(0, count * encoder.IdWidth), chunk.Ids, chunk.Numbers.AsSpan(0, count * encoder.NumericCount));
                        store.Add(chunk.Ids, chunk.Numbers, count);
                    });
                }
            }
            catch
            {
                // The store is discarded once no chunk is being written to it.
                encoding.ContinueWith(_ => store.Discard(), TaskScheduler.Default).Wait();
                throw;
            }
            return new FeaturizedRows(store.Finish(), null, labels.ToArray(), weights?.ToArray());
        }

        /// <summary>Rewrites every stored row in place (shared with subsets).</summary>
        public void Rewrite(RowStore.RowRewrite rewrite) => _store.Rewrite(rewrite);

        /// <summary>The rows at the given positions, sharing this cache's storage.</summary>
        public FeaturizedRows Subset(int[] rows)
            => new FeaturizedRows(_store, rows.Select(r => _rows?[r] ?? r).ToArray(), rows.Select(r => Labels[r]).ToArray(),
                Weights == null ? null : rows.Select(r => Weights[r]).ToArray());

        /// <summary>Releases the storage (shared with subsets: dispose the cache they were taken from, once).</summary>
        public void Dispose() => _store.Dispose();

        /// <summary>Buffers for a chunk of rows between reading and storing.</summary>
        private sealed class Chunk
        {
            public const int Rows = 4096;

            public Chunk(RowEncoder encoder)
            {
                Keys = new ulong[Rows * encoder.IdWidth];
                Ids = new int[Rows * encoder.IdWidth];
                Numbers = new float[Rows * encoder.NumericCount];
            }

            public ulong[] Keys { get; }

            public int[] Ids { get; }

            /// <summary>Raw numbers as read, encoded in place.</summary>
            public float[] Numbers { get; }
        }
    }
}
