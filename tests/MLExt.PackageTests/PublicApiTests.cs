using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace MLExt.PackageTests
{
    /// <summary>
    /// Each library's public surface against its baseline in PublicApi/: a type or member added, removed or changed fails the
    /// test with the lines that differ, so a change of the contract users compile against is always a deliberate one. After
    /// such a change, run the tests with MLEXT_UPDATE_API_BASELINE=1 to rewrite the baselines, and review their diff.
    /// </summary>
    [TestClass]
    public class PublicApiTests
    {
        [TestMethod]
        [DataRow("MLExt.Estimators")]
        [DataRow("MLExt.Transforms")]
        [DataRow("MLExt.Trainers")]
        public void ThePublicSurfaceMatchesItsBaseline(string assemblyName)
        {
            Assembly assembly = Assembly.LoadFrom(Path.Combine(AppContext.BaseDirectory, assemblyName + ".dll"));
            string[] actual = PublicApi.Describe(assembly);
            string baselinePath = Path.Combine(AppContext.BaseDirectory, "PublicApi", assemblyName + ".txt");
            if (Environment.GetEnvironmentVariable("MLEXT_UPDATE_API_BASELINE") == "1")
            {
                File.WriteAllLines(Path.Combine(SourceFolder(), "PublicApi", assemblyName + ".txt"), actual);
                return;
            }
            string[] baseline = File.ReadAllLines(baselinePath);
            string[] added = actual.Except(baseline).ToArray(), removed = baseline.Except(actual).ToArray();
            Assert.IsTrue(added.Length + removed.Length == 0,
                $"{assemblyName}'s public API differs from tests/MLExt.PackageTests/PublicApi/{assemblyName}.txt " +
                "(rerun with MLEXT_UPDATE_API_BASELINE=1 if the change is meant):\n" +
                string.Concat(added.Select(l => "+ " + l + "\n")) + string.Concat(removed.Select(l => "- " + l + "\n")));
        }

        [TestMethod]
        public void SharedHelpersAreNotPublic()
        {
            // The charts, row readers, samplers, parallel helpers and hashing MLExt's assemblies share among themselves.
            Assembly estimators = Assembly.LoadFrom(Path.Combine(AppContext.BaseDirectory, "MLExt.Estimators.dll"));
            string[] helpers = { "BarChart", "PixelFont", "RasterImage", "ReservoirSample", "RowValues", "ParallelWork", "StableHash", "KeyTable", "TorchDeviceResolver" };
            string[] exported = estimators.GetExportedTypes().Select(t => t.Name).ToArray();
            Assert.AreEqual(0, helpers.Intersect(exported).Count(), string.Join(", ", helpers.Intersect(exported)));
        }

        private static string SourceFolder()
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory != null; directory = directory.Parent)
                if (File.Exists(Path.Combine(directory.FullName, "MLExt.sln")))
                    return Path.Combine(directory.FullName, "tests", "MLExt.PackageTests");
            throw new DirectoryNotFoundException("MLExt.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>A library's public surface as sorted lines: each exported type, then each public or protected member it declares.</summary>
    internal static class PublicApi
    {
        private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

        public static string[] Describe(Assembly assembly)
        {
            var lines = new List<string>();
            foreach (Type type in assembly.GetExportedTypes())
            {
                string name = Name(type);
                lines.Add($"{Kind(type)} {name}{Bases(type)}");
                // Compiler-made members (a record's <Clone>$) are not written by anyone.
                foreach (MemberInfo member in type.GetMembers(Declared).Where(m => Visible(m) && !m.Name.StartsWith('<')))
                {
                    string line = Member(member);
                    if (line != null)
                        lines.Add($"{name}.{line}");
                }
            }
            return lines.Distinct().OrderBy(l => l, StringComparer.Ordinal).ToArray();
        }

        private static bool Visible(MemberInfo member) => member switch
        {
            MethodBase method => method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly,
            FieldInfo field => field.IsPublic || field.IsFamily || field.IsFamilyOrAssembly,
            PropertyInfo property => property.GetAccessors(nonPublic: true).Any(Visible),
            EventInfo e => e.AddMethod != null && Visible(e.AddMethod),
            _ => false,
        };

        private static string Member(MemberInfo member)
        {
            switch (member)
            {
                case ConstructorInfo constructor:
                    return $"ctor({Parameters(constructor)})";
                case MethodInfo method when !method.IsSpecialName:
                    string generic = method.IsGenericMethod ? "<" + string.Join(", ", method.GetGenericArguments().Select(Name)) + ">" : "";
                    string modifiers = (method.IsStatic ? "static " : "") + (method.IsAbstract ? "abstract " : method.IsVirtual && !method.IsFinal ? "virtual " : "");
                    return $"{modifiers}{method.Name}{generic}({Parameters(method)}) -> {Name(method.ReturnType)}";
                case PropertyInfo property:
                    string accessors = string.Join(" ", new[] { property.GetMethod, property.SetMethod }.Where(a => a != null && Visible(a))
                        .Select(a => a == property.GetMethod ? "get;" : "set;"));
                    string index = property.GetIndexParameters().Length > 0 ? "[" + string.Join(", ", property.GetIndexParameters().Select(p => Name(p.ParameterType))) + "]" : "";
                    return $"{property.Name}{index} {{ {accessors} }} -> {Name(property.PropertyType)}";
                case FieldInfo field:
                    return $"{(field.IsLiteral ? "const " : field.IsStatic ? "static " : "")}{(field.IsInitOnly ? "readonly " : "")}{field.Name} -> {Name(field.FieldType)}";
                case EventInfo e:
                    return $"event {e.Name} -> {Name(e.EventHandlerType)}";
                default:
                    return null;
            }
        }

        private static string Parameters(MethodBase method)
            => string.Join(", ", method.GetParameters().Select(p => $"{(p.IsOut ? "out " : p.ParameterType.IsByRef ? "ref " : "")}{Name(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : "")}"));

        private static string Kind(Type type)
            => type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct"
                : typeof(Delegate).IsAssignableFrom(type) ? "delegate" : type.IsAbstract && type.IsSealed ? "static class"
                : type.IsAbstract ? "abstract class" : type.IsSealed ? "sealed class" : "class";

        private static string Bases(Type type)
        {
            // An enum's interfaces are System.Enum's, which follow the runtime, not MLExt.
            if (type.IsEnum)
                return "";
            var bases = new List<Type>();
            if (type.BaseType != null && type.BaseType != typeof(object) && type.BaseType != typeof(ValueType) && type.BaseType != typeof(Enum))
                bases.Add(type.BaseType);
            bases.AddRange(type.GetInterfaces().Where(i => i.IsPublic || i.IsNestedPublic).OrderBy(Name, StringComparer.Ordinal));
            return bases.Count == 0 ? "" : " : " + string.Join(", ", bases.Select(Name));
        }

        private static string Name(Type type)
        {
            if (type.IsByRef)
                return Name(type.GetElementType());
            if (type.IsArray)
                return Name(type.GetElementType()) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
            if (type.IsGenericParameter)
                return type.Name;
            if (Nullable.GetUnderlyingType(type) is Type underlying)
                return Name(underlying) + "?";
            string name = type.IsNested ? Name(type.DeclaringType) + "." + type.Name : type.Namespace + "." + type.Name;
            if (!type.IsGenericType)
                return name;
            int tick = name.IndexOf('`');
            // A nested type of a generic type repeats its parent's arguments; name only its own.
            Type[] arguments = type.GetGenericArguments().Skip(type.IsNested ? type.DeclaringType.GetGenericArguments().Length : 0).ToArray();
            return (tick < 0 ? name : name[..tick]) + (arguments.Length > 0 ? "<" + string.Join(", ", arguments.Select(Name)) + ">" : "");
        }
    }
}
