using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExt.Cli.Data;
using Spectre.Console;

namespace MLExt.Cli.Commands
{
    /// <summary>
    /// <c>mlext predict MODEL.zip DATA --out SCORES.csv</c>: scores a file row by row through a cursor, so memory is bounded by
    /// the model's batch, not by the file.
    /// </summary>
    internal static class PredictCommand
    {
        public static Command Create(IAnsiConsole console)
        {
            Argument<string> model = ModelFile.Argument();
            var data = DataFile.Argument();
            var output = new Option<string>("--out") { Description = "The CSV to write: one row per input row.", Required = true };
            var command = new Command("predict", """
                Score every row of a file with a saved model and write PredictedLabel, Score and Probability (those the model
                has; a multiclass Score as one column per class) to a CSV, in the input's row order.

                Examples:
                  mlext predict model.zip new-loans.csv --out scores.csv
                """)
            {
                model, data, output,
            };
            command.SetAction(parsed => Run(console, parsed.GetValue(model), parsed.GetValue(data), parsed.GetValue(output)));
            return command;
        }

        internal static int Run(IAnsiConsole console, string modelPath, string path, string outputPath)
        {
            return CommandErrors.Report(console, () =>
            {
                using DataFile file = DataFile.Open(path);
                var mlContext = new MLContext(seed: 1);
                var (scored, _) = ModelFile.Score(mlContext, modelPath, file);
                // A key PredictedLabel (multiclass) is written as the class it stands for.
                if (scored.Schema.GetColumnOrNull("PredictedLabel")?.Type is KeyDataViewType)
                    scored = mlContext.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(scored).Transform(scored);
                DataViewSchema.Column[] columns = ModelFile.PredictionColumns(scored.Schema).Select(name => scored.Schema[name]).ToArray();
                long rows = 0;
                using (var writer = new StreamWriter(outputPath))
                using (DataViewRowCursor cursor = scored.GetRowCursor(columns))
                {
                    Func<string>[] fields = columns.Select(c => Field(cursor, c)).ToArray();
                    writer.WriteLine(string.Join(",", columns.SelectMany(Headers)));
                    while (cursor.MoveNext())
                    {
                        writer.WriteLine(string.Join(",", fields.Select(f => f())));
                        rows++;
                    }
                }
                console.WriteLine($"Wrote {rows:N0} predictions ({string.Join(", ", columns.Select(c => c.Name))}) to {outputPath}");
            });
        }

        private static IEnumerable<string> Headers(DataViewSchema.Column column)
            => column.Type is VectorDataViewType vector ? Enumerable.Range(0, vector.Size).Select(i => $"{column.Name}.{i}") : new[] { column.Name };

        // One CSV field (or a vector's fields joined) for the cursor's current row.
        private static Func<string> Field(DataViewRowCursor cursor, DataViewSchema.Column column)
        {
            DataViewType type = column.Type;
            if (type is VectorDataViewType)
            {
                var get = cursor.GetGetter<VBuffer<float>>(column);
                VBuffer<float> value = default;
                return () =>
                {
                    get(ref value);
                    return string.Join(",", value.DenseValues().Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
                };
            }
            if (type == NumberDataViewType.Single)
            {
                var get = cursor.GetGetter<float>(column);
                float value = 0;
                return () =>
                {
                    get(ref value);
                    return value.ToString("R", CultureInfo.InvariantCulture);
                };
            }
            if (type == BooleanDataViewType.Instance)
            {
                var get = cursor.GetGetter<bool>(column);
                bool value = false;
                return () =>
                {
                    get(ref value);
                    return value ? "true" : "false";
                };
            }
            var text = cursor.GetGetter<ReadOnlyMemory<char>>(column);
            ReadOnlyMemory<char> chars = default;
            return () =>
            {
                text(ref chars);
                string s = chars.ToString();
                return s.Contains(',') || s.Contains('"') ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
            };
        }
    }
}
