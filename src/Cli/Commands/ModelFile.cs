using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExt.Cli.Data;

namespace MLExt.Cli.Commands
{
    /// <summary>What a saved model's scored output says its task is.</summary>
    internal enum ModelTask
    {
        Binary,
        Multiclass,
        Regression,
    }

    /// <summary>A saved ML.NET model (an mlext or any ML.NET model zip) and the rows of a file scored by it.</summary>
    internal static class ModelFile
    {
        /// <summary>The MODEL argument the model commands share.</summary>
        public static Argument<string> Argument() => new("MODEL") { Description = "A saved ML.NET model zip (from mlext or any ML.NET program)." };

        /// <exception cref="CliException">The model file is missing or not an ML.NET model, or the file's columns do not fit it.</exception>
        public static (IDataView Scored, ModelTask Task) Score(MLContext mlContext, string modelPath, DataFile file)
        {
            if (!File.Exists(modelPath))
                throw new CliException($"The model '{modelPath}' does not exist.");
            ITransformer model;
            DataViewSchema input;
            try
            {
                model = mlContext.Model.Load(modelPath, out input);
            }
            catch (Exception e) when (e is InvalidDataException || e is FormatException || e is InvalidOperationException)
            {
                throw new CliException($"'{modelPath}' is not an ML.NET model zip: {e.Message}");
            }
            IDataView scored = model.Transform(file.Load(mlContext, input));
            return (scored, TaskOf(scored.Schema, modelPath));
        }

        // Binary models add a Boolean PredictedLabel and a Probability; multiclass ones a vector Score; regression a scalar Score alone.
        private static ModelTask TaskOf(DataViewSchema scored, string modelPath)
        {
            DataViewSchema.Column? score = scored.GetColumnOrNull("Score");
            if (score == null)
                throw new CliException($"'{modelPath}' outputs no Score column: it is not a trained prediction model.");
            if (score.Value.Type is VectorDataViewType)
                return ModelTask.Multiclass;
            return scored.GetColumnOrNull("Probability") != null ? ModelTask.Binary : ModelTask.Regression;
        }

        /// <summary>The output columns worth writing, in order: PredictedLabel, Score, Probability, where present.</summary>
        public static string[] PredictionColumns(DataViewSchema scored)
            => new[] { "PredictedLabel", "Score", "Probability" }.Where(name => scored.GetColumnOrNull(name) != null).ToArray();
    }
}
