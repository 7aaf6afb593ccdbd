using System;
using System.Collections.Generic;
using System.IO;
using System.IO.MemoryMappedFiles;

namespace MLExt.Trainers.Ctr.Featurization
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

    internal sealed class ArrayRowStore : RowStore
    {
        private readonly int[] _ids;
        private readonly float[] _numeric;

        public ArrayRowStore(int idWidth, int numericWidth, int[] ids, float[] numeric, long rows) : base(idWidth, numericWidth, rows)
        {
            _ids = ids;
            _numeric = numeric;
        }

        public override void Read(int row, Span<long> ids, Span<float> numeric)
        {
            ReadOnlySpan<int> stored = _ids.AsSpan(row * IdWidth, IdWidth);
            for (int k = 0; k < stored.Length; k++)
                ids[k] = stored[k];
            _numeric.AsSpan(row * NumericWidth, NumericWidth).CopyTo(numeric);
        }

        public override void Rewrite(RowRewrite rewrite)
        {
            for (long row = 0; row < Rows; row++)
                rewrite(_ids.AsSpan((int)(row * IdWidth), IdWidth), _numeric.AsSpan((int)(row * NumericWidth), NumericWidth));
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
            private readonly int _idWidth;
            private readonly int _numericWidth;
            private readonly long _budgetBytes;
            private List<int> _ids = new List<int>();
            private List<float> _numeric = new List<float>();
            private string _path;
            private BinaryWriter _file;
            private long _rows;

            public Writer(int idWidth, int numericWidth, long budgetBytes)
            {
                _idWidth = idWidth;
                _numericWidth = numericWidth;
                _budgetBytes = budgetBytes;
            }

            public void Add(int[] ids, float[] numeric)
            {
                _rows++;
                if (_file == null)
                {
                    _ids.AddRange(ids);
                    _numeric.AddRange(numeric);
                    if (4L * (_ids.Count + _numeric.Count) > _budgetBytes)
                        Spill();
                    return;
                }
                Write(ids, numeric);
            }

            public RowStore Finish()
            {
                if (_file == null)
                    return new ArrayRowStore(_idWidth, _numericWidth, _ids.ToArray(), _numeric.ToArray(), _rows);
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
                var ids = new int[_idWidth];
                var numeric = new float[_numericWidth];
                for (int r = 0; r < _rows; r++)
                {
                    _ids.CopyTo(r * _idWidth, ids, 0, _idWidth);
                    _numeric.CopyTo(r * _numericWidth, numeric, 0, _numericWidth);
                    Write(ids, numeric);
                }
                _ids = null;
                _numeric = null;
            }

            private void Write(int[] ids, float[] numeric)
            {
                foreach (int id in ids)
                    _file.Write(id);
                foreach (float value in numeric)
                    _file.Write(value);
            }
        }
    }
}
