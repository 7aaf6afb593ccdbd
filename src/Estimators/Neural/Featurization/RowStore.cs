using System;
using System.Collections.Generic;
using System.IO;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace MLExt.Neural.Featurization
{
    /// <summary>Featurized rows (ids, then numeric values) by position: in arrays, or in a memory-mapped temporary file.</summary>
    internal abstract class RowStore : IDisposable
    {
        protected RowStore(int idWidth, int numericWidth, long rows)
        {
            IdWidth = idWidth;
            NumericWidth = numericWidth;
            Rows = rows;
        }

        public long Rows { get; }

        public int IdWidth { get; }

        public int NumericWidth { get; }

        /// <summary>Changes one row's stored ids and numbers in place.</summary>
        public delegate void RowRewrite(Span<int> ids, Span<float> numeric);

        /// <summary>Copies stored row <paramref name="row"/>'s ids (widened to the embedding's index type) and numbers.</summary>
        public abstract void Read(int row, Span<long> ids, Span<float> numeric);

        /// <summary>Rewrites every stored row in place, in order.</summary>
        public abstract void Rewrite(RowRewrite rewrite);

        public virtual void Dispose()
        {
        }
    }

    /// <summary>Rows in blocks of arrays: the cache grows a block at a time, never copying the rows it already holds.</summary>
    internal sealed class ArrayRowStore : RowStore
    {
        private readonly int[][] _ids;
        private readonly float[][] _numeric;
        private readonly int _blockRows;

        /// <summary>Rows in <paramref name="ids"/> and <paramref name="numeric"/>, <paramref name="blockRows"/> rows a block.</summary>
        public ArrayRowStore(int idWidth, int numericWidth, int[][] ids, float[][] numeric, int blockRows, long rows) : base(idWidth, numericWidth, rows)
        {
            _ids = ids;
            _numeric = numeric;
            _blockRows = blockRows;
        }

        public override void Read(int row, Span<long> ids, Span<float> numeric)
        {
            int block = row / _blockRows, at = row - block * _blockRows;
            ReadOnlySpan<int> stored = _ids[block].AsSpan(at * IdWidth, IdWidth);
            for (int k = 0; k < stored.Length; k++)
                ids[k] = stored[k];
            _numeric[block].AsSpan(at * NumericWidth, NumericWidth).CopyTo(numeric);
        }

        public override void Rewrite(RowRewrite rewrite)
        {
            for (long row = 0; row < Rows; row++)
            {
                int block = (int)(row / _blockRows), at = (int)(row - (long)block * _blockRows);
                rewrite(_ids[block].AsSpan(at * IdWidth, IdWidth), _numeric[block].AsSpan(at * NumericWidth, NumericWidth));
            }
        }
    }

    /// <summary>
    /// Rows in a temporary file of fixed-size records, mapped into memory: the operating system pages them in and out, so the
    /// cache can be larger than the memory budget. The file is deleted as soon as it is mapped.
    /// </summary>
    internal sealed class FileRowStore : RowStore
    {
        private readonly MemoryMappedFile _file;
        private readonly MemoryMappedViewAccessor _view;
        private readonly long _recordBytes;
        private readonly int[] _idBuffer;
        private readonly float[] _numericBuffer;

        private FileRowStore(int idWidth, int numericWidth, string path, long rows) : base(idWidth, numericWidth, rows)
        {
            _recordBytes = 4L * (idWidth + numericWidth);
            _idBuffer = new int[idWidth];
            _numericBuffer = new float[numericWidth];
            _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.ReadWrite);
            _view = _file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.ReadWrite);
            File.Delete(path);
        }

        /// <inheritdoc/>
        /// <remarks>Not thread-safe: rows pass through one buffer.</remarks>
        public override void Read(int row, Span<long> ids, Span<float> numeric)
        {
            long at = row * _recordBytes;
            _view.ReadArray(at, _idBuffer, 0, IdWidth);
            _view.ReadArray(at + 4L * IdWidth, _numericBuffer, 0, NumericWidth);
            for (int k = 0; k < IdWidth; k++)
                ids[k] = _idBuffer[k];
            _numericBuffer.AsSpan().CopyTo(numeric);
        }

        public override void Rewrite(RowRewrite rewrite)
        {
            for (long row = 0; row < Rows; row++)
            {
                long at = row * _recordBytes;
                _view.ReadArray(at, _idBuffer, 0, IdWidth);
                _view.ReadArray(at + 4L * IdWidth, _numericBuffer, 0, NumericWidth);
                rewrite(_idBuffer, _numericBuffer);
                _view.WriteArray(at, _idBuffer, 0, IdWidth);
                _view.WriteArray(at + 4L * IdWidth, _numericBuffer, 0, NumericWidth);
            }
        }

        public override void Dispose()
        {
            _view.Dispose();
            _file.Dispose();
        }

        /// <summary>Collects rows in memory until they pass the budget, then moves them, and every later row, to a file.</summary>
        public sealed class Writer
        {
            // 16,384 rows a block: a few MB for Criteo's 39 fields, little waste on a small table.
            private const int BlockRows = 1 << 14;

            private readonly int _idWidth;
            private readonly int _numericWidth;
            private readonly long _budgetBytes;
            private List<int[]> _idBlocks = new List<int[]>();
            private List<float[]> _numericBlocks = new List<float[]>();
            private string _path;
            private BinaryWriter _file;
            private long _rows;

            public Writer(int idWidth, int numericWidth, long budgetBytes)
            {
                _idWidth = idWidth;
                _numericWidth = numericWidth;
                _budgetBytes = budgetBytes;
            }

            /// <summary>Appends <paramref name="count"/> rows: their ids, then their numbers, row after row.</summary>
            public void Add(ReadOnlySpan<int> ids, ReadOnlySpan<float> numeric, int count)
            {
                if (_file != null)
                {
                    Write(ids, numeric, count);
                    _rows += count;
                    return;
                }
                for (int done = 0; done < count;)
                {
                    int at = (int)(_rows % BlockRows);
                    if (at == 0)
                    {
                        _idBlocks.Add(new int[BlockRows * _idWidth]);
                        _numericBlocks.Add(new float[BlockRows * _numericWidth]);
                    }
                    int take = Math.Min(count - done, BlockRows - at);
                    ids.Slice(done * _idWidth, take * _idWidth).CopyTo(_idBlocks[^1].AsSpan(at * _idWidth));
                    numeric.Slice(done * _numericWidth, take * _numericWidth).CopyTo(_numericBlocks[^1].AsSpan(at * _numericWidth));
                    done += take;
                    _rows += take;
                }
                if (4L * _rows * (_idWidth + _numericWidth) > _budgetBytes)
                    Spill();
            }

            public RowStore Finish()
            {
                if (_file == null)
                    return new ArrayRowStore(_idWidth, _numericWidth, _idBlocks.ToArray(), _numericBlocks.ToArray(), BlockRows, _rows);
                _file.Dispose();
                return new FileRowStore(_idWidth, _numericWidth, _path, _rows);
            }

            /// <summary>Deletes the file, if rows went to one (reading failed part way).</summary>
            public void Discard()
            {
                if (_file == null)
                    return;
                _file.Dispose();
                File.Delete(_path);
            }

            private void Spill()
            {
                _path = Path.Combine(Path.GetTempPath(), $"mlext-ctr-cache-{Guid.NewGuid():N}.bin");
                _file = new BinaryWriter(new BufferedStream(File.Create(_path), 1 << 20));
                for (int block = 0; block < _idBlocks.Count; block++)
                {
                    int rows = (int)Math.Min(BlockRows, _rows - (long)block * BlockRows);
                    Write(_idBlocks[block], _numericBlocks[block], rows);
                }
                _idBlocks = null;
                _numericBlocks = null;
            }

            // Fixed-size records: a row's ids, then its numbers.
            private void Write(ReadOnlySpan<int> ids, ReadOnlySpan<float> numeric, int rows)
            {
                for (int row = 0; row < rows; row++)
                {
                    _file.Write(MemoryMarshal.AsBytes(ids.Slice(row * _idWidth, _idWidth)));
                    _file.Write(MemoryMarshal.AsBytes(numeric.Slice(row * _numericWidth, _numericWidth)));
                }
            }
        }
    }
}
