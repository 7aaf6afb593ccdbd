using System;
using System.IO;
using System.Linq;
using System.Text;
using MLExt.Benchmarks.Cli;
using MLExt.Benchmarks.Compression;
using MLExt.Benchmarks.Ctr;
using MLExt.Benchmarks.ElasticNet;
using MLExt.Benchmarks.Neural;
using MLExt.Benchmarks.Onnx;
using MLExt.Benchmarks.OptFS;
using MLExt.Benchmarks.OutRank;
using MLExt.Benchmarks.QuickSelection;
using MLExt.Devices;

// Usage: dotnet run -c Release --project benchmarks/MLExt.Benchmarks [-- --quick] [-- --only elasticnet|outrank|quickselection|quickselection-authors|cli-rank|cli-train|ctr|ctr-quality|ctr-speed|ctr-scoring|ctr-attention|ctr-fit-start|neural|defaults|optfs|compression|compression-at-scale|text-hash|onnx] [-- --keep-freed-memory]
// Runs the benchmarks and writes benchmarks/RESULTS.md (or RESULTS-quick.md for a small smoke run). With --only, the
// other sections of an existing RESULTS.md are kept (ctr-speed: the CTR throughput and scoring alone, a few minutes;
// ctr-quality: the CTR AUC tables alone, about 40 minutes; ctr: both; compression-at-scale: hours, resumable, never part of a
// full run, which reports the cells measured so far).
// With --keep-freed-memory glibc keeps freed memory for reuse in this process and in the children it starts
// (CpuAllocator.KeepFreedMemory), for the one-epoch Fit's figures with a steady allocator.
if (args.Contains(FitStartBenchmark.KeepFreedMemoryArgument))
    FitStartBenchmark.KeepsFreedMemory = CpuAllocator.KeepFreedMemory();
// A child process of the CTR speed benchmark's cold measurement (FitStartBenchmark) does one measurement and exits.
if (args.Length >= 2 && args[0] == FitStartBenchmark.ChildArgument)
{
    FitStartBenchmark.RunChild(args[1]);
    return;
}
bool quick = args.Contains("--quick");
int only = Array.IndexOf(args, "--only");
string selected = only >= 0 && only + 1 < args.Length ? args[only + 1] : null;
string folder = FindBenchmarksFolder();
var report = new StringBuilder();
report.AppendLine("# MLExt benchmark results");
report.AppendLine();
report.AppendLine($"Written by `benchmarks/MLExt.Benchmarks` on {DateTime.UtcNow:yyyy-MM-dd}. Figures are ratios against peers measured in the same run.");
report.AppendLine();
void Log(string message) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");
string output = Path.Combine(folder, quick ? "RESULTS-quick.md" : "RESULTS.md");
string previous = File.Exists(output) ? File.ReadAllText(output) : "";
report.Append(selected is null or "elasticnet" ? ElasticNetBenchmark.Run(quick ? 5000 : 100000, 200, Log) : Section(previous, "## Elastic net"));
report.Append(selected is null or "outrank" ? OutRankBenchmark.Run(quick ? 50000 : 1000000, quick ? 20000 : 200000, quick ? 200000 : 10000000, Log) : Section(previous, "## OutRank"));
report.Append(selected is null or "quickselection" ? QuickSelectionBenchmark.Run(quick, Log) : Section(previous, "## QuickSelection\n"));
report.Append(selected is null or "quickselection-authors" ? AuthorsComparison.Run(quick, Log) : Section(previous, "## QuickSelection beside the authors' code"));
report.Append(selected is null or "cli-rank" ? RankCliBenchmark.Run(quick, Log) : Section(previous, "## mlext rank beside the reference OutRank CLI"));
report.Append(selected is null or "cli-train" ? TrainCliBenchmark.Run(quick, Log) : Section(previous, "## mlext train beside the best default trainer"));
report.Append(selected is null or "ctr" or "ctr-quality" ? CtrBenchmark.Run(quick, Log) : Section(previous, "## CTR trainer"));
report.Append(selected is null or "ctr" or "ctr-speed" ? CtrBenchmark.RunSpeed(quick, Log)
    : selected == "ctr-scoring" ? CtrBenchmark.RerunScoring(quick, Section(previous, "## CTR speed"), Log)
    : selected == "ctr-attention" ? CtrBenchmark.RerunAttentionCost(Section(previous, "## CTR speed"), Log)
    : selected == "ctr-fit-start" ? CtrBenchmark.RerunFitStart(Section(previous, "## CTR speed"), Log) : Section(previous, "## CTR speed"));
report.Append(selected is null or "neural" ? NeuralBenchmark.Run(quick, Log) : Section(previous, "## Neural regularizers and TabularNet"));
report.Append(selected is null or "defaults" ? NeuralBenchmark.RunDefaults(Log) : Section(previous, "## Defaults chosen from the data"));
report.Append(selected is null or "optfs" ? OptFSBenchmark.Run(quick, Log) : Section(previous, "## OptFS feature gates"));
report.Append(selected is null or "compression" ? CompressionBenchmark.Run(quick, folder, Log) : Section(previous, "## Embedding compression"));
report.Append(CompressionAtScaleBenchmark.Run(folder, reportOnly: selected != "compression-at-scale", Log));
report.Append(selected is null or "text-hash" ? TextHashBenchmark.Run(Log) : Section(previous, "## Text key hashing"));
report.Append(selected is null or "onnx" ? OnnxExportBenchmark.Run(quick, Log) : Section(previous, "## ONNX export"));
File.WriteAllText(output, report.ToString());
Console.WriteLine(report);
Console.WriteLine($"Wrote {output}");

// A "## " section of an earlier report, kept when only other sections are re-run.
static string Section(string report, string heading)
{
    int start = report.IndexOf(heading, StringComparison.Ordinal);
    if (start < 0)
        return "";
    int end = report.IndexOf("\n## ", start + heading.Length, StringComparison.Ordinal);
    return end < 0 ? report.Substring(start) : report.Substring(start, end + 1 - start);
}

static string FindBenchmarksFolder()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory != null; directory = directory.Parent)
    {
        string candidate = Path.Combine(directory.FullName, "benchmarks");
        if (File.Exists(Path.Combine(directory.FullName, "MLExt.sln")) && Directory.Exists(candidate))
            return candidate;
    }
    return Directory.GetCurrentDirectory();
}
