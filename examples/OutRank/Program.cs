using System;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExt.Transforms;

// OutRank on the Lending Club loans: which columns tell most about a loan going bad, with plain mutual information
// for contrast, the redundancy-aware order, the best pairs and the data-quality findings. Writes outrank-report/ranking.tsv and report.json.
var mlContext = new MLContext(seed: 2026);
string[] text = { "term", "sub_grade", "addr_state", "verification_status", "emp_length", "Class" };
string header = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Data", "lending_club.csv")).First();
string[] names = header.Split(',').Select(n => n.Trim('"')).ToArray();
var loader = mlContext.Data.CreateTextLoader(new TextLoader.Options
{
    Separators = new[] { ',' },
    HasHeader = true,
    AllowQuoting = true,
    Columns = names.Select((n, i) => new TextLoader.Column(n, text.Contains(n) ? DataKind.String : DataKind.Single, i)).ToArray(),
});
IDataView loans = loader.Load(Path.Combine(AppContext.BaseDirectory, "Data", "lending_club.csv"));
string[] features = names.Where(n => n != "Class").ToArray();

var options = new OutRankOptions { LabelColumnName = "Class", FeatureColumnNames = features, FeaturesToKeep = 8 };
OutRankReport report = OutRank.Analyze(mlContext, loans, new OutRankOptions
{
    LabelColumnName = "Class", FeatureColumnNames = features, FeaturesToKeep = 8, RedundancyAwareSelection = true, InteractionOrder = 2,
});
OutRankReport plain = OutRank.Analyze(mlContext, loans, new OutRankOptions
{
    LabelColumnName = "Class", FeatureColumnNames = features, FeaturesToKeep = 8, Heuristic = OutRankHeuristic.MutualInformation,
});

Console.WriteLine($"OutRank on {report.RowCount:N0} loans ({features.Length} columns), chance-adjusted mutual information with Class:");
Console.WriteLine($"  {"rank",4}  {"column",-28}{"score",10}{"MI",10}{"baseline",10}{"values",8}  plain-MI rank");
for (int i = 0; i < report.Ranking.Count; i++)
{
    OutRankFeatureScore s = report.Ranking[i];
    int plainRank = plain.Ranking.Select(p => p.Name).ToList().IndexOf(s.Name) + 1;
    Console.WriteLine($"  {i + 1,4}  {s.Name,-28}{s.Score,10:F5}{s.MutualInformation,10:F5}{s.Baseline,10:F5}{s.Cardinality,8}  {plainRank}");
}

Console.WriteLine();
Console.WriteLine("Redundancy-aware order (relevance - redundancy with earlier picks + synergy), first eight:");
foreach (OutRankSelectionStep step in report.RedundancyAwareOrder.Take(8))
    Console.WriteLine($"  {step.Name,-28} score {step.Score,9:F5} = {step.Relevance:F5} - {step.Redundancy:F5} + {step.Synergy:F5}");

Console.WriteLine();
Console.WriteLine("Best pairs among the ten best-ranked columns (gain: beyond the better member):");
foreach (OutRankInteraction pair in report.Interactions.Take(3))
    Console.WriteLine($"  {string.Join(" x ", pair.Features),-40} score {pair.Score:F5}, gain {pair.Gain:F5}");

Console.WriteLine();
Console.WriteLine("Data-quality findings:");
foreach (OutRankFeatureQuality q in report.Quality.Where(q => q.Flags.Count > 0))
    Console.WriteLine($"  {q.Name,-28} {string.Join(", ", q.Flags)} (dominant value {q.DominantValueShare:P1}, missing {q.MissingFraction:P1}, {q.Cardinality} values)");
if (report.Quality.All(q => q.Flags.Count == 0))
    Console.WriteLine("  none");

// The same ranking as a pipeline step that keeps the best eight columns.
OutRankTransformer selection = mlContext.Transforms.FeatureSelection.SelectFeaturesByOutRank(options).Fit(loans);
Console.WriteLine();
Console.WriteLine("SelectFeaturesByOutRank keeps: " + string.Join(", ", selection.SelectedColumns));

string folder = Path.Combine(Directory.GetCurrentDirectory(), "outrank-report");
Directory.CreateDirectory(folder);
report.WriteTsv(Path.Combine(folder, "ranking.tsv"));
report.WriteJson(Path.Combine(folder, "report.json"));
Console.WriteLine($"Wrote {folder}/ranking.tsv and report.json");
