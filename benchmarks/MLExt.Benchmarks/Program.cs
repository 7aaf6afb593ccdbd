using System;
using System.IO;
using System.Linq;
using System.Text;
using MLExt.Benchmarks.ElasticNet;

// Usage: dotnet run -c Release --project benchmarks/MLExt.Benchmarks [-- --quick]
// Runs every benchmark and writes benchmarks/RESULTS.md (or RESULTS-quick.md for a small smoke run).
bool quick = args.Contains("--quick");
string folder = FindBenchmarksFolder();
var report = new StringBuilder();
report.AppendLine("# MLExt benchmark results");
report.AppendLine();
report.AppendLine($"Written by `benchmarks/MLExt.Benchmarks` on {DateTime.UtcNow:yyyy-MM-dd}. Figures are ratios against peers measured in the same run.");
report.AppendLine();
void Log(string message) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");
report.Append(ElasticNetBenchmark.Run(quick ? 5000 : 100000, 200, Log));
string output = Path.Combine(folder, quick ? "RESULTS-quick.md" : "RESULTS.md");
File.WriteAllText(output, report.ToString());
Console.WriteLine(report);
Console.WriteLine($"Wrote {output}");

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
