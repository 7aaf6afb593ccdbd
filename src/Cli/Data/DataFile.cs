using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Spectre.Console;

namespace MLExt.Cli.Data
{
    /// <summary>
    /// A file the commands read rows from: its columns, which of them hold numbers (the rest are categorical, each with the
    /// reason), and its row count. <see cref="Open"/> picks the reader by the file: ML.NET's binary IDataView format (.idv),
    /// or delimited text (CSV, TSV, gzip-compressed too, Criteo and Avazu click logs among them).
    /// </summary>
    internal abstract class DataFile : IDisposable
    {
        protected DataFile(string displayPath, string[] columns, bool[] numeric, string[] textBecause, long rowCount,
            IReadOnlyDictionary<string, string> notFeatures = null)
        {
            DisplayPath = displayPath;
            Columns = columns;
            Numeric = numeric;
            TextBecause = textBecause;
            RowCount = rowCount;
            NotFeatures = notFeatures ?? new Dictionary<string, string>();
        }

        public string[] Columns { get; }

        /// <summary>Per column: it holds numbers (read as Single).</summary>
        public bool[] Numeric { get; }

        /// <summary>Per categorical column, why it is one; null for numeric columns.</summary>
        public string[] TextBecause { get; }

        /// <summary>Data rows.</summary>
        public long RowCount { get; }

        /// <summary>Columns that are no features (an identifier of the file's layout), with the reason.</summary>
        public IReadOnlyDictionary<string, string> NotFeatures { get; }

        protected string DisplayPath { get; }

        /// <summary>The DATA argument every command takes.</summary>
        /// <param name="more">What the command needs of the file beyond its format.</param>
        public static System.CommandLine.Argument<string> Argument(string more = null) => new("DATA")
        {
            Description = "A CSV or TSV file with a header row (.gz too), a Criteo (headerless) or Avazu click log, or ML.NET's binary IDataView file (.idv)."
                + (more == null ? "" : " " + more),
        };

        /// <summary>Reads the file's columns and types.</summary>
        /// <exception cref="CliException">The file is missing, empty or malformed (a ragged line, a vector column).</exception>
        public static DataFile Open(string path)
        {
            if (!File.Exists(path))
                throw new CliException($"The file '{path}' does not exist.");
            return path.EndsWith(".idv", StringComparison.OrdinalIgnoreCase) ? BinaryDataFile.Read(path) : DelimitedFile.Scan(path);
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

        /// <summary>The columns a model may learn from: all but the label and <see cref="NotFeatures"/>.</summary>
        public string[] Features(int labelIndex, bool numeric)
            => Columns.Where((c, i) => i != labelIndex && Numeric[i] == numeric && !NotFeatures.ContainsKey(c)).ToArray();

        /// <exception cref="CliException">The file has no data rows.</exception>
        public void RequireRows()
        {
            if (RowCount == 0)
                throw new CliException($"'{DisplayPath}' has a header but no data rows.");
        }

        /// <summary>Says how many features were read as numbers and as categories, which value made each category, and what is left out.</summary>
        /// <param name="numericColumns">What the command calls the numeric columns (how it uses them).</param>
        public void ReportTypes(IAnsiConsole console, int labelIndex, string numericColumns)
        {
            int numeric = Features(labelIndex, numeric: true).Length, categorical = Features(labelIndex, numeric: false).Length;
            console.WriteLine($"Read {RowCount:N0} rows: {numeric} {numericColumns}, {categorical} categorical.");
            for (int i = 0; i < Columns.Length; i++)
            {
                if (NotFeatures.TryGetValue(Columns[i], out string why))
                    console.WriteLine($"  {Columns[i]}: not used, {why}");
                else if (!Numeric[i] && i != labelIndex)
                    console.WriteLine($"  {Columns[i]}: categorical, because of {TextBecause[i]}");
            }
        }

        /// <summary>
        /// The rows as a data view, streamed from the file: numeric columns as Single, the others as the file holds them; a
        /// model's input schema (<paramref name="modelInput"/>), where given, decides the type of each column it names.
        /// </summary>
        public abstract IDataView Load(MLContext mlContext, DataViewSchema modelInput = null);

        /// <summary>The rows of a view, counted by a cursor where the view does not know them.</summary>
        public static long CountRows(IDataView data)
        {
            if (data.GetRowCount() is long known)
                return known;
            long count = 0;
            using DataViewRowCursor cursor = data.GetRowCursor(Array.Empty<DataViewSchema.Column>());
            while (cursor.MoveNext())
                count++;
            return count;
        }

        public virtual void Dispose()
        {
        }
    }
}
