using System;
using System.CommandLine;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExt.Cli.Data;
using MLExt.Cli.Training;
using Spectre.Console;

namespace MLExt.Cli.Commands
{
    /// <summary><c>mlext evaluate MODEL.zip DATA --label COL</c>: the task's metrics of a saved model on a labelled file.</summary>
    internal static class EvaluateCommand
    {
        public static Command Create(IAnsiConsole console)
        {
            Argument<string> model = ModelFile.Argument();
            var data = DataFile.Argument("It holds the label, or what the model derives it from.");
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
                using DataFile file = DataFile.Open(path);
                file.RequireRows();
                var mlContext = new MLContext(seed: 1);
                var (scored, task) = ModelFile.Score(mlContext, modelPath, file);
                // The label is a column of the file, or one the model derives from it (say, text classes mapped to a Boolean).
                if (scored.Schema.GetColumnOrNull(label) == null)
                    file.IndexOf(label);
                IDataView labelled = LabelFor(mlContext, scored, label, task, out string labelColumn);
                var (_, line) = TaskMetrics.Evaluate(mlContext, labelled, labelColumn, task);
                console.WriteLine($"{line} ({file.RowCount:N0} rows, {task.ToString().ToLowerInvariant()})");
            });
        }

        // The label as the evaluator takes it: a Boolean for binary models (a text or numeric label's positive class chosen as
        // train chooses it), a key for multiclass ones (text classes in the order of the model's Score slots).
        private static IDataView LabelFor(MLContext mlContext, IDataView scored, string label, ModelTask task, out string labelColumn)
        {
            DataViewType type = scored.Schema[label].Type;
            labelColumn = label;
            if (task == ModelTask.Regression || (task == ModelTask.Binary && type == BooleanDataViewType.Instance) || (task == ModelTask.Multiclass && type is KeyDataViewType))
                return scored;
            labelColumn = label + ".Evaluated";
            VBuffer<ReadOnlyMemory<char>> classes = default;
            if (task == ModelTask.Multiclass && type is TextDataViewType && scored.Schema["Score"].HasSlotNames())
            {
                scored.Schema["Score"].GetSlotNames(ref classes);
                IDataView keyData = mlContext.Data.LoadFromEnumerable(classes.DenseValues().Select(c => new ClassName { Value = c.ToString() }));
                return mlContext.Transforms.Conversion.MapValueToKey(labelColumn, label, keyData: keyData).Fit(scored).Transform(scored);
            }
            return LabelClasses.Read(scored, label).Mapping(mlContext, task, labelColumn).Fit(scored).Transform(scored);
        }

        private sealed class ClassName
        {
            public string Value { get; set; }
        }
    }
}
