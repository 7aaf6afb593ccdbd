using System;

namespace MLExt.Cli
{
    /// <summary>A problem with the user's input, told as it is: the tool prints the message alone and exits with code 1.</summary>
    internal sealed class CliException : Exception
    {
        public CliException(string message)
            : base(message)
        {
        }
    }
}
