using System.CommandLine;
using Spectre.Console;

namespace MLExt.Cli
{
    internal static class Program
    {
        private static int Main(string[] args) => Run(args, AnsiConsole.Console);

        /// <summary>Parses and runs one command line, writing to <paramref name="console"/> (tests pass a recording one).</summary>
        internal static int Run(string[] args, IAnsiConsole console)
        {
            var root = new RootCommand("mlext: MLExt's methods from the command line.");
            root.Subcommands.Add(Commands.RankCommand.Create(console));
            root.Subcommands.Add(Commands.TrainCommand.Create(console));
            root.Subcommands.Add(Commands.EvaluateCommand.Create(console));
            root.Subcommands.Add(Commands.PredictCommand.Create(console));
            var error = new System.IO.StringWriter();
            int code = root.Parse(args).Invoke(new InvocationConfiguration { Output = new ConsoleWriter(console), Error = error });
            if (error.GetStringBuilder().Length > 0)
                console.Write(new Text(error.ToString(), new Style(Color.Red)));
            return code;
        }
    }
}
