using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace MLExt.Cli.Tests
{
    /// <summary>mlext train: type and task inference, the sweep, the saved model with evaluate and predict, the C# file, bad input.</summary>
    [TestClass]
    public class TrainCommandTests : FileTests
    {
        [TestMethod]
        public void TrainWritesABinaryModelThatEvaluatePredictAndTheCSharpFileUse()
        {
            string data = Write("loans.csv", CliRunner.Rows(3000, ','));
            string model = Path.Combine(Folder, "loans.zip");
            var (code, text) = CliRunner.Mlext("train", data, "--label", "label", "--model", model, "--trainer", "lightgbm", "--time-budget", "300", "--max-trials", "3");
            Assert.AreEqual(0, code, text);
            // The label is 0/1: 1 names the positive class. grade, noise and city hold letters, so they are categorical.
            StringAssert.Contains(text, "Task: binary, '1' is the positive class");
            StringAssert.Contains(text, "grade: categorical, because of 'g");
            StringAssert.Contains(text, "1 numeric columns, 3 categorical");
            StringAssert.Contains(text, "Refitted on all");
            // The label follows the grade with odds 0.8 / 0.5 / 0.1: any sensible model ranks well above chance.
            Assert.IsTrue(Auc(text.Split("Held-out test")[1]) > 0.7, text);
            Assert.IsTrue(File.Exists(model));

            var (evaluateCode, evaluation) = CliRunner.Mlext("evaluate", model, data, "--label", "label");
            Assert.AreEqual(0, evaluateCode, evaluation);
            Assert.IsTrue(Auc(evaluation) > 0.7, evaluation);

            // Scoring needs no label column.
            string unlabelled = Write("new.csv", string.Join("\n", File.ReadAllLines(data).Take(11).Select(l => l[..l.LastIndexOf(',')])) + "\n");
            string scores = Path.Combine(Folder, "scores.csv");
            var (predictCode, prediction) = CliRunner.Mlext("predict", model, unlabelled, "--out", scores);
            Assert.AreEqual(0, predictCode, prediction);
            Assert.AreEqual(11, File.ReadAllLines(scores).Length);

            // The C# file compiles against the test's own Microsoft.ML, and its Predict scores a row like the model does.
            string consumption = Path.Combine(Folder, "loans.consumption.cs");
            Type generated = CliRunner.Compile(File.ReadAllText(consumption)).GetType("Loans");
            generated.GetProperty("ModelPath").SetValue(null, model);
            Type inputType = generated.GetNestedType("ModelInput");
            object Predict(string grade)
            {
                object input = Activator.CreateInstance(inputType);
                inputType.GetProperty("Grade").SetValue(input, grade);
                inputType.GetProperty("Amount").SetValue(input, 50f);
                inputType.GetProperty("City").SetValue(input, "Lyon");
                inputType.GetProperty("Noise").SetValue(input, "n3");
                return generated.GetMethod("Predict").Invoke(null, new[] { input });
            }
            float Probability(object output) => (float)output.GetType().GetProperty("Probability").GetValue(output);
            Assert.IsTrue(Probability(Predict("g0")) > Probability(Predict("g2")) + 0.3, "grade g0 has odds 0.8, g2 0.1");
        }

        [TestMethod]
        public void TrainInfersMulticlassFromTextClassesAndEvaluateReadsThem()
        {
            string data = Write("grades.csv", Classes(3000));
            string model = Path.Combine(Folder, "grades.zip");
            var (code, text) = CliRunner.Mlext("train", data, "--label", "grade", "--model", model, "--trainer", "lightgbm", "--time-budget", "300", "--max-trials", "2");
            Assert.AreEqual(0, code, text);
            StringAssert.Contains(text, "Task: multiclass, 3 classes (high, low, mid)");
            // x alone decides the class up to noise near the two cut points: far above the 1/3 of chance.
            Assert.IsTrue(Metric(text.Split("Held-out test")[1], "micro accuracy") > 0.8, text);
            var (evaluateCode, evaluation) = CliRunner.Mlext("evaluate", model, data, "--label", "grade");
            Assert.AreEqual(0, evaluateCode, evaluation);
            Assert.IsTrue(Metric(evaluation, "micro accuracy") > 0.8, evaluation);
            StringAssert.Contains(File.ReadAllText(Path.Combine(Folder, "grades.consumption.cs")), "public string PredictedLabel");
        }

        [TestMethod]
        public void TrainInfersRegressionFromManyNumbers()
        {
            string data = Write("prices.csv", Classes(2000));
            var (code, text) = CliRunner.Mlext("train", data, "--label", "y", "--model", Path.Combine(Folder, "prices.zip"), "--trainer", "elasticnet", "--time-budget", "300", "--max-trials", "2");
            Assert.AreEqual(0, code, text);
            StringAssert.Contains(text, "Task: regression");
            // y = 3x + noise of standard deviation 1 with x uniform on [0, 10): R² near 0.99.
            Assert.IsTrue(Metric(text.Split("Held-out test")[1], "R²") > 0.9, text);
        }

        [TestMethod]
        public void TheSweepTriesEachTrainersDefaultsFirstAndStopsPoorRandomTrialsEarly()
        {
            string data = Write("loans.csv", CliRunner.Rows(4000, ','));
            var (code, text) = CliRunner.Mlext("train", data, "--label", "label", "--model", Path.Combine(Folder, "m.zip"), "--trainer", "fasttree", "--time-budget", "300", "--max-trials", "12");
            Assert.AreEqual(0, code, text);
            var trials = Regex.Matches(text, @"trial \d+: fasttree, (finished|stopped early|stopped at the time budget|failed)[^\n]*\(([^()\n]*)\)\n").Select(m => (Outcome: m.Groups[1].Value, Settings: m.Groups[2].Value)).ToList();
            Assert.AreEqual(12, trials.Count, text);
            Assert.AreEqual("defaults", trials[0].Settings);
            Assert.IsTrue(trials.Skip(1).All(t => t.Settings.Contains("NumberOfTrees")), text);
            // Random settings whose first cross-validation fold scores below the median of the first folds before stop there.
            Assert.IsTrue(trials.Any(t => t.Outcome == "stopped early"), text);
            Assert.IsTrue(trials.Skip(1).Any(t => t.Outcome == "finished"), text);
            StringAssert.Contains(text, "Leaderboard (finished trials, best first)");
        }

        [TestMethod]
        public void LargerFilesAreScoredOnAValidationSplitWithAQuarterRowsFirstFit()
        {
            // 25,000 rows leave 20,000 to train on: past cross-validation's limit.
            string data = Write("big.csv", CliRunner.Rows(25000, ','));
            var (code, text) = CliRunner.Mlext("train", data, "--label", "label", "--model", Path.Combine(Folder, "m.zip"), "--trainer", "lightgbm", "--max-trials", "4");
            Assert.AreEqual(0, code, text);
            StringAssert.Contains(text, "Trials are scored by fits on 80% of the training rows scored on the other 20%");
            StringAssert.Contains(text, "ranked by validation AUC");
            Assert.IsTrue(Auc(text.Split("Held-out test")[1]) > 0.7, text);
        }

        [TestMethod]
        public void TrainFailsClearlyOnBadInput()
        {
            string data = Write("loans.csv", CliRunner.Rows(300, ','));
            string model = Path.Combine(Folder, "m.zip");
            void Fails(string expected, params string[] args)
            {
                var (code, text) = CliRunner.Mlext(new[] { "train" }.Concat(args).ToArray());
                Assert.AreEqual(1, code, text);
                StringAssert.Contains(text, expected);
            }
            Fails("does not exist", Path.Combine(Folder, "none.csv"), "--label", "label", "--model", model);
            Fails("No column is named 'outcome'", data, "--label", "outcome", "--model", model);
            Fails("No trainer is named 'xgboost'", data, "--label", "label", "--model", model, "--trainer", "xgboost");
            Fails("The ctr trainer does not do regression tasks", data, "--label", "amount", "--model", model, "--trainer", "ctr");
            Fails("--max-trials is 0", data, "--label", "label", "--model", model, "--max-trials", "0");
            Fails("--test-fraction is 0.95", data, "--label", "label", "--model", model, "--test-fraction", "0.95");
            Fails("--task regression needs a numeric label", data, "--label", "city", "--model", model, "--task", "regression");
            Fails("has one value ('Paris, FR')", Write("one.csv", "a,city\n1,\"Paris, FR\"\n2,\"Paris, FR\"\n"), "--label", "city", "--model", model);
            Fails("line 3 has 1 fields", Write("ragged.csv", "a,b\n1,2\n3\n"), "--label", "b", "--model", model);
            Fails("is empty", Write("empty.csv", ""), "--label", "b", "--model", model);
            // One second leaves no time for TabularNet's 30 epochs once the file is read and split.
            Fails("too short to finish one trial", Write("big.csv", CliRunner.Rows(20000, ',')), "--label", "label", "--model", model, "--trainer", "tabularnet", "--time-budget", "1");
            Assert.IsFalse(File.Exists(model));
        }

        // x uniform on [0, 10); grade low below 3.3, mid below 6.6, high above, each flipped to a random class 5% of the time;
        // y = 3x + N(0, 1); a text column with no information.
        private static string Classes(int count)
        {
            var random = new Random(5);
            var text = new StringBuilder("x,colour,grade,y\n");
            string[] grades = { "low", "mid", "high" };
            for (int i = 0; i < count; i++)
            {
                double x = random.NextDouble() * 10;
                string grade = random.NextDouble() < 0.05 ? grades[random.Next(3)] : grades[x < 3.3 ? 0 : x < 6.6 ? 1 : 2];
                double noise = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                text.Append(CultureInfo.InvariantCulture, $"{x:F3},{(random.Next(2) == 0 ? "red" : "blue")},{grade},{3 * x + noise:F3}\n");
            }
            return text.ToString();
        }

        private static double Auc(string text) => Metric(text, "AUC");

        private static double Metric(string text, string name)
            => double.Parse(Regex.Match(text, Regex.Escape(name) + @" (-?[0-9.]+)").Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
