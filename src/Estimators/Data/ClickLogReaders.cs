using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExt.Data
{
    /// <summary>Loaders for the two standard click-log layouts, so MLExt's CTR components can read the benchmark files directly.</summary>
    public static class ClickLogReaders
    {
        /// <summary>Criteo's integer fields I1..I13.</summary>
        public static IReadOnlyList<string> CriteoNumericColumns { get; } = Enumerable.Range(1, 13).Select(i => "I" + i).ToArray();

        /// <summary>Criteo's hashed categorical fields C1..C26.</summary>
        public static IReadOnlyList<string> CriteoCategoricalColumns { get; } = Enumerable.Range(1, 26).Select(i => "C" + i).ToArray();

        /// <summary>Avazu's categorical fields (every column but <c>id</c> and the <c>click</c> label; <c>hour</c> is YYMMDDHH text).</summary>
        public static IReadOnlyList<string> AvazuCategoricalColumns { get; } = new[]
        {
            "hour", "C1", "banner_pos", "site_id", "site_domain", "site_category", "app_id", "app_domain", "app_category", "device_id",
            "device_ip", "device_model", "device_type", "device_conn_type", "C14", "C15", "C16", "C17", "C18", "C19", "C20", "C21",
        };

        /// <summary>
        /// The Criteo display-advertising layout: tab-separated, no header, a 0/1 label, 13 integer fields (empty is missing: NaN)
        /// and 26 hashed categorical fields (empty is missing: empty text). Columns: Label (Boolean), I1..I13 (Single), C1..C26 (text).
        /// </summary>
        public static IDataView LoadCriteo(MLContext mlContext, string path)
        {
            var columns = new List<TextLoader.Column> { new TextLoader.Column("Label", DataKind.Boolean, 0) };
            columns.AddRange(CriteoNumericColumns.Select((name, i) => new TextLoader.Column(name, DataKind.Single, 1 + i)));
            columns.AddRange(CriteoCategoricalColumns.Select((name, i) => new TextLoader.Column(name, DataKind.String, 14 + i)));
            return Load(mlContext, path, columns, '\t', hasHeader: false);
        }

        /// <summary>
        /// The Avazu layout: comma-separated with a header <c>id,click,hour,C1,banner_pos,...,C21</c>. Columns: id (text), Label
        /// (Boolean, from click) and every other field as text.
        /// </summary>
        public static IDataView LoadAvazu(MLContext mlContext, string path)
        {
            var columns = new List<TextLoader.Column>
            {
                new TextLoader.Column("id", DataKind.String, 0),
                new TextLoader.Column("Label", DataKind.Boolean, 1),
            };
            columns.AddRange(AvazuCategoricalColumns.Select((name, i) => new TextLoader.Column(name, DataKind.String, 2 + i)));
            return Load(mlContext, path, columns, ',', hasHeader: true);
        }

        private static IDataView Load(MLContext mlContext, string path, List<TextLoader.Column> columns, char separator, bool hasHeader)
        {
            if (mlContext == null)
                throw new ArgumentNullException(nameof(mlContext));
            if (!System.IO.File.Exists(path))
                throw new System.IO.FileNotFoundException($"No click log at '{path}'.", path);
            return mlContext.Data.CreateTextLoader(new TextLoader.Options
            {
                Separators = new[] { separator },
                HasHeader = hasHeader,
                AllowQuoting = false,
                MissingRealsAsNaNs = true,
                Columns = columns.ToArray(),
            }).Load(path);
        }
    }
}
