using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExt.Cli.Commands
{
    /// <summary>The metrics <c>evaluate</c> prints and <c>train</c> ranks trials by, for one task.</summary>
    internal static class TaskMetrics
    {
        /// <summary>The metric trials are ranked by (higher is better): AUC, micro accuracy or R².</summary>
        public static string PrimaryName(ModelTask task) => task switch
        {
            ModelTask.Binary => "AUC",
            ModelTask.Multiclass => "micro accuracy",
            _ => "R²",
        };

        /// <summary>
        /// Evaluates scored rows against <paramref name="label"/> (a Boolean for binary, a key for multiclass, a Single for
        /// regression): the primary metric and the line that reports all of the task's metrics.
        /// </summary>
        public static (double Primary, string Line) Evaluate(MLContext mlContext, IDataView scored, string label, ModelTask task)
        {
            static string F(double value) => value.ToString("F4", CultureInfo.InvariantCulture);
            switch (task)
            {
                case ModelTask.Binary:
                    CalibratedBinaryClassificationMetrics binary = mlContext.BinaryClassification.Evaluate(scored, label);
                    return (binary.AreaUnderRocCurve, $"AUC {F(binary.AreaUnderRocCurve)}, log loss {F(binary.LogLoss)}, F1 {F(binary.F1Score)}, accuracy {F(binary.Accuracy)}");
                case ModelTask.Multiclass:
                    MulticlassClassificationMetrics multiclass = mlContext.MulticlassClassification.Evaluate(scored, label);
                    return (multiclass.MicroAccuracy, $"micro accuracy {F(multiclass.MicroAccuracy)}, macro accuracy {F(multiclass.MacroAccuracy)}, log loss {F(multiclass.LogLoss)}");
                default:
                    RegressionMetrics regression = mlContext.Regression.Evaluate(scored, label);
                    return (regression.RSquared, $"R² {F(regression.RSquared)}, RMSE {F(regression.RootMeanSquaredError)}, MAE {F(regression.MeanAbsoluteError)}");
            }
        }
    }
}
