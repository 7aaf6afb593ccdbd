using System;
using System.CommandLine;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExt.Cli.Data;
using Spectre.Console;

namespace MLExt.Cli.Commands
{
    /// <summary><c>mlext evaluate MODEL.zip DATA --label COL</c>: the task's metrics of a saved model on a labelled file.</summary>
    internal static class EvaluateCommand
    {
        public static Command Create(IAnsiConsole console)
        {
            Argument<string> model = ModelFile.Argument();
            var data = new Argument<string>("DATA") { Description = "A CSV or TSV file with a header row (.gz too), holding the label or what the model derives it from." };
            var label = new Option<string>("--label") { Description = "The label column: of the file, or one the model makes (its own Label).", Required = true };
            var command = new Command("evaluate", """
                Score a labelled file with a saved model and print the task's metrics (binary: AUC, log loss, F1; multiclass:
                accuracies and log loss; regression: R², RMSE, MAE). The task is read from the model's output columns.

                Examples:
                  mlext evaluate model.zip test.csv --label Class
                """)
            {
                model, data, label,
            };
            command.SetAction(parsed => Run(console, parsed.GetValue(model), parsed.GetValue(data), parsed.GetValue(label)));
            return command;
        }

        internal static int Run(IAnsiConsole console, string modelPath, string path, string label)
        {
            return CommandErrors.Report(console, () =>
            {
                using DelimitedFile file = DelimitedFile.Scan(path);
                file.RequireRows();
                var mlContext = new MLContext(seed: 1);
                var (scored, task) = ModelFile.Score(mlContext, modelPath, file);
                // The label is a column of the file, or one the model derives from it (say, text classes mapped to a Boolean).
                if (scored.Schema.GetColumnOrNull(label) == null)
                    file.IndexOf(label);
                string F(double value) => value.ToString("F4", CultureInfo.InvariantCulture);
                switch (task)
                {
                    case ModelTask.Binary:
                        if (scored.Schema[label].Type != BooleanDataViewType.Instance)
                            scored = mlContext.Transforms.Conversion.ConvertType(label, outputKind: DataKind.Boolean).Fit(scored).Transform(scored);
                        CalibratedBinaryClassificationMetrics binary = mlContext.BinaryClassification.Evaluate(scored, label);
                        console.WriteLine($"AUC {F(binary.AreaUnderRocCurve)}, log loss {F(binary.LogLoss)}, F1 {F(binary.F1Score)}, accuracy {F(binary.Accuracy)} ({file.RowCount:N0} rows, binary)");
                        break;
                    case ModelTask.Multiclass:
                        MulticlassClassificationMetrics multiclass = mlContext.MulticlassClassification.Evaluate(scored, label);
                        console.WriteLine($"micro accuracy {F(multiclass.MicroAccuracy)}, macro accuracy {F(multiclass.MacroAccuracy)}, log loss {F(multiclass.LogLoss)} ({file.RowCount:N0} rows, multiclass)");
                        break;
                    default:
                        RegressionMetrics regression = mlContext.Regression.Evaluate(scored, label);
                        console.WriteLine($"R² {F(regression.RSquared)}, RMSE {F(regression.RootMeanSquaredError)}, MAE {F(regression.MeanAbsoluteError)} ({file.RowCount:N0} rows, regression)");
                        break;
                }
            });
        }
    }
}
