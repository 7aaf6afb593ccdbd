using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

// MSBuild inline task (see MLExt.Estimators.targets): marks libLibTorchSharp.so's need for GLIBCXX_3.4.32 weak. The
// build machine's libstdc++ says nothing about the machine the output runs on, and a weak requirement changes nothing
// where the version exists, so every copy in the output is patched.
public class MLExtWeakenGlibcxxRequirement : Task
{
    private const string MissingVersion = "GLIBCXX_3.4.32";
    private const ushort VersionFlagWeak = 2;
    private const uint SectionTypeVersionNeeded = 0x6ffffffe;

    /// <summary>The copies of libLibTorchSharp.so in the output.</summary>
    [Required]
    public string[] Files { get; set; }

    public override bool Execute()
    {
        foreach (string path in Files)
        {
            if (WeakenRequirement(path))
                Log.LogMessage(MessageImportance.High, $"MLExt: marked {MissingVersion} weak in {path}, so that it loads beside GCC 12's libstdc++ (Debian 12, Ubuntu 22.04); set MLExtPatchLibTorchSharp=false to keep it as shipped.");
        }
        return !Log.HasLoggedErrors;
    }

    // Returns true when the file was changed. Parses just enough ELF64 (little endian) to find the
    // Vernaux entry naming the missing version in .gnu.version_r and set VER_FLG_WEAK on it.
    private bool WeakenRequirement(string path)
    {
        byte[] elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F' || elf[4] != 2 || elf[5] != 1)
            return false;
        long sectionTable = BitConverter.ToInt64(elf, 0x28);
        int sectionEntrySize = BitConverter.ToUInt16(elf, 0x3a);
        int sectionCount = BitConverter.ToUInt16(elf, 0x3c);
        bool changed = false;
        for (int s = 0; s < sectionCount; s++)
        {
            long header = sectionTable + (long)s * sectionEntrySize;
            if (BitConverter.ToUInt32(elf, (int)header + 4) != SectionTypeVersionNeeded)
                continue;
            long offset = BitConverter.ToInt64(elf, (int)header + 0x18);
            int linkedStrings = (int)BitConverter.ToUInt32(elf, (int)header + 0x28);
            long stringsOffset = BitConverter.ToInt64(elf, (int)(sectionTable + (long)linkedStrings * sectionEntrySize) + 0x18);

            long need = offset;
            while (true)
            {
                int auxCount = BitConverter.ToUInt16(elf, (int)need + 2);
                long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    uint name = BitConverter.ToUInt32(elf, (int)aux + 8);
                    if (ReadString(elf, stringsOffset + name) == MissingVersion)
                    {
                        ushort flags = BitConverter.ToUInt16(elf, (int)aux + 4);
                        if ((flags & VersionFlagWeak) == 0)
                        {
                            BitConverter.GetBytes((ushort)(flags | VersionFlagWeak)).CopyTo(elf, (int)aux + 4);
                            changed = true;
                        }
                    }
                    aux += BitConverter.ToUInt32(elf, (int)aux + 12);
                }
                uint next = BitConverter.ToUInt32(elf, (int)need + 12);
                if (next == 0)
                    break;
                need += next;
            }
        }
        if (changed)
        {
            // Write a new file and move it over the old one: the output copy may be a hard link into
            // the NuGet cache, which must stay untouched.
            string temporary = path + ".mlext-patch";
            File.WriteAllBytes(temporary, elf);
            File.Delete(path);
            File.Move(temporary, path);
        }
        return changed;
    }

    private static string ReadString(byte[] bytes, long offset)
    {
        int end = (int)offset;
        while (end < bytes.Length && bytes[end] != 0)
            end++;
        return Encoding.ASCII.GetString(bytes, (int)offset, end - (int)offset);
    }
}
