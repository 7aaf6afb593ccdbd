using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExt.Cli.Commands;

namespace MLExt.Cli.Training
{
    /// <summary>
    /// The small C# file <c>mlext train</c> writes beside the model (Model Builder's "consumption" code): input and output
    /// classes whose properties are the file's columns and the model's outputs, and a Predict method over a PredictionEngine.
    /// </summary>
    internal static class ConsumptionCode
    {
        /// <summary>The path of the code file for a model file: model.zip -> model.consumption.cs.</summary>
        public static string PathFor(string modelPath) => Path.ChangeExtension(modelPath, null) + ".consumption.cs";

        /// <summary>The C# class name for a model file: churn-model.zip -> ChurnModel.</summary>
        public static string ClassNameFor(string modelPath) => Identifier(Path.GetFileNameWithoutExtension(modelPath), "Model");

        /// <param name="input">The model's input schema: the file's columns as loaded, each a property of the type it has there.</param>
        /// <param name="numericLabel">A multiclass label's classes are numbers (the predicted class is a float).</param>
        /// <param name="packages">The NuGet packages the model needs beside Microsoft.ML.</param>
        public static string Write(string modelPath, DataViewSchema input, ModelTask task, bool numericLabel,
            string description, IEnumerable<string> packages)
        {
            string className = ClassNameFor(modelPath);
            var code = new StringBuilder();
            code.AppendLine($"// {description}");
            code.AppendLine($"// Written by mlext train. Add it to a .NET project that references Microsoft.ML, {string.Join(", ", packages)}, and call");
            code.AppendLine($"// {className}.Predict(new {className}.ModelInput {{ ... }}).");
            code.AppendLine("using System;");
            code.AppendLine("using System.IO;");
            code.AppendLine("using Microsoft.ML;");
            code.AppendLine("using Microsoft.ML.Data;");
            code.AppendLine();
            code.AppendLine($"public static class {className}");
            code.AppendLine("{");
            code.AppendLine($"    /// <summary>Where the model is read from: {Path.GetFileName(modelPath)} in the working folder unless set before the first prediction.</summary>");
            code.AppendLine($"    public static string ModelPath {{ get; set; }} = Path.GetFullPath({Literal(Path.GetFileName(modelPath))});");
            code.AppendLine();
            code.AppendLine("    private static readonly Lazy<PredictionEngine<ModelInput, ModelOutput>> Engine = new(() =>");
            code.AppendLine("    {");
            code.AppendLine("        var mlContext = new MLContext();");
            code.AppendLine("        ITransformer model = mlContext.Model.Load(ModelPath, out _);");
            code.AppendLine("        return mlContext.Model.CreatePredictionEngine<ModelInput, ModelOutput>(model);");
            code.AppendLine("    });");
            code.AppendLine();
            code.AppendLine("    /// <summary>One row of the training file (the label is not needed to predict).</summary>");
            code.AppendLine("    public sealed class ModelInput");
            code.AppendLine("    {");
            var used = new HashSet<string>(StringComparer.Ordinal) { "ModelInput", "ModelOutput" };
            DataViewSchema.Column[] columns = input.Where(c => !c.IsHidden).ToArray();
            for (int i = 0; i < columns.Length; i++)
            {
                string property = Identifier(columns[i].Name, "Column" + i.ToString(CultureInfo.InvariantCulture));
                for (int n = 2; !used.Add(property); n++)
                    property = Identifier(columns[i].Name, "Column") + n.ToString(CultureInfo.InvariantCulture);
                string key = columns[i].Type is KeyDataViewType keyType ? $", KeyType({keyType.Count})" : "";
                code.AppendLine($"        [LoadColumn({i}), ColumnName({Literal(columns[i].Name)}){key}]");
                code.AppendLine($"        public {TypeName(columns[i].Type.RawType)} {property} {{ get; set; }}");
                code.AppendLine();
            }
            code.Length -= Environment.NewLine.Length;
            code.AppendLine("    }");
            code.AppendLine();
            code.AppendLine("    /// <summary>The model's prediction for one row.</summary>");
            code.AppendLine("    public sealed class ModelOutput");
            code.AppendLine("    {");
            switch (task)
            {
                case ModelTask.Binary:
                    code.AppendLine("        /// <summary>The positive class is predicted (Probability at least 0.5).</summary>");
                    code.AppendLine("        public bool PredictedLabel { get; set; }");
                    code.AppendLine();
                    code.AppendLine("        public float Score { get; set; }");
                    code.AppendLine();
                    code.AppendLine("        /// <summary>The probability of the positive class.</summary>");
                    code.AppendLine("        public float Probability { get; set; }");
                    break;
                case ModelTask.Multiclass:
                    code.AppendLine("        /// <summary>The most probable class.</summary>");
                    code.AppendLine($"        public {(numericLabel ? "float" : "string")} PredictedLabel {{ get; set; }}");
                    code.AppendLine();
                    code.AppendLine("        /// <summary>Each class's probability, in the classes' sorted order.</summary>");
                    code.AppendLine("        public float[] Score { get; set; }");
                    break;
                default:
                    code.AppendLine("        /// <summary>The predicted value.</summary>");
                    code.AppendLine("        public float Score { get; set; }");
                    break;
            }
            code.AppendLine("    }");
            code.AppendLine();
            code.AppendLine("    /// <summary>The model's prediction for one row. Not thread-safe: give each thread its own engine, or use a PredictionEnginePool.</summary>");
            code.AppendLine("    public static ModelOutput Predict(ModelInput input) => Engine.Value.Predict(input);");
            code.AppendLine("}");
            string path = PathFor(modelPath);
            File.WriteAllText(path, code.ToString());
            return path;
        }

        // The C# keyword of a column's raw type (text is a string, as PredictionEngine maps it).
        private static readonly Dictionary<Type, string> Keywords = new()
        {
            [typeof(ReadOnlyMemory<char>)] = "string", [typeof(float)] = "float", [typeof(double)] = "double", [typeof(bool)] = "bool",
            [typeof(int)] = "int", [typeof(long)] = "long", [typeof(uint)] = "uint", [typeof(ulong)] = "ulong", [typeof(short)] = "short",
            [typeof(ushort)] = "ushort", [typeof(byte)] = "byte", [typeof(sbyte)] = "sbyte",
        };

        private static string TypeName(Type raw) => Keywords.GetValueOrDefault(raw, raw.FullName);

        // A PascalCase C# identifier from a column name: letters and digits kept, words capitalized.
        private static string Identifier(string name, string fallback)
        {
            var identifier = new StringBuilder();
            bool upper = true;
            foreach (char ch in name)
            {
                if (char.IsLetterOrDigit(ch))
                {
                    identifier.Append(upper ? char.ToUpperInvariant(ch) : ch);
                    upper = false;
                }
                else
                    upper = true;
            }
            if (identifier.Length == 0)
                return fallback;
            return char.IsDigit(identifier[0]) ? "_" + identifier : identifier.ToString();
        }

        private static string Literal(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
    }
}
