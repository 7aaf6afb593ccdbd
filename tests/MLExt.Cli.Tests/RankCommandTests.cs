using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using Spectre.Console;

namespace MLExt.Cli.Tests
{
    [TestClass]
    public class RankCommandTests : FileTests
    {
        private static string[] RankedNames(string folder)
            => File.ReadAllLines(Path.Combine(folder, "ranking.tsv")).Skip(1).Select(line => line.Split('\t')[1]).ToArray();

        [TestMethod]
        public void RanksThePlantedColumnFirstAndWritesTheReportFiles()
        {
            string data = Write("loans.csv", CliRunner.Rows(3000, ','));
            string output = Path.Combine(Folder, "out");
            var (code, text) = CliRunner.Mlext("rank", data, "--label", "label", "--out", output, "--redundancy-aware");
            Assert.AreEqual(0, code, text);
            Assert.AreEqual("grade", RankedNames(output)[0]);
            CollectionAssert.AreEquivalent(new[] { "grade", "noise", "amount", "city" }, RankedNames(output));
            Assert.IsTrue(File.Exists(Path.Combine(output, "ranking.json")) && new FileInfo(Path.Combine(output, "ranking.png")).Length > 0);
            StringAssert.Contains(text, "grade: categorical, because of 'g");
            StringAssert.Contains(text, "city: categorical, because of 'Paris, FR' on line 2");
            StringAssert.Contains(text, "1 numeric columns (binned), 3 categorical");
            StringAssert.Contains(text, "Redundancy-aware order: grade");
        }

        [TestMethod]
        public void ReadsGzipCompressedTsvLikeThePlainFile()
        {
            string plain = Write("loans.tsv", CliRunner.Rows(3000, '\t'));
            string compressed = Path.Combine(Folder, "loans.tsv.gz");
            using (var gzip = new GZipStream(File.Create(compressed), CompressionLevel.Fastest))
            using (FileStream source = File.OpenRead(plain))
                source.CopyTo(gzip);
            Assert.AreEqual(0, CliRunner.Mlext("rank", plain, "--label", "label", "--out", Path.Combine(Folder, "plain")).Code);
            Assert.AreEqual(0, CliRunner.Mlext("rank", compressed, "--label", "label", "--out", Path.Combine(Folder, "gzip")).Code);
            CollectionAssert.AreEqual(File.ReadAllLines(Path.Combine(Folder, "plain", "ranking.tsv")), File.ReadAllLines(Path.Combine(Folder, "gzip", "ranking.tsv")));
        }

        [TestMethod]
        public void BadInputFailsWithExitCodeOneAndSaysWhat()
        {
            string good = Write("good.csv", CliRunner.Rows(200, ','));
            void Fails(string expected, params string[] args)
            {
                var (code, text) = CliRunner.Mlext(args);
                Assert.AreNotEqual(0, code, text);
                StringAssert.Contains(text, expected);
            }
            Fails("does not exist", "rank", Path.Combine(Folder, "missing.csv"), "--label", "label");
            Fails("No column is named 'outcome'. The columns are: grade, noise, amount, city, label", "rank", good, "--label", "outcome");
            Fails("is empty", "rank", Write("empty.csv", ""), "--label", "label");
            Fails("has a header but no data rows", "rank", Write("header.csv", "grade,label\n"), "--label", "label");
            Fails("line 4 has 3 fields; the header has 2", "rank", Write("ragged.csv", "grade,label\ng1,1\ng2,0\ng1,0,extra\n"), "--label", "label");
            Fails("single value", "rank", Write("one-class.csv", "grade,label\ng1,1\ng2,1\ng1,1\n"), "--label", "label");
            Fails("--label", "rank", good);
            Fails("--keep is 0", "rank", good, "--label", "label", "--keep", "0");
        }

        [TestMethod]
        public void HelpShowsExamples()
        {
            var (code, text) = CliRunner.Mlext("rank", "--help");
            Assert.AreEqual(0, code);
            StringAssert.Contains(text, "Examples:");
            StringAssert.Contains(text, "mlext rank loans.csv --label Class");
        }

        [TestMethod]
        public void TheBuiltToolRanksAFileEndToEnd()
        {
            string data = Write("loans.csv", CliRunner.Rows(1000, ','));
            string output = Path.Combine(Folder, "tool");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string argument in new[] { Path.Combine(AppContext.BaseDirectory, "mlext.dll"), "rank", data, "--label", "label", "--out", output })
                start.ArgumentList.Add(argument);
            using Process process = Process.Start(start);
            var error = process.StandardError.ReadToEndAsync();
            string text = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.AreEqual(0, process.ExitCode, text + error.Result);
            Assert.AreEqual("grade", RankedNames(output)[0]);
        }
    }
}
