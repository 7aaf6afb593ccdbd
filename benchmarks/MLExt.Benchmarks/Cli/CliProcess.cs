using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace MLExt.Benchmarks.Cli
{
    /// <summary>Runs a command line to its end, timed from the process's start.</summary>
    internal static class CliProcess
    {
        /// <exception cref="InvalidOperationException">The command exits with a code other than 0; the message holds its output.</exception>
        public static (double Seconds, string Output) Run(string file, IEnumerable<string> arguments)
        {
            var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string argument in arguments)
                start.ArgumentList.Add(argument);
            var watch = Stopwatch.StartNew();
            using Process process = Process.Start(start);
            var error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            double seconds = watch.Elapsed.TotalSeconds;
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"'{file} {string.Join(" ", arguments)}' failed:\n{output}{error.Result}");
            return (seconds, output);
        }
    }
}
