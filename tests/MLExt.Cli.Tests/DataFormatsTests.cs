using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace MLExt.Cli.Tests
{
    /// <summary>DATA beyond a CSV with a header: Criteo and Avazu click logs, and ML.NET's binary IDataView format.</summary>
    [TestClass]
    public class DataFormatsTests : FileTests
    {
        [TestMethod]
        public void ACriteoLogIsReadWithoutAHeaderAndItsHashedFieldsAsCategories()
        {
            // Criteo's layout: label, 13 integers (some empty), 26 hashed fields; C3 alone decides the click odds, and its
            // values are all digits, which only the layout makes categorical.
            var random = new Random(11);
            var text = new StringBuilder();
            for (int row = 0; row < 1500; row++)
            {
                int c3 = random.Next(4);
                bool click = random.NextDouble() < (c3 == 0 ? 0.8 : 0.15);
                var fields = new[] { click ? "1" : "0" }
                    .Concat(Enumerable.Range(0, 13).Select(i => random.Next(5) == 0 ? "" : random.Next(100).ToString(CultureInfo.InvariantCulture)))
                    .Concat(Enumerable.Range(0, 26).Select(i => i == 2 ? $"{10000000 + c3}" : random.Next(50).ToString("x8", CultureInfo.InvariantCulture)));
                text.Append(string.Join('\t', fields)).Append('\n');
            }
            string path = Write("day_0.txt", text.ToString());

            var (code, ranking) = CliRunner.Mlext("rank", path, "--label", "Label", "--out", Path.Combine(Folder, "rank"));
            Assert.AreEqual(0, code, ranking);
            StringAssert.Contains(ranking, "Read 1,500 rows: 13 numeric columns (binned), 26 categorical.");
            StringAssert.Contains(ranking, "C3: categorical, because of the Criteo layout");
            Assert.AreEqual("C3", File.ReadAllLines(Path.Combine(Folder, "rank", "ranking.tsv"))[1].Split('\t')[1], ranking);

            var (trainCode, training) = CliRunner.Mlext("train", path, "--label", "Label", "--model", Path.Combine(Folder, "criteo.zip"), "--trainer", "lightgbm", "--max-trials", "1");
            Assert.AreEqual(0, trainCode, training);
            StringAssert.Contains(training, "Task: binary, '1' is the positive class");
        }

        [TestMethod]
        public void AnAvazuLogKeepsItsIdOutOfTheFeatures()
        {
            string[] fields = { "id", "click", "hour", "C1", "banner_pos", "site_id", "site_domain", "site_category", "app_id", "app_domain", "app_category",
                "device_id", "device_ip", "device_model", "device_type", "device_conn_type", "C14", "C15", "C16", "C17", "C18", "C19", "C20", "C21" };
            var random = new Random(12);
            var text = new StringBuilder(string.Join(',', fields) + "\n");
            for (int row = 0; row < 400; row++)
            {
                int banner = random.Next(3);
                bool click = random.NextDouble() < (banner == 1 ? 0.7 : 0.1);
                text.Append(string.Join(',', new[] { (1000 + row).ToString(CultureInfo.InvariantCulture), click ? "1" : "0", "14102100", "1005", banner.ToString(CultureInfo.InvariantCulture) }
                    .Concat(Enumerable.Range(0, 19).Select(_ => random.Next(6).ToString(CultureInfo.InvariantCulture))))).Append('\n');
            }
            var (code, ranking) = CliRunner.Mlext("rank", Write("train.csv", text.ToString()), "--label", "click", "--out", Path.Combine(Folder, "rank"));
            Assert.AreEqual(0, code, ranking);
            StringAssert.Contains(ranking, "id: not used, an identifier in the Avazu layout");
            StringAssert.Contains(ranking, "0 numeric columns (binned), 22 categorical");
            Assert.AreEqual("banner_pos", File.ReadAllLines(Path.Combine(Folder, "rank", "ranking.tsv"))[1].Split('\t')[1], ranking);
        }

        [TestMethod]
        public void ABinaryIDataViewFileTrainsEvaluatesAndScores()
        {
            var mlContext = new MLContext(seed: 1);
            var random = new Random(13);
            Row[] rows = Enumerable.Range(0, 1200).Select(_ =>
            {
                double amount = random.NextDouble() * 10;
                string grade = "g" + random.Next(3);
                return new Row { Amount = amount, Grade = grade, Label = random.NextDouble() < (grade == "g0" ? 0.2 : 0.6) + amount / 40 };
            }).ToArray();
            string path = Path.Combine(Folder, "loans.idv");
            using (FileStream stream = File.Create(path))
                mlContext.Data.SaveAsBinary(mlContext.Data.LoadFromEnumerable(rows), stream);

            string model = Path.Combine(Folder, "loans.zip");
            var (code, text) = CliRunner.Mlext("train", path, "--label", "Label", "--model", model, "--trainer", "lightgbm", "--max-trials", "1");
            Assert.AreEqual(0, code, text);
            StringAssert.Contains(text, "Read 1,200 rows: 1 numeric columns, 1 categorical.");
            StringAssert.Contains(text, "Grade: categorical, because of its type in the file, String");
            StringAssert.Contains(text, "Task: binary, 'true' is the positive class");

            var (evaluateCode, evaluation) = CliRunner.Mlext("evaluate", model, path, "--label", "Label");
            Assert.AreEqual(0, evaluateCode, evaluation);
            StringAssert.Contains(evaluation, "1,200 rows, binary");
            var (predictCode, prediction) = CliRunner.Mlext("predict", model, path, "--out", Path.Combine(Folder, "scores.csv"));
            Assert.AreEqual(0, predictCode, prediction);
            Assert.AreEqual(1201, File.ReadAllLines(Path.Combine(Folder, "scores.csv")).Length);

            // The C# file types its properties as the file does: a Boolean label, a Double amount read as Single.
            Type generated = CliRunner.Compile(File.ReadAllText(Path.Combine(Folder, "loans.consumption.cs"))).GetType("Loans");
            generated.GetProperty("ModelPath").SetValue(null, model);
            Type inputType = generated.GetNestedType("ModelInput");
            Assert.AreEqual(typeof(bool), inputType.GetProperty("Label").PropertyType);
            Assert.AreEqual(typeof(float), inputType.GetProperty("Amount").PropertyType);
            object input = Activator.CreateInstance(inputType);
            inputType.GetProperty("Grade").SetValue(input, "g1");
            inputType.GetProperty("Amount").SetValue(input, 5f);
            object output = generated.GetMethod("Predict").Invoke(null, new[] { input });
            float probability = (float)output.GetType().GetProperty("Probability").GetValue(output);
            Assert.IsTrue(probability > 0 && probability < 1, probability.ToString(CultureInfo.InvariantCulture));
        }

        [TestMethod]
        public void ABinaryFileWithAVectorColumnOrOfAnotherFormatIsRefused()
        {
            var mlContext = new MLContext(seed: 1);
            string path = Path.Combine(Folder, "vectors.idv");
            using (FileStream stream = File.Create(path))
                mlContext.Data.SaveAsBinary(mlContext.Data.LoadFromEnumerable(new[] { new VectorRow { Features = new float[] { 1, 2 }, Label = true } }), stream);
            var (code, text) = CliRunner.Mlext("rank", path, "--label", "Label");
            Assert.AreEqual(1, code, text);
            StringAssert.Contains(text, "column 'Features' is a vector");
            string notBinary = Write("text.idv", "a,b\n1,2\n");
            StringAssert.Contains(CliRunner.Mlext("rank", notBinary, "--label", "b").Output, "is not in ML.NET's binary IDataView format");
        }

        private sealed class Row
        {
            public double Amount { get; set; }

            public string Grade { get; set; }

            public bool Label { get; set; }
        }

        private sealed class VectorRow
        {
            [VectorType(2)]
            public float[] Features { get; set; }

            public bool Label { get; set; }
        }
    }
}
