using System;
using System.Collections.Generic;
using System.IO;
using System.IO.MemoryMappedFiles;

namespace MLExt.Trainers.Ctr.Featurization
{
    /// <summary>Featurized rows (ids, then numeric values) by position: in arrays, or in a memory-mapped temporary file.</summary>
    internal abstract class RowStore : IDisposable
    {
        protected RowStore(int idWidth, int numericWidth)
        {
            IdWidth = idWidth;
            NumericWidth = numericWidth;
        }

        public int IdWidth { get; }

        public int NumericWidth { get; }

        /// <summary>Copies stored row <paramref name="row"/> into the buffers at the given offsets.</summary>
        public abstract void Read(int row, int[] ids, int idOffset, float[] numeric, int numericOffset);

        public virtual void Dispose()
        {
        }
    }

    internal sealed class ArrayRowStore : RowStore
    {
        private readonly int[] _ids;
        private readonly float[] _numeric;

        public ArrayRowStore(int idWidth, int numericWidth, int[] ids, float[] numeric) : base(idWidth, numericWidth)
        {
            _ids = ids;
            _numeric = numeric;
        }

        public override void Read(int row, int[] ids, int idOffset, float[] numeric, int numericOffset)
        {
            Array.Copy(_ids, (long)row * IdWidth, ids, idOffset, IdWidth);
            Array.Copy(_numeric, (long)row * NumericWidth, numeric, numericOffset, NumericWidth);
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

        private FileRowStore(int idWidth, int numericWidth, string path) : base(idWidth, numericWidth)
        {
            _recordBytes = 4L * (idWidth + numericWidth);
            _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            _view = _file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            File.Delete(path);
        }

        public override void Read(int row, int[] ids, int idOffset, float[] numeric, int numericOffset)
        {
            long at = row * _recordBytes;
            _view.ReadArray(at, ids, idOffset, IdWidth);
            _view.ReadArray(at + 4L * IdWidth, numeric, numericOffset, NumericWidth);
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

            public Writer(int idWidth, int numericWidth, long budgetBytes)
            {
                _idWidth = idWidth;
                _numericWidth = numericWidth;
                _budgetBytes = budgetBytes;
            }

            public void Add(int[] ids, float[] numeric)
            {
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
                    return new ArrayRowStore(_idWidth, _numericWidth, _ids.ToArray(), _numeric.ToArray());
                _file.Dispose();
                return new FileRowStore(_idWidth, _numericWidth, _path);
            }

            private void Spill()
            {
                _path = Path.Combine(Path.GetTempPath(), $"mlext-ctr-cache-{Guid.NewGuid():N}.bin");
                _file = new BinaryWriter(new BufferedStream(File.Create(_path), 1 << 20));
                int rows = _idWidth > 0 ? _ids.Count / _idWidth : _numeric.Count / Math.Max(1, _numericWidth);
                var ids = new int[_idWidth];
                var numeric = new float[_numericWidth];
                for (int r = 0; r < rows; r++)
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
