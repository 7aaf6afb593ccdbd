using System;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace MLExt.PackageTests
{
    [TestClass]
    public class PackageConsumerTests
    {
#if DEBUG
        private const string Configuration = "Debug";
#else
        private const string Configuration = "Release";
#endif

        [TestMethod]
        [Timeout(900_000, CooperativeCancellation = true)]
        public void AConsoleAppBuiltFromThePackagesTrainsSavesLoadsAndPredicts()
        {
            string output = PackAndRunConsumer(extraPackages: "");
            StringAssert.Contains(output, "mltorchsharptypes=absent");
        }

        [TestMethod]
        [Timeout(900_000, CooperativeCancellation = true)]
        public void AnAppWithMicrosoftMLTorchSharpBesideMLExtResolvesOneTorchSharpAndTrainsACtrModel()
        {
            // Microsoft.ML.TorchSharp 0.23.1 asks for TorchSharp 0.102.7 or later; MLExt for 0.107.0: NuGet resolves 0.107.0.
            string output = PackAndRunConsumer(extraPackages: "\n    <PackageReference Include=\"Microsoft.ML.TorchSharp\" Version=\"0.23.1\" />");
            StringAssert.Contains(output, "torchsharp=0.107.0");
            Assert.IsFalse(output.Contains("mltorchsharptypes=absent"), output);
        }

        // Packs the three libraries under a fresh version, builds a console app from the packages (with extraPackages in its
        // project), runs it, and checks what every variant must show.
        private static string PackAndRunConsumer(string extraPackages)
        {
            string repository = FindRepositoryRoot();
            string work = Path.Combine(Path.GetTempPath(), "mlext-package-test-" + Guid.NewGuid().ToString("N"));
            string packages = Path.Combine(work, "packages");
            string app = Path.Combine(work, "app");
            // A version no earlier run used, so the NuGet cache cannot hand back stale packages.
            string version = "0.0.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff");
            Directory.CreateDirectory(app);
            try
            {
                foreach (string project in new[] { "Estimators", "Transforms", "Trainers" })
                    Run("dotnet", $"pack \"{Path.Combine(repository, "src", project, $"MLExt.{project}.csproj")}\" --no-build -c {Configuration} -o \"{packages}\" -p:Version={version}", repository);
                string[] packed = Directory.GetFiles(packages, "*.nupkg").Select(Path.GetFileName).OrderBy(n => n).ToArray();
                CollectionAssert.AreEqual(new[] { $"MLExt.Estimators.{version}.nupkg", $"MLExt.Trainers.{version}.nupkg", $"MLExt.Transforms.{version}.nupkg" }, packed);
                foreach (string package in packed.Select(name => Path.Combine(packages, name)))
                    AssertReleaseMetadata(package);

                string template = Path.Combine(AppContext.BaseDirectory, "Consumer");
                File.WriteAllText(Path.Combine(app, "Consumer.csproj"), File.ReadAllText(Path.Combine(template, "Consumer.csproj.template"))
                    .Replace("@MLEXT_VERSION@", version).Replace("@EXTRA_PACKAGES@", extraPackages));
                File.Copy(Path.Combine(template, "Program.cs"), Path.Combine(app, "Program.cs"));
                // The local folder is added to the machine's configured sources (not replacing them).
                File.WriteAllText(Path.Combine(app, "nuget.config"),
                    $"<configuration><packageSources><add key=\"mlext-under-test\" value=\"{packages}\" /></packageSources></configuration>");
                // Keep the app out of this repository's Directory.Build.* and central package versions.
                File.WriteAllText(Path.Combine(work, "Directory.Build.props"), "<Project />");
                File.WriteAllText(Path.Combine(work, "Directory.Build.targets"), "<Project />");
                File.WriteAllText(Path.Combine(work, "Directory.Packages.props"), "<Project />");

                string output = Run("dotnet", "run -c Release", app);
                StringAssert.Contains(output, "CONSUMER OK");
                Console.WriteLine(output.Split('\n').First(line => line.Contains("CONSUMER OK", StringComparison.Ordinal)));
                StringAssert.Contains(output, "torch=3");
                string auc = output.Split("auc=")[1].Split(' ')[0];
                Assert.IsTrue(double.Parse(auc, System.Globalization.CultureInfo.InvariantCulture) > 0.9, output);
                // Sites s0-s3 click at 0.7, the others at 0.2: a CTR model of the site ranks about 0.75.
                string ctrAuc = output.Split("ctrauc=")[1].Split(' ')[0];
                Assert.IsTrue(double.Parse(ctrAuc, System.Globalization.CultureInfo.InvariantCulture) > 0.7, output);
                return output;
            }
            finally
            {
                Directory.Delete(work, recursive: true);
                string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                    ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
                foreach (string id in new[] { "mlext.estimators", "mlext.transforms", "mlext.trainers" })
                {
                    string cached = Path.Combine(cache, id, version);
                    if (Directory.Exists(cached))
                        Directory.Delete(cached, recursive: true);
                }
            }
        }

        // What a careful user checks before trusting a package: the license inside, tags, a symbol package beside it, and
        // ML.NET as a range that stops before the next minor release (the libraries compile against its internals).
        private static void AssertReleaseMetadata(string package)
        {
            using ZipArchive archive = ZipFile.OpenRead(package);
            Assert.IsNotNull(archive.GetEntry("LICENSE"), $"{package}: no LICENSE");
            using var reader = new StreamReader(archive.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
            string nuspec = reader.ReadToEnd();
            StringAssert.Contains(nuspec, "<dependency id=\"Microsoft.ML\" version=\"[5.0.1, 5.1.0)\"", package);
            StringAssert.Contains(nuspec, "<tags>ML.NET ", package);
            Assert.IsTrue(File.Exists(Path.ChangeExtension(package, ".snupkg")), $"{package}: no symbol package");
        }

        private static string Run(string file, string arguments, string directory)
        {
            var start = new ProcessStartInfo(file, arguments)
            {
                WorkingDirectory = directory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            // The test host may carry MSBuild settings of the outer build; the inner commands must start clean.
            foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
                start.Environment.Remove(key);
            // No build servers left running after the test.
            start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
            start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
            using Process process = Process.Start(start);
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            string all = stdout + stderr.Result;
            Assert.AreEqual(0, process.ExitCode, $"'{file} {arguments}' failed:\n{all}");
            return all;
        }

        private static string FindRepositoryRoot()
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory != null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "MLExt.sln")))
                    return directory.FullName;
            }
            throw new InvalidOperationException("MLExt.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
