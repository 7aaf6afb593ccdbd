using System;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using System.Globalization;
using System.IO;
using System.Text;
using Spectre.Console;

namespace MLExt.Cli.Tests
{
    /// <summary>Runs the tool in process on a recording console, and writes the test files.</summary>
    internal static class CliRunner
    {
        // Label from a planted categorical column (grade a/b/c moves the odds a lot); noise, an amount with no effect and a
        // text column with a comma inside quotes.
        public static string Rows(int count, char separator)
        {
            var random = new Random(3);
            var text = new StringBuilder($"grade{separator}noise{separator}amount{separator}city{separator}label\n");
            for (int i = 0; i < count; i++)
            {
                int grade = random.Next(3);
                bool label = random.NextDouble() < (grade == 0 ? 0.8 : grade == 1 ? 0.5 : 0.1);
                string city = separator == ',' ? "\"Paris, FR\"" : "Paris";
                text.Append(CultureInfo.InvariantCulture, $"g{grade}{separator}n{random.Next(20)}{separator}{random.NextDouble() * 100:F2}{separator}{(i % 2 == 0 ? city : "Lyon")}{separator}{(label ? 1 : 0)}\n");
            }
            return text.ToString();
        }

        public static (int Code, string Output) Mlext(params string[] args)
        {
            var writer = new StringWriter();
            IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(writer), Interactive = InteractionSupport.No,
            });
            console.Profile.Width = 400;
            int code = Program.Run(args, console);
            return (code, writer.ToString());
        }

        /// <summary>Compiles C# source against the test process's platform and package assemblies (Microsoft.ML among them).</summary>
        public static Assembly Compile(string source)
        {
            var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")).Split(Path.PathSeparator)
                .Concat(AppDomain.CurrentDomain.GetAssemblies().Where(a => !a.IsDynamic && !string.IsNullOrEmpty(a.Location)).Select(a => a.Location))
                .Where(path => path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                .GroupBy(Path.GetFileName).Select(g => MetadataReference.CreateFromFile(g.First()));
            CSharpCompilation compilation = CSharpCompilation.Create("Consumption", new[] { CSharpSyntaxTree.ParseText(source) }, references,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));
            using var image = new MemoryStream();
            var result = compilation.Emit(image);
            Assert.IsTrue(result.Success, string.Join("\n", result.Diagnostics));
            return Assembly.Load(image.ToArray());
        }
    }
}
