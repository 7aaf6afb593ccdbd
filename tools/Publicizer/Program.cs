using System;
using System.IO;
using System.Linq;
using Mono.Cecil;

// Usage: Publicizer <output-folder> <assembly.dll>...
// Writes, for each assembly, a copy in which every type, method and field is public (protected where it
// was meant for derived classes). The copies are
// compile-time references only: the real assemblies still ship and run, and the libraries carry
// IgnoresAccessChecksTo so the runtime allows the access.
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: Publicizer <output-folder> <assembly.dll>...");
            return 2;
        }
        string outputFolder = args[0];
        Directory.CreateDirectory(outputFolder);
        var resolver = new DefaultAssemblyResolver();
        foreach (string folder in args.Skip(1).Select(Path.GetDirectoryName).Distinct())
            resolver.AddSearchDirectory(folder);

        foreach (string input in args.Skip(1))
        {
            string output = Path.Combine(outputFolder, Path.GetFileName(input));
            if (File.Exists(output) && File.GetLastWriteTimeUtc(output) >= File.GetLastWriteTimeUtc(input))
                continue;
            using var assembly = AssemblyDefinition.ReadAssembly(input, new ReaderParameters { AssemblyResolver = resolver });
            foreach (TypeDefinition type in assembly.MainModule.GetTypes())
                Publicize(type);
            // Write next to the target and move, so a parallel build never sees half a file.
            string temporary = output + "." + Guid.NewGuid().ToString("N") + ".tmp";
            assembly.Write(temporary);
            File.Move(temporary, output, overwrite: true);
        }
        return 0;
    }

    private static void Publicize(TypeDefinition type)
    {
        type.Attributes &= ~TypeAttributes.VisibilityMask;
        type.Attributes |= type.IsNested ? TypeAttributes.NestedPublic : TypeAttributes.Public;

        // Members meant for derived classes become protected rather than public, so a component overrides
        // them as "protected override" and its public surface stays what a user should see.
        foreach (MethodDefinition method in type.Methods)
        {
            MethodAttributes access = method.Attributes & MethodAttributes.MemberAccessMask;
            bool forDerived = access is MethodAttributes.Family or MethodAttributes.FamANDAssem or MethodAttributes.FamORAssem;
            method.Attributes &= ~MethodAttributes.MemberAccessMask;
            method.Attributes |= forDerived ? MethodAttributes.Family : MethodAttributes.Public;
        }

        // A field named like an event is the event's backing field; publishing it would make the
        // name ambiguous for the compiler.
        var eventNames = type.Events.Select(e => e.Name).ToHashSet();
        foreach (FieldDefinition field in type.Fields.Where(f => !eventNames.Contains(f.Name)))
        {
            FieldAttributes access = field.Attributes & FieldAttributes.FieldAccessMask;
            bool forDerived = access is FieldAttributes.Family or FieldAttributes.FamANDAssem or FieldAttributes.FamORAssem;
            field.Attributes &= ~FieldAttributes.FieldAccessMask;
            field.Attributes |= forDerived ? FieldAttributes.Family : FieldAttributes.Public;
        }
    }
}
