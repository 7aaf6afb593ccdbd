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
    /// A delimited text file with a header row (CSV or TSV, gzip-compressed too), or a click log in the Criteo (tab-separated,
    /// no header) or Avazu layout. <see cref="Scan"/> reads it once: it checks that every line has the header's number of
    /// fields (naming the first line that does not) and infers each column's type, numeric when every non-empty value parses
    /// as a number, text otherwise, keeping the value that made it text; a click log's categorical fields are text whatever
    /// they hold.
    /// </summary>
    internal sealed class DelimitedFile : DataFile
    {
        // The column types a text loader can parse a field into.
        private static readonly Dictionary<Type, DataKind> TextKinds = new()
        {
            [typeof(float)] = DataKind.Single, [typeof(double)] = DataKind.Double, [typeof(bool)] = DataKind.Boolean,
            [typeof(ReadOnlyMemory<char>)] = DataKind.String, [typeof(int)] = DataKind.Int32, [typeof(long)] = DataKind.Int64,
        };

        private readonly string _textPath;
        private readonly bool _ownsTextPath;
        private readonly char _separator;
        private readonly bool _hasHeader;

        private DelimitedFile(string displayPath, string textPath, bool ownsTextPath, char separator, bool hasHeader, string[] columns, bool[] numeric,
            string[] textBecause, long rowCount, IReadOnlyDictionary<string, string> notFeatures)
            : base(displayPath, columns, numeric, textBecause, rowCount, notFeatures)
        {
            _textPath = textPath;
            _ownsTextPath = ownsTextPath;
            _separator = separator;
            _hasHeader = hasHeader;
        }

        /// <exception cref="CliException">The file has no header, or a line with the wrong number of fields.</exception>
        public static DelimitedFile Scan(string path)
        {
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
                ClickLogLayout layout = ClickLogLayout.Of(header);
                char separator = layout?.Separator
                    ?? (plainName.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) || (header.Contains('\t') && !header.Contains(',')) ? '\t' : ',');
                string[] columns = layout?.Columns ?? Split(header, separator, path, 1);
                bool[] numeric = columns.Select(c => layout?.Categorical(c) != true).ToArray();
                string[] because = columns.Select(c => layout?.Categorical(c) == true ? $"the {layout.Name} layout" : null).ToArray();
                // A headerless layout's first line is a row.
                bool headerless = layout?.Columns != null;
                long rows = 0, lineNumber = headerless ? 0 : 1;
                for (string line = headerless ? header : reader.ReadLine(); line != null; line = reader.ReadLine())
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
                return new DelimitedFile(path, textPath, gzip, separator, !headerless, columns, numeric, because, rows, layout?.NotFeatures);
            }
            catch
            {
                if (gzip)
                    File.Delete(textPath);
                throw;
            }
        }

        /// <summary>
        /// Numeric columns are read as Single (empty: missing) and the rest as text, except that each column a model's input
        /// schema names gets the type it has there, so the file is parsed as the number, Boolean or text the model was trained on.
        /// </summary>
        /// <exception cref="CliException">The model takes a column whose type a text file cannot hold (a vector, a key).</exception>
        public override IDataView Load(MLContext mlContext, DataViewSchema modelInput = null)
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
            return mlContext.Data.CreateTextLoader(new TextLoader.Options { Separators = new[] { _separator }, HasHeader = _hasHeader, AllowQuoting = true, Columns = columns })
                .Load(_textPath);
        }

        public override void Dispose()
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
