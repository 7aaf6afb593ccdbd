using System;
using System.Collections.Generic;
using System.Linq;
using MLExt.Data;

namespace MLExt.Cli.Data
{
    /// <summary>
    /// The two standard click-log layouts, recognised by a file's first line: Criteo's (tab-separated, no header, a 0/1 label,
    /// 13 integer and 26 hashed categorical fields) and Avazu's (a header <c>id,click,hour,...</c>, every field categorical, the
    /// id an identifier). Their categorical fields are read as text even where a value looks like a number.
    /// </summary>
    internal sealed class ClickLogLayout
    {
        private const int CriteoFields = 40;

        private readonly Func<string, bool> _categorical;

        private ClickLogLayout(string name, char separator, string[] columns, Func<string, bool> categorical, IReadOnlyDictionary<string, string> notFeatures)
        {
            Name = name;
            Separator = separator;
            Columns = columns;
            _categorical = categorical;
            NotFeatures = notFeatures;
        }

        public string Name { get; }

        public char Separator { get; }

        /// <summary>The columns of a headerless layout (Criteo's: Label, I1..I13, C1..C26); null when the file names them.</summary>
        public string[] Columns { get; }

        public IReadOnlyDictionary<string, string> NotFeatures { get; }

        /// <summary>The layout's categorical fields.</summary>
        public bool Categorical(string column) => _categorical(column);

        /// <summary>The layout whose first line <paramref name="firstLine"/> is, or null for an ordinary file with a header.</summary>
        public static ClickLogLayout Of(string firstLine)
        {
            string[] fields = firstLine.Split('\t');
            if (fields.Length == CriteoFields && (fields[0] == "0" || fields[0] == "1"))
            {
                string[] columns = new[] { "Label" }.Concat(ClickLogReaders.CriteoNumericColumns).Concat(ClickLogReaders.CriteoCategoricalColumns).ToArray();
                return new ClickLogLayout("Criteo", '\t', columns, ClickLogReaders.CriteoCategoricalColumns.Contains, null);
            }
            if (firstLine.StartsWith("id,click,hour,", StringComparison.Ordinal))
                return new ClickLogLayout("Avazu", ',', null, column => column != "click" && column != "id",
                    new Dictionary<string, string> { ["id"] = "an identifier in the Avazu layout" });
            return null;
        }
    }
}
