using System.IO;
using System.Text;
using Spectre.Console;

namespace MLExt.Cli
{
    /// <summary>A TextWriter onto a Spectre console, so that System.CommandLine's help and errors reach the same console as the commands' output.</summary>
    internal sealed class ConsoleWriter : TextWriter
    {
        private readonly IAnsiConsole _console;

        public ConsoleWriter(IAnsiConsole console) => _console = console;

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value) => _console.Write(new Text(value.ToString()));

        public override void Write(string value) => _console.Write(new Text(value ?? ""));
    }
}
