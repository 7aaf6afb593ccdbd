using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExt.Trainers;

// MLExt quick start: predict which Lending Club loans go bad with a cross-validated group-lasso logistic regression,
// then their interest rate with an elastic-net regression, then train DeepFM click models (ClickModels.cs).
// Every one-hot encoded categorical column is one group, so a category enters or leaves the model as a whole.
namespace MLExt.Examples.QuickStart
{
    public static class Program
    {
        private static readonly string[] Categorical = { "term", "sub_grade", "addr_state", "verification_status", "emp_length" };
        private static readonly string[] Numeric =
        {
            "funded_amnt", "int_rate", "annual_inc", "delinq_2yrs", "inq_last_6mths", "revol_util", "acc_now_delinq", "open_il_6m",
            "open_il_12m", "open_il_24m", "total_bal_il", "all_util", "inq_fi", "inq_last_12m", "delinq_amnt", "num_il_tl", "total_il_high_credit_limit",
        };

        public static void Main()
        {
            var mlContext = new MLContext(seed: 2026);
            mlContext.Log += (_, e) =>
            {
                if (e.Source.StartsWith("ElasticNet", StringComparison.Ordinal) && e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Info)
                    Console.WriteLine($"  {e.RawMessage}");
            };

            string csv = Path.Combine(AppContext.BaseDirectory, "Data", "lending_club.csv");
            IDataView loans = mlContext.Data.LoadFromTextFile<Loan>(csv, separatorChar: ',', hasHeader: true, allowQuoting: true);
            var split = mlContext.Data.TrainTestSplit(loans, testFraction: 0.2, seed: 2026);

            var pipeline = mlContext.Transforms.Conversion.MapValue("Label",
                    new Dictionary<string, bool> { ["bad"] = true, ["good"] = false }, nameof(Loan.Class))
                .Append(mlContext.Transforms.Categorical.OneHotEncoding(Categorical.Select(c => new InputOutputColumnPair(c)).ToArray()))
                .Append(mlContext.Transforms.Concatenate("Features", Categorical.Concat(Numeric).ToArray()))
                .Append(mlContext.BinaryClassification.Trainers.ElasticNet(new ElasticNetTrainer.Options
                {
                    GroupCategoricalSlots = true,
                    Alpha = 1,
                    NumberOfFolds = 10,
                    LambdaRule = LambdaSelectionRule.MinimumError,
                }));

            Console.WriteLine("Training a group-lasso logistic regression, lambda chosen by 10-fold cross-validation...");
            var model = pipeline.Fit(split.TrainSet);
            ElasticNetBinaryModelParameters parameters = model.LastTransformer.Model;

            var metrics = mlContext.BinaryClassification.Evaluate(model.Transform(split.TestSet));
            Console.WriteLine();
            Console.WriteLine($"Test AUC {metrics.AreaUnderRocCurve:F4}, log loss {metrics.LogLoss:F4} " +
                $"(lambda {parameters.Lambda:G4}, {parameters.NonZeroCount} of {parameters.Weights.Count} weights non-zero).");
            ElasticNetCrossValidationCurve curve = parameters.CrossValidation;
            Console.WriteLine($"Cross-validation: lambda.min {curve.LambdaMinimumError:G4} (deviance {curve.MeanError[curve.MinimumErrorIndex]:F4}), " +
                $"lambda.1se {curve.LambdaOneStandardError:G4}.");

            PrintSelection(model.Transform(split.TestSet).Schema["Features"], parameters);

            string modelPath = Path.Combine(Directory.GetCurrentDirectory(), "model.zip");
            mlContext.Model.Save(model, split.TrainSet.Schema, modelPath);
            Console.WriteLine($"Saved {modelPath}");

            // A fresh context, as a separate serving application would have: no registration needed.
            var servingContext = new MLContext();
            ITransformer loaded = servingContext.Model.Load(modelPath, out _);
            var engine = servingContext.Model.CreatePredictionEngine<Loan, LoanPrediction>(loaded);
            Loan example = servingContext.Data.CreateEnumerable<Loan>(split.TestSet, reuseRowObject: false).First();
            LoanPrediction prediction = engine.Predict(example);
            Console.WriteLine($"One loan ({example.sub_grade}, {example.term}, {example.addr_state}, actual: {example.Class}): " +
                $"P(bad) = {prediction.Probability:F3}, predicted {(prediction.PredictedLabel ? "bad" : "good")}.");

            PredictInterestRate(mlContext, split);
            ClickModels.Run(mlContext, split, Categorical, Numeric);
        }

        // The regression trainer: an elastic net (alpha 0.5) for the interest rate, without the sub-grade that sets it.
        private static void PredictInterestRate(MLContext mlContext, DataOperationsCatalog.TrainTestData split)
        {
            string[] categorical = Categorical.Where(c => c != nameof(Loan.sub_grade)).ToArray();
            string[] numeric = Numeric.Where(c => c != nameof(Loan.int_rate)).ToArray();
            var pipeline = mlContext.Transforms.Categorical.OneHotEncoding(categorical.Select(c => new InputOutputColumnPair(c)).ToArray())
                .Append(mlContext.Transforms.Concatenate("Features", categorical.Concat(numeric).ToArray()))
                .Append(mlContext.Regression.Trainers.ElasticNet(labelColumnName: nameof(Loan.int_rate), alpha: 0.5));
            Console.WriteLine();
            Console.WriteLine("Regression: the interest rate from the other columns (elastic net, alpha 0.5, cross-validated lambda)...");
            var model = pipeline.Fit(split.TrainSet);
            var metrics = mlContext.Regression.Evaluate(model.Transform(split.TestSet), labelColumnName: nameof(Loan.int_rate));
            ElasticNetRegressionModelParameters parameters = model.LastTransformer.Model;
            Console.WriteLine($"Test R² {metrics.RSquared:F3}, RMSE {metrics.RootMeanSquaredError:F3} percentage points; " +
                $"{parameters.NonZeroCount} of {parameters.Weights.Count} weights non-zero at lambda {parameters.Lambda:G4}.");
        }

        // Slot names come from the one-hot encoders ("addr_state.CA") and the concatenation; a group is a categorical column.
        private static void PrintSelection(DataViewSchema.Column features, ElasticNetBinaryModelParameters parameters)
        {
            VBuffer<ReadOnlyMemory<char>> slotNames = default;
            features.GetSlotNames(ref slotNames);
            string[] names = slotNames.DenseValues().Select(n => n.ToString()).ToArray();
            Console.WriteLine();
            Console.WriteLine("Groups (categorical columns): in or out as a whole");
            foreach (var group in Enumerable.Range(0, names.Length).GroupBy(slot => parameters.Groups[slot]).Where(g => g.Count() > 1))
            {
                string column = names[group.First()].Split('.')[0];
                int kept = group.Count(slot => parameters.Weights[slot] != 0);
                Console.WriteLine($"  {column,-22} {(kept > 0 ? "selected" : "dropped "),-9} ({group.Count()} levels)");
            }
            Console.WriteLine("Numeric features:");
            foreach (var slot in Enumerable.Range(0, names.Length).Where(slot => Numeric.Contains(names[slot])))
                Console.WriteLine($"  {names[slot],-28} {(parameters.Weights[slot] == 0 ? "dropped" : $"weight {parameters.Weights[slot]:G4}")}");
        }
    }

    public sealed class Loan
    {
        [LoadColumn(0)] public float funded_amnt { get; set; }
        [LoadColumn(1)] public string term { get; set; }
        [LoadColumn(2)] public float int_rate { get; set; }
        [LoadColumn(3)] public string sub_grade { get; set; }
        [LoadColumn(4)] public string addr_state { get; set; }
        [LoadColumn(5)] public string verification_status { get; set; }
        [LoadColumn(6)] public float annual_inc { get; set; }
        [LoadColumn(7)] public string emp_length { get; set; }
        [LoadColumn(8)] public float delinq_2yrs { get; set; }
        [LoadColumn(9)] public float inq_last_6mths { get; set; }
        [LoadColumn(10)] public float revol_util { get; set; }
        [LoadColumn(11)] public float acc_now_delinq { get; set; }
        [LoadColumn(12)] public float open_il_6m { get; set; }
        [LoadColumn(13)] public float open_il_12m { get; set; }
        [LoadColumn(14)] public float open_il_24m { get; set; }
        [LoadColumn(15)] public float total_bal_il { get; set; }
        [LoadColumn(16)] public float all_util { get; set; }
        [LoadColumn(17)] public float inq_fi { get; set; }
        [LoadColumn(18)] public float inq_last_12m { get; set; }
        [LoadColumn(19)] public float delinq_amnt { get; set; }
        [LoadColumn(20)] public float num_il_tl { get; set; }
        [LoadColumn(21)] public float total_il_high_credit_limit { get; set; }
        [LoadColumn(22)] public string Class { get; set; }
    }

    public sealed class LoanPrediction
    {
        public bool PredictedLabel { get; set; }
        public float Probability { get; set; }
        public float Score { get; set; }
    }
}
