using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Spectre.Console;

namespace MLExt.Cli.Data
{
    /// <summary>
    /// A delimited text file with a header row (CSV or TSV, gzip-compressed too). <see cref="Scan"/> reads it once: it checks
    /// that every line has the header's number of fields (naming the first line that does not) and infers each column's type,
    /// numeric when every non-empty value parses as a number, text otherwise, keeping the value that made it text.
    /// </summary>
    internal sealed class DelimitedFile : IDisposable
    {
        // The column types a text loader can parse a field into.
        private static readonly Dictionary<Type, DataKind> TextKinds = new()
        {
            [typeof(float)] = DataKind.Single, [typeof(double)] = DataKind.Double, [typeof(bool)] = DataKind.Boolean,
            [typeof(ReadOnlyMemory<char>)] = DataKind.String, [typeof(int)] = DataKind.Int32, [typeof(long)] = DataKind.Int64,
        };

        private readonly string _displayPath;
        private readonly string _textPath;
        private readonly bool _ownsTextPath;

        private DelimitedFile(string displayPath, string textPath, bool ownsTextPath, char separator, string[] columns, bool[] numeric, string[] textBecause, long rowCount)
        {
            _displayPath = displayPath;
            _textPath = textPath;
            _ownsTextPath = ownsTextPath;
            Separator = separator;
            Columns = columns;
            Numeric = numeric;
            TextBecause = textBecause;
            RowCount = rowCount;
        }

        public char Separator { get; }

        public string[] Columns { get; }

        /// <summary>Per column: every non-empty value is a number.</summary>
        public bool[] Numeric { get; }

        /// <summary>Per text column, why: the first value that is not a number and its line; null for numeric columns.</summary>
        public string[] TextBecause { get; }

        /// <summary>Data rows (lines after the header, blank lines not counted).</summary>
        public long RowCount { get; }

        /// <exception cref="CliException">The file is missing, has no header, or has a line with the wrong number of fields.</exception>
        public static DelimitedFile Scan(string path)
        {
            if (!File.Exists(path))
                throw new CliException($"The file '{path}' does not exist.");
            bool gzip = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
            // ML.NET's text loader reads plain text: a gzip file is expanded once into a temporary file beside the scan.
            string textPath = gzip ? System.IO.Path.GetTempFileName() : path;
            try
            {
                using TextReader reader = gzip ? ExpandGzip(path, textPath) : new StreamReader(path);
                string header = reader.ReadLine();
                if (string.IsNullOrWhiteSpace(header))
                    throw new CliException($"'{path}' is empty: it needs a header row naming the columns, then data rows.");
                string plainName = gzip ? path[..^3] : path;
                char separator = plainName.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) || (header.Contains('\t') && !header.Contains(',')) ? '\t' : ',';
                string[] columns = Split(header, separator, path, 1);
                bool[] numeric = Enumerable.Repeat(true, columns.Length).ToArray();
                string[] because = new string[columns.Length];
                long rows = 0, lineNumber = 1;
                for (string line = reader.ReadLine(); line != null; line = reader.ReadLine())
                {
                    lineNumber++;
                    if (line.Length == 0)
                        continue;
                    string[] fields = Split(line, separator, path, lineNumber);
                    if (fields.Length != columns.Length)
                        throw new CliException($"'{path}' line {lineNumber} has {fields.Length} fields; the header has {columns.Length}.");
                    rows++;
                    for (int c = 0; c < columns.Length; c++)
                    {
                        if (numeric[c] && fields[c].Length > 0 && !float.TryParse(fields[c], NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                        {
                            numeric[c] = false;
                            because[c] = $"'{fields[c]}' on line {lineNumber}";
                        }
                    }
                }
                return new DelimitedFile(path, textPath, gzip, separator, columns, numeric, because, rows);
            }
            catch
            {
                if (gzip)
                    File.Delete(textPath);
                throw;
            }
        }

        /// <summary>The column's index.</summary>
        /// <exception cref="CliException">No column has that name; the message lists the columns.</exception>
        public int IndexOf(string column)
        {
            int index = Array.IndexOf(Columns, column);
            if (index < 0)
                throw new CliException($"No column is named '{column}'. The columns are: {string.Join(", ", Columns)}.");
            return index;
        }

        /// <summary>
        /// The rows as a data view, streamed from the file. Numeric columns are read as Single (empty: missing) and the rest as
        /// text, except that each column a model's input schema names (<paramref name="modelInput"/>) gets the type it has
        /// there, so the file is parsed as the number, Boolean or text the model was trained on.
        /// </summary>
        /// <exception cref="CliException">The model takes a column whose type a text file cannot hold (a vector, a key).</exception>
        public IDataView Load(MLContext mlContext, DataViewSchema modelInput = null)
        {
            var columns = Columns.Select((name, i) =>
            {
                DataViewSchema.Column? expected = modelInput?.GetColumnOrNull(name);
                if (expected == null)
                    return new TextLoader.Column(name, Numeric[i] ? DataKind.Single : DataKind.String, i);
                if (expected.Value.Type is KeyDataViewType || !TextKinds.TryGetValue(expected.Value.Type.RawType, out DataKind kind))
                    throw new CliException($"The model takes '{name}' as {expected.Value.Type}, which a column of a text file cannot hold.");
                return new TextLoader.Column(name, kind, i);
            }).ToArray();
            return mlContext.Data.CreateTextLoader(new TextLoader.Options { Separators = new[] { Separator }, HasHeader = true, AllowQuoting = true, Columns = columns })
                .Load(_textPath);
        }

        /// <summary>Says how many columns besides the label were read as numbers and as categories, and which value made each category.</summary>
        /// <param name="numericColumns">What the command calls the numeric columns (how it uses them).</param>
        public void ReportTypes(IAnsiConsole console, int labelIndex, string numericColumns)
        {
            int numeric = Numeric.Where((n, i) => n && i != labelIndex).Count();
            console.WriteLine($"Read {RowCount:N0} rows: {numeric} {numericColumns}, {Columns.Length - 1 - numeric} categorical.");
            for (int i = 0; i < Columns.Length; i++)
                if (!Numeric[i] && i != labelIndex)
                    console.WriteLine($"  {Columns[i]}: categorical, because of {TextBecause[i]}");
        }

        /// <exception cref="CliException">The file has a header and no data rows.</exception>
        public void RequireRows()
        {
            if (RowCount == 0)
                throw new CliException($"'{_displayPath}' has a header but no data rows.");
        }

        public void Dispose()
        {
            if (_ownsTextPath && File.Exists(_textPath))
                File.Delete(_textPath);
        }

        private static TextReader ExpandGzip(string path, string textPath)
        {
            using (var compressed = new GZipStream(File.OpenRead(path), CompressionMode.Decompress))
            using (FileStream expanded = File.Create(textPath))
                compressed.CopyTo(expanded);
            return new StreamReader(textPath);
        }

        // Fields split at the separator outside double quotes; "" inside quotes is one quote.
        private static string[] Split(string line, char separator, string path, long lineNumber)
        {
            var fields = new List<string>();
            var field = new System.Text.StringBuilder();
            bool quoted = false;
            for (int i = 0; i < line.Length; i++)
            {
                char ch = line[i];
                if (quoted)
                {
                    if (ch != '"')
                        field.Append(ch);
                    else if (i + 1 < line.Length && line[i + 1] == '"')
                        field.Append(line[++i]);
                    else
                        quoted = false;
                }
                else if (ch == '"' && field.Length == 0)
                    quoted = true;
                else if (ch == separator)
                {
                    fields.Add(field.ToString());
                    field.Clear();
                }
                else
                    field.Append(ch);
            }
            if (quoted)
                throw new CliException($"'{path}' line {lineNumber} has a quote that is never closed.");
            fields.Add(field.ToString());
            return fields.ToArray();
        }
    }
}
