using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExt.Neural.Featurization;
using Microsoft.ML.Model.OnnxConverter;
using MLExt.Neural.Networks;
using MLExt.Neural.Onnx;
using MLExt.Neural.Tasks;
using MLExt.Neural.Training;
using MLExt.Threading;
using TorchSharp;

namespace MLExt.Neural.Scoring
{
    /// <summary>
    /// The input view with the task's output columns added, scored in batches: a look-ahead cursor featurizes the
    /// next rows and runs the network on all of them at once (in the background, while it featurizes the batch after), while the
    /// main cursor serves the input's own columns. Both cursors walk the input in its (deterministic, unshuffled) order, so row i
    /// of one is row i of the other.
    /// </summary>
    internal sealed class BatchScoredDataView : ITransformCanSaveOnnx
    {
        private readonly IDataView _input;
        private readonly NeuralFeaturizer _featurizer;
        private readonly NeuralNetwork _network;
        private readonly torch.Device _device;
        private readonly int _batchSize;
        private readonly NeuralTask _task;

        public BatchScoredDataView(IDataView input, NeuralFeaturizer featurizer, NeuralNetwork network, NeuralTask task, torch.Device device, int batchSize)
        {
            _task = task;
            _input = input;
            _featurizer = featurizer;
            _network = network;
            _device = device;
            _batchSize = batchSize;
            var builder = new DataViewSchema.Builder();
            builder.AddColumns(input.Schema);
            foreach (DataViewSchema.DetachedColumn column in task.OutputColumns())
                builder.AddColumn(column.Name, column.Type, column.Annotations);
            Schema = builder.ToSchema();
        }

        public DataViewSchema Schema { get; }

        /// <inheritdoc/>
        public IDataView Source => _input;

        // The view is rebuilt by its transformer, which is what a model saves.
        void ICanSaveModel.Save(ModelSaveContext ctx) => throw new NotSupportedException("Save the transformer that made this view.");

        // Always true, so an export that cannot be made fails with its reason (see NeuralOnnxExport) rather than ML.NET's generic one.
        public bool CanSaveOnnx(OnnxContext ctx) => true;

        public void SaveAsOnnx(OnnxContext ctx) => NeuralOnnxExport.Export(ctx, _featurizer, _network, _task, _input.Schema);

        public bool CanShuffle => false;

        public long? GetRowCount() => _input.GetRowCount();

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random rand = null)
        {
            var needed = columnsNeeded.ToArray();
            int inputCount = _input.Schema.Count;
            DataViewRowCursor main = _input.GetRowCursor(needed.Where(c => c.Index < inputCount).Select(c => _input.Schema[c.Index]));
            DataViewRowCursor lookAhead = needed.Any(c => c.Index >= inputCount)
                ? _input.GetRowCursor(_featurizer.InputColumns.Select(name => _input.Schema[name]))
                : null;
            return new Cursor(this, main, lookAhead);
        }

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random rand = null)
            => new[] { GetRowCursor(columnsNeeded, rand) };

        private sealed class Cursor : DataViewRowCursor
        {
            private readonly BatchScoredDataView _view;
            private readonly DataViewRowCursor _main;
            private readonly DataViewRowCursor _lookAhead;
            private readonly Action<ulong[], float[], int> _read;
            private readonly ulong[] _keys;
            // Two batches take turns: one is scored in the background while the other is featurized.
            private readonly PendingBatch[] _batches;
            private PendingBatch _scoring;
            private int _turn;
            private float[] _outputs;
            private long _row = -1;
            private long _bufferStart;
            private int _bufferCount;

            public Cursor(BatchScoredDataView view, DataViewRowCursor main, DataViewRowCursor lookAhead)
            {
                _view = view;
                _main = main;
                _lookAhead = lookAhead;
                _read = lookAhead == null ? null : view._featurizer.BindReader(lookAhead);
                _keys = lookAhead == null ? null : new ulong[view._batchSize * view._featurizer.IdWidth];
                _batches = lookAhead == null ? null : new[] { new PendingBatch(view), new PendingBatch(view) };
            }

            public override DataViewSchema Schema => _view.Schema;

            public override long Position => _main.Position;

            public override long Batch => _main.Batch;

            public override ValueGetter<DataViewRowId> GetIdGetter() => _main.GetIdGetter();

            public override bool IsColumnActive(DataViewSchema.Column column)
                => column.Index < _view._input.Schema.Count ? _main.IsColumnActive(_view._input.Schema[column.Index]) : _lookAhead != null;

            public override bool MoveNext()
            {
                if (!_main.MoveNext())
                    return false;
                _row++;
                if (_lookAhead != null && _row >= _bufferStart + _bufferCount)
                    Fill();
                return true;
            }

            // Takes the scores of the batch that was queued last time (featurizing and queueing the first batch on the first call),
            // featurizing the batch after it while the network runs, and queues that one in turn: featurization on this thread
            // overlaps the network's forward passes. (Encoding on the network's thread instead left this thread idle and scored
            // FM 25% slower.)
            private void Fill()
            {
                PendingBatch ready = _scoring ?? Queue(Featurize());
                PendingBatch following = Featurize();
                _outputs = ready.Scores.GetAwaiter().GetResult();
                _bufferStart = _row;
                _bufferCount = ready.Count;
                _scoring = following.Count > 0 ? Queue(following) : null;
            }

            private PendingBatch Featurize()
            {
                PendingBatch batch = _batches[_turn];
                _turn = 1 - _turn;
                batch.Count = 0;
                while (batch.Count < _view._batchSize && _lookAhead.MoveNext())
                    _read(_keys, batch.Numeric, batch.Count++);
                NeuralFeaturizer featurizer = _view._featurizer;
                featurizer.Encode(_keys.AsSpan(0, batch.Count * featurizer.IdWidth), batch.Ids, batch.Numeric.AsSpan(0, batch.Count * featurizer.NumericCount));
                return batch;
            }

            private PendingBatch Queue(PendingBatch batch)
            {
                var rows = FeaturizedRows.InMemory(_view._featurizer.IdWidth, _view._featurizer.NumericCount, batch.Ids, batch.Numeric, batch.Count);
                batch.Scores = TorchWorkThread.Run(() => TrainingLoop.Predict(_view._network, rows, batch.Tensors, _view._device));
                return batch;
            }

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
            {
                int inputCount = _view._input.Schema.Count;
                if (column.Index < inputCount)
                    return _main.GetGetter<TValue>(_view._input.Schema[column.Index]);
                int width = _view._task.Outputs;
                return (ValueGetter<TValue>)_view._task.OutputGetter(column.Index - inputCount, () => _outputs.AsSpan((int)(_row - _bufferStart) * width, width));
            }

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    // A batch still being scored uses buffers and the network: let it finish. Its scores (or error) are not needed.
                    try
                    {
                        _scoring?.Scores.Wait();
                    }
                    catch (AggregateException)
                    {
                    }
                    _main.Dispose();
                    _lookAhead?.Dispose();
                }
                base.Dispose(disposing);
            }
        }

        /// <summary>A batch's featurized rows, its tensor buffers, and its scores once the network has run.</summary>
        private sealed class PendingBatch
        {
            public PendingBatch(BatchScoredDataView view)
            {
                Ids = new int[view._batchSize * view._featurizer.IdWidth];
                Numeric = new float[view._batchSize * view._featurizer.NumericCount];
                Tensors = new TensorBatch(view._batchSize, view._featurizer.IdWidth, view._featurizer.NumericCount);
            }

            public int[] Ids { get; }

            /// <summary>The numbers as read, standardized in place.</summary>
            public float[] Numeric { get; }

            public TensorBatch Tensors { get; }

            public int Count { get; set; }

            public Task<float[]> Scores { get; set; }
        }
    }
}
