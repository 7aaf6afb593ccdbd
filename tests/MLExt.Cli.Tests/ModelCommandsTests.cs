using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace MLExt.Cli.Tests
{
    /// <summary>evaluate and predict on a model an ordinary ML.NET program saved.</summary>
    [TestClass]
    public class ModelCommandsTests : FileTests
    {
        private string _model;
        private string _test;

        [TestInitialize]
        public void TrainAndSaveAModel()
        {
            string train = Path.Combine(Folder, "train.csv");
            File.WriteAllText(train, CliRunner.Rows(3000, ','));
            _test = Path.Combine(Folder, "test.csv");
            // Another sample of the same process (the generator's seed is fixed, so the later rows of a longer file).
            File.WriteAllLines(_test, CliRunner.Rows(4000, ',').TrimEnd('\n').Split('\n').Take(1).Concat(CliRunner.Rows(4000, ',').TrimEnd('\n').Split('\n').Skip(3001)));
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.LoadFromTextFile(train, new[]
            {
                new TextLoader.Column("grade", DataKind.String, 0), new TextLoader.Column("noise", DataKind.String, 1),
                new TextLoader.Column("amount", DataKind.Single, 2), new TextLoader.Column("city", DataKind.String, 3),
                new TextLoader.Column("label", DataKind.Boolean, 4),
            }, separatorChar: ',', hasHeader: true, allowQuoting: true);
            var pipeline = mlContext.Transforms.Categorical.OneHotEncoding("grade")
                .Append(mlContext.Transforms.Concatenate("Features", "grade", "amount"))
                .Append(mlContext.BinaryClassification.Trainers.SdcaLogisticRegression("label"));
            _model = Path.Combine(Folder, "model.zip");
            mlContext.Model.Save(pipeline.Fit(data), data.Schema, _model);
        }

        [TestMethod]
        public void EvaluatePrintsTheBinaryMetricsOfASavedModel()
        {
            var (code, text) = CliRunner.Mlext("evaluate", _model, _test, "--label", "label");
            Assert.AreEqual(0, code, text);
            // The label follows the grade with odds 0.8 / 0.5 / 0.1: a model of the grade ranks well above chance.
            double auc = double.Parse(text.Split("AUC ")[1].Split(',')[0], CultureInfo.InvariantCulture);
            Assert.IsTrue(auc > 0.7 && auc < 1, text);
            StringAssert.Contains(text, "1,000 rows, binary");
        }

        [TestMethod]
        public void PredictWritesOneScoredRowPerInputRow()
        {
            string scores = Path.Combine(Folder, "scores.csv");
            var (code, text) = CliRunner.Mlext("predict", _model, _test, "--out", scores);
            Assert.AreEqual(0, code, text);
            string[] lines = File.ReadAllLines(scores);
            Assert.AreEqual("PredictedLabel,Score,Probability", lines[0]);
            Assert.AreEqual(1001, lines.Length);
            Assert.IsTrue(lines.Skip(1).All(l => l.Split(',') is { Length: 3 } f && float.Parse(f[2], CultureInfo.InvariantCulture) is >= 0 and <= 1));
        }

        [TestMethod]
        public void ModelCommandsFailClearlyOnBadInput()
        {
            Assert.AreEqual(1, CliRunner.Mlext("evaluate", Path.Combine(Folder, "none.zip"), _test, "--label", "label").Code);
            StringAssert.Contains(CliRunner.Mlext("evaluate", Path.Combine(Folder, "none.zip"), _test, "--label", "label").Output, "does not exist");
            string notAModel = Path.Combine(Folder, "not-a-model.zip");
            File.WriteAllText(notAModel, "hello");
            StringAssert.Contains(CliRunner.Mlext("predict", notAModel, _test, "--out", Path.Combine(Folder, "s.csv")).Output, "is not an ML.NET model zip");
            StringAssert.Contains(CliRunner.Mlext("evaluate", _model, _test, "--label", "outcome").Output, "No column is named 'outcome'");
            string noGrade = Path.Combine(Folder, "no-grade.csv");
            File.WriteAllText(noGrade, "amount,label\n3.5,1\n");
            var (code, text) = CliRunner.Mlext("evaluate", _model, noGrade, "--label", "label");
            Assert.AreEqual(1, code, text);
            StringAssert.Contains(text, "grade");
        }
    }
}
