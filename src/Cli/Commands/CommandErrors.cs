using System;
using Spectre.Console;

namespace MLExt.Cli.Commands
{
    /// <summary>How every command ends on bad input: one red line saying what is wrong, exit code 1.</summary>
    internal static class CommandErrors
    {
        public static int Report(IAnsiConsole console, Action command)
        {
            try
            {
                command();
                return 0;
            }
            catch (Exception e) when (e is CliException || e is InvalidOperationException || e is ArgumentException || e is FormatException)
            {
                // ML.NET's checks (a label with one value, a missing column, an unparsable value) come as these; their messages name the problem.
                console.Write(new Text($"error: {e.Message}\n", new Style(Color.Red)));
                return 1;
            }
        }
    }
}
