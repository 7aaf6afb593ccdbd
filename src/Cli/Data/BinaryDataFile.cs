using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExt.Cli.Data
{
    /// <summary>
    /// A file in ML.NET's binary IDataView format (.idv, as <c>mlContext.Data.SaveAsBinary</c> writes it): the columns carry
    /// their types. Single and Double columns are numeric (Double read as Single, as MLExt's trainers take); text, Boolean, key
    /// and integer columns are categorical.
    /// </summary>
    internal sealed class BinaryDataFile : DataFile
    {
        private readonly string _path;

        private BinaryDataFile(string path, string[] columns, bool[] numeric, string[] textBecause, long rowCount)
            : base(path, columns, numeric, textBecause, rowCount)
        {
            _path = path;
        }

        /// <exception cref="CliException">The file is not in the binary format, or has a vector column.</exception>
        public static BinaryDataFile Read(string path)
        {
            var mlContext = new MLContext();
            IDataView view;
            try
            {
                view = mlContext.Data.LoadFromBinary(path);
            }
            catch (Exception e) when (e is FormatException || e is InvalidOperationException || e is System.IO.InvalidDataException)
            {
                throw new CliException($"'{path}' is not in ML.NET's binary IDataView format: {e.Message}");
            }
            DataViewSchema.Column[] columns = view.Schema.Where(c => !c.IsHidden).ToArray();
            DataViewSchema.Column? vector = columns.Where(c => c.Type is VectorDataViewType).Select(c => (DataViewSchema.Column?)c).FirstOrDefault();
            if (vector != null)
                throw new CliException($"'{path}' column '{vector.Value.Name}' is a vector ({vector.Value.Type}); mlext reads files of scalar columns.");
            bool[] numeric = columns.Select(c => c.Type == NumberDataViewType.Single || c.Type == NumberDataViewType.Double).ToArray();
            string[] because = columns.Select((c, i) => numeric[i] ? null : $"its type in the file, {c.Type}").ToArray();
            long rows = CountRows(view);
            return new BinaryDataFile(path, columns.Select(c => c.Name).ToArray(), numeric, because, rows);
        }

        /// <summary>The file's columns as stored, Double ones converted to Single; a model's input schema is not needed to type them.</summary>
        public override IDataView Load(MLContext mlContext, DataViewSchema modelInput = null)
        {
            IDataView view = mlContext.Data.LoadFromBinary(_path);
            InputOutputColumnPair[] doubles = view.Schema.Where(c => !c.IsHidden && c.Type == NumberDataViewType.Double)
                .Select(c => new InputOutputColumnPair(c.Name)).ToArray();
            return doubles.Length == 0 ? view : mlContext.Transforms.Conversion.ConvertType(doubles, DataKind.Single).Fit(view).Transform(view);
        }
    }
}
