using System;
using System.IO;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace MLExt.Cli.Tests
{
    /// <summary>Tests that write files for the tool: each test gets a fresh folder, deleted after it.</summary>
    public abstract class FileTests
    {
        protected string Folder { get; private set; }

        [TestInitialize]
        public void CreateFolder()
        {
            Folder = Path.Combine(Path.GetTempPath(), "mlext-cli-test-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Folder);
        }

        [TestCleanup]
        public void DeleteFolder() => Directory.Delete(Folder, recursive: true);

        /// <summary>Writes <paramref name="content"/> to a file of the folder and returns its path.</summary>
        protected string Write(string name, string content)
        {
            string path = Path.Combine(Folder, name);
            File.WriteAllText(path, content);
            return path;
        }
    }
}
