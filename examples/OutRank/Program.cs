using System;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExt.Data;
using MLExt.Transforms;

// OutRank on the Lending Club loans: which columns tell most about a loan going bad, with plain mutual information
// for contrast, the redundancy-aware order, the best pairs and the data-quality findings. Then a generated Criteo-like
// click log of a million rows whose truth is known. Writes outrank-report/: ranking.tsv, report.json and ranking.png for
// each data set.
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

Console.WriteLine("Most similar columns: " + string.Join("; ", report.FeatureSimilarities.Take(3).Select(p => $"{p.First} ~ {p.Second} {p.Similarity:F2}")));

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
report.WriteTsv(Path.Combine(folder, "lending_club-ranking.tsv"));
report.WriteJson(Path.Combine(folder, "lending_club-report.json"));
report.WriteChart(Path.Combine(folder, "lending_club-ranking.png"));

// A generated click log: 13 numeric and 26 categorical fields (2 to 1,000,000 values), a third of them informative.
var clicks = new CriteoLikeData(new CriteoLikeDataOptions { RowCount = 1_000_000, Seed = 7 });
string[] fields = clicks.NumericColumnNames.Concat(clicks.CategoricalColumnNames).ToArray();
var watch = System.Diagnostics.Stopwatch.StartNew();
OutRankReport generated = OutRank.Analyze(mlContext, clicks, new OutRankOptions { FeatureColumnNames = fields, MaxExactCardinality = 200_000 });
watch.Stop();
OutRankReport generatedPlain = OutRank.Analyze(mlContext, clicks, new OutRankOptions { FeatureColumnNames = fields, Heuristic = OutRankHeuristic.MutualInformation });
Console.WriteLine();
Console.WriteLine($"OutRank on {generated.RowCount:N0} generated Criteo-like rows ({fields.Length} fields) in {watch.Elapsed.TotalSeconds:F1} s; * marks the fields the label depends on:");
Console.WriteLine($"  {"rank",4}  {"field",-6}{"score",10}{"MI",10}{"values",10}  plain-MI rank");
for (int i = 0; i < generated.Ranking.Count; i++)
{
    OutRankFeatureScore s = generated.Ranking[i];
    string truth = clicks.InformativeColumns.Contains(s.Name) ? "*" : " ";
    int plainRank = generatedPlain.Ranking.Select(p => p.Name).ToList().IndexOf(s.Name) + 1;
    Console.WriteLine($"  {i + 1,4}{truth} {s.Name,-6}{s.Score,10:F5}{s.MutualInformation,10:F5}{s.Cardinality,10}  {plainRank}");
}
int firstNoise = generated.Ranking.ToList().FindIndex(s => clicks.NoiseColumns.Contains(s.Name));
int firstNoisePlain = generatedPlain.Ranking.ToList().FindIndex(s => clicks.NoiseColumns.Contains(s.Name));
Console.WriteLine($"The first noise field ranks {firstNoise + 1} with OutRank's chance-adjusted score, {firstNoisePlain + 1} with plain mutual information.");
Console.WriteLine("Data-quality findings: " + string.Join("; ", generated.Quality.Where(q => q.Flags.Count > 0).Select(q => $"{q.Name} {string.Join(", ", q.Flags)}")));
generated.WriteTsv(Path.Combine(folder, "generated-ranking.tsv"));
generated.WriteJson(Path.Combine(folder, "generated-report.json"));
generated.WriteChart(Path.Combine(folder, "generated-ranking.png"));
Console.WriteLine($"Wrote the ranking (TSV), report (JSON) and chart (PNG) of both data sets to {folder}");
