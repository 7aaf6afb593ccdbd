using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML;
using MLExt.Cli.Data;
using MLExt.Transforms;
using Spectre.Console;

namespace MLExt.Cli.Commands
{
    /// <summary>
    /// <c>mlext rank DATA --label COL</c>: OutRank's ranking of every other column against the label, printed best first and
    /// written with the data-quality findings, the redundancy-aware order and a chart.
    /// </summary>
    internal static class RankCommand
    {
        public static Command Create(IAnsiConsole console)
        {
            var data = DataFile.Argument();
            var label = new Option<string>("--label") { Description = "The label column.", Required = true };
            var output = new Option<string>("--out") { Description = "Folder for ranking.tsv, ranking.json and ranking.png.", DefaultValueFactory = _ => "mlext-rank" };
            var heuristic = new Option<OutRankHeuristic>("--heuristic")
            {
                Description = "ChanceAdjusted (mutual information less what a column of the same cardinality carries by chance), MutualInformation, PermutationCorrected or ReferenceShiftCorrected.",
                DefaultValueFactory = _ => OutRankHeuristic.ChanceAdjusted,
            };
            var keep = new Option<int>("--keep") { Description = "With --redundancy-aware, how many columns its order picks.", DefaultValueFactory = _ => 10 };
            var redundancyAware = new Option<bool>("--redundancy-aware")
            {
                Description = "Also order the columns by relevance less redundancy with those already picked (OutRank's 3MR). It measures pairs of columns, which takes much longer than the ranking on high-cardinality columns.",
            };
            var command = new Command("rank", """
                Rank the columns of a file by how much they say about the label (OutRank: cardinality-aware mutual information).
                Numeric columns are binned; every other column is categorical.

                Examples:
                  mlext rank loans.csv --label Class
                  mlext rank clicks.tsv.gz --label clicked --heuristic MutualInformation --redundancy-aware --keep 20 --out ranking
                """)
            {
                data, label, output, heuristic, keep, redundancyAware,
            };
            command.SetAction(parsed => Run(console, parsed.GetValue(data), parsed.GetValue(label), parsed.GetValue(output), parsed.GetValue(heuristic),
                parsed.GetValue(keep), parsed.GetValue(redundancyAware)));
            return command;
        }

        internal static int Run(IAnsiConsole console, string path, string label, string outputFolder, OutRankHeuristic heuristic, int keep, bool redundancyAware)
        {
            return CommandErrors.Report(console, () =>
            {
                if (keep < 1)
                    throw new CliException($"--keep is {keep}; it must be at least 1.");
                using DataFile file = DataFile.Open(path);
                int labelIndex = file.IndexOf(label);
                file.RequireRows();
                string[] features = file.Columns.Where((c, i) => i != labelIndex && !file.NotFeatures.ContainsKey(c)).ToArray();
                if (features.Length == 0)
                    throw new CliException($"'{path}' has no column besides the label '{label}' to rank.");
                file.ReportTypes(console, labelIndex, "numeric columns (binned)");

                var mlContext = new MLContext(seed: 1);
                OutRankReport report = OutRank.Analyze(mlContext, file.Load(mlContext), new OutRankOptions
                {
                    LabelColumnName = label,
                    FeatureColumnNames = features,
                    FeaturesToKeep = Math.Min(keep, features.Length),
                    Heuristic = heuristic,
                    RedundancyAwareSelection = redundancyAware,
                });

                var table = new Table().Title($"OutRank ({heuristic}) of {features.Length} columns against '{label}', {report.RowCount:N0} rows");
                foreach (string heading in new[] { "rank", "column", "score", "MI", "cardinality", "missing" })
                    table.AddColumn(heading);
                for (int i = 0; i < report.Ranking.Count; i++)
                {
                    OutRankFeatureScore s = report.Ranking[i];
                    table.AddRow((i + 1).ToString(CultureInfo.InvariantCulture), Markup.Escape(s.Name), s.Score.ToString("F5", CultureInfo.InvariantCulture),
                        s.MutualInformation.ToString("F5", CultureInfo.InvariantCulture), s.Cardinality.ToString("N0", CultureInfo.InvariantCulture),
                        s.MissingFraction.ToString("P1", CultureInfo.InvariantCulture));
                }
                console.Write(table);

                if (redundancyAware)
                    console.WriteLine($"Redundancy-aware order: {string.Join(", ", report.RedundancyAwareOrder.Select(step => step.Name))}");
                var flagged = report.Quality.Where(q => q.Flags.Count > 0).ToList();
                console.WriteLine(flagged.Count == 0 ? "Data quality: nothing flagged." : "Data quality:");
                foreach (OutRankFeatureQuality quality in flagged)
                    console.WriteLine($"  {quality.Name}: {string.Join("; ", quality.Flags)}");

                Directory.CreateDirectory(outputFolder);
                report.WriteTsv(Path.Combine(outputFolder, "ranking.tsv"));
                report.WriteJson(Path.Combine(outputFolder, "ranking.json"));
                report.WriteChart(Path.Combine(outputFolder, "ranking.png"));
                console.WriteLine($"Wrote ranking.tsv, ranking.json and ranking.png to {outputFolder}");
            });
        }
    }
}
