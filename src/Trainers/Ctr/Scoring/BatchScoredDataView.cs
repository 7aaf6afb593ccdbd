using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExt.Trainers.Ctr.Featurization;
using MLExt.Trainers.Ctr.Networks;
using MLExt.Trainers.Ctr.Training;
using TorchSharp;

namespace MLExt.Trainers.Ctr.Scoring
{
    /// <summary>
    /// The input view with Score, Probability and PredictedLabel added, scored in batches: a look-ahead cursor featurizes the
    /// next rows and runs the network on all of them at once, while the main cursor serves the input's own columns. Both cursors
    /// walk the input in its (deterministic, unshuffled) order, so row i of one is row i of the other.
    /// </summary>
    internal sealed class BatchScoredDataView : IDataView
    {
        private readonly IDataView _input;
        private readonly CtrFeaturizer _featurizer;
        private readonly CtrNetwork _network;
        private readonly torch.Device _device;
        private readonly int _batchSize;

        public BatchScoredDataView(IDataView input, CtrFeaturizer featurizer, CtrNetwork network, torch.Device device, int batchSize)
        {
            _input = input;
            _featurizer = featurizer;
            _network = network;
            _device = device;
            _batchSize = batchSize;
            var builder = new DataViewSchema.Builder();
            builder.AddColumns(input.Schema);
            foreach (DataViewSchema.DetachedColumn column in CtrTransformer.OutputColumns())
                builder.AddColumn(column.Name, column.Type, column.Annotations);
            Schema = builder.ToSchema();
        }

        public DataViewSchema Schema { get; }

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
            private readonly Action<int[], float[], int> _encode;
            private readonly int[] _ids;
            private readonly float[] _numeric;
            private readonly TensorBatch _batch;
            private float[] _logits;
            private long _row = -1;
            private long _bufferStart;
            private int _bufferCount;

            public Cursor(BatchScoredDataView view, DataViewRowCursor main, DataViewRowCursor lookAhead)
            {
                _view = view;
                _main = main;
                _lookAhead = lookAhead;
                _encode = lookAhead == null ? null : view._featurizer.Bind(lookAhead);
                _ids = new int[view._batchSize * view._featurizer.IdWidth];
                _numeric = new float[view._batchSize * view._featurizer.NumericCount];
                _batch = new TensorBatch(view._batchSize, view._featurizer.IdWidth, view._featurizer.NumericCount);
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

            // Featurizes up to a batch of the rows ahead and scores them in one forward pass.
            private void Fill()
            {
                int count = 0;
                while (count < _view._batchSize && _lookAhead.MoveNext())
                    _encode(_ids, _numeric, count++);
                var rows = CtrData.InMemory(_view._featurizer.IdWidth, _view._featurizer.NumericCount, _ids, _numeric, count);
                _logits = CtrTrainingLoop.Predict(_view._network, rows, _batch, _view._device);
                _bufferStart = _row;
                _bufferCount = count;
            }

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
            {
                int inputCount = _view._input.Schema.Count;
                if (column.Index < inputCount)
                    return _main.GetGetter<TValue>(_view._input.Schema[column.Index]);
                return (ValueGetter<TValue>)CtrTransformer.OutputGetter(column.Index - inputCount, () => _logits[_row - _bufferStart]);
            }

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    _main.Dispose();
                    _lookAhead?.Dispose();
                }
                base.Dispose(disposing);
            }
        }
    }
}
