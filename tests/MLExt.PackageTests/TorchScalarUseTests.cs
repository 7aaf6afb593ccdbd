using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace MLExt.PackageTests
{
    /// <summary>
    /// TorchSharp frees the libtorch Scalars it makes from numbers (and the alpha of <c>a + b</c>) in their finalizers, and a
    /// garbage collection during the native call that reads one can free it first. MLExt passes numbers to libtorch only through
    /// its TorchScalars helpers, which hold each Scalar until the call returns. This reads the compiled libraries for any other
    /// way in: a Scalar made from a number, a TorchSharp method that makes one inside (found by reading TorchSharp's own code),
    /// or one of TorchSharp's optimizers.
    /// </summary>
    [TestClass]
    public class TorchScalarUseTests
    {
        private const string Helper = "TorchScalars";

        [TestMethod]
        [DataRow("MLExt.Estimators")]
        [DataRow("MLExt.Transforms")]
        [DataRow("MLExt.Trainers")]
        public void NoCodeLeavesALibtorchScalarToTheFinalizer(string assemblyName)
        {
            var torch = new CompiledMethods(typeof(TorchSharp.torch).Assembly.Location);
            var library = new CompiledMethods(Path.Combine(AppContext.BaseDirectory, assemblyName + ".dll"));
            var offending = new List<string>();
            foreach (var (type, method, callee) in library.Calls())
            {
                if (type == Helper || !callee.Type.Contains("Scalar") && !IsTorchSharp(callee))
                    continue;
                string why = MakesScalar(callee) ? "makes a Scalar" : callee.Type == "optim" ? "makes one of TorchSharp's optimizers"
                    : IsTorchSharp(callee) ? torch.Inside(callee) : null;
                if (why != null)
                    offending.Add($"{type}.{method} calls {callee}: {why}");
            }
            Assert.AreEqual(0, offending.Count, "Numbers reach libtorch outside TorchScalars:\n" + string.Join("\n", offending.Distinct()));
        }

        [TestMethod]
        public void TheReaderFindsTheScalarsInsideTensorAddition()
        {
            // The check above is only as good as its reading of TorchSharp: a + b hides a Scalar (its alpha, 1), a * b does not.
            var torch = new CompiledMethods(typeof(TorchSharp.torch).Assembly.Location);
            Assert.IsNotNull(torch.Inside(new Callee("Tensor", "op_Addition", "Tensor,Tensor")));
            Assert.IsNotNull(torch.Inside(new Callee("Tensor", "op_Multiply", "Tensor,Single")));
            Assert.IsNull(torch.Inside(new Callee("Tensor", "op_Multiply", "Tensor,Tensor")));
        }

        private static bool MakesScalar(Callee callee)
            => callee.Type == "Scalar" && callee.Name == "op_Implicit" || callee.Type == "ScalarExtensionMethods" && callee.Name == "ToScalar";

        private static bool IsTorchSharp(Callee callee) => callee.Type is "Tensor" or "torch" or "functional" or "optim" or "Parameter";

        internal sealed record Callee(string Type, string Name, string Parameters)
        {
            public override string ToString() => $"{Type}.{Name}({Parameters})";
        }

        // The call sites in an assembly's method bodies, read from its IL.
        private sealed class CompiledMethods
        {
            private readonly PEReader _file;
            private readonly MetadataReader _metadata;
            private readonly Dictionary<Callee, List<MethodDefinitionHandle>> _definitions = new();
            private readonly Dictionary<Callee, string> _inside = new();

            public CompiledMethods(string path)
            {
                _file = new PEReader(File.OpenRead(path));
                _metadata = _file.GetMetadataReader();
                foreach (TypeDefinitionHandle type in _metadata.TypeDefinitions)
                {
                    foreach (MethodDefinitionHandle method in _metadata.GetTypeDefinition(type).GetMethods())
                    {
                        Callee key = Describe(method);
                        if (!_definitions.TryGetValue(key, out var list))
                            _definitions[key] = list = new List<MethodDefinitionHandle>();
                        list.Add(method);
                    }
                }
            }

            public IEnumerable<(string Type, string Method, Callee Callee)> Calls()
            {
                foreach (TypeDefinitionHandle handle in _metadata.TypeDefinitions)
                {
                    TypeDefinition type = _metadata.GetTypeDefinition(handle);
                    string typeName = _metadata.GetString(type.Name);
                    if (!type.GetDeclaringType().IsNil)
                        typeName = _metadata.GetString(_metadata.GetTypeDefinition(type.GetDeclaringType()).Name);
                    foreach (MethodDefinitionHandle method in type.GetMethods())
                    {
                        foreach (Callee callee in CallsOf(method))
                            yield return (typeName, _metadata.GetString(_metadata.GetMethodDefinition(method).Name), callee);
                    }
                }
            }

            // Why the method makes a Scalar (or what it calls in this assembly, a few calls deep); null when it does not.
            public string Inside(Callee callee, int depth = 0)
            {
                if (_inside.TryGetValue(callee, out string known))
                    return known;
                _inside[callee] = null;
                string found = null;
                if (depth < 4 && _definitions.TryGetValue(callee, out var methods))
                {
                    found = methods.SelectMany(CallsOf)
                        .Select(inner => MakesScalar(inner) ? $"calls {inner}" : IsTorchSharp(inner) ? Inside(inner, depth + 1) : null)
                        .FirstOrDefault(why => why != null);
                }
                return _inside[callee] = found;
            }

            private IEnumerable<Callee> CallsOf(MethodDefinitionHandle handle)
            {
                MethodDefinition method = _metadata.GetMethodDefinition(handle);
                if (method.RelativeVirtualAddress == 0)
                    yield break;
                BlobReader il = _file.GetMethodBody(method.RelativeVirtualAddress).GetILReader();
                while (il.RemainingBytes > 0)
                {
                    int opcode = il.ReadByte();
                    if (opcode == 0xFE)
                        opcode = 0xFE00 | il.ReadByte();
                    // call, callvirt, newobj
                    if (opcode is 0x28 or 0x6F or 0x73)
                    {
                        Callee callee = Describe(MetadataTokens.EntityHandle(il.ReadInt32()));
                        if (callee != null)
                            yield return callee;
                    }
                    else
                        il.Offset += OperandBytes(opcode, ref il);
                }
            }

            private Callee Describe(EntityHandle handle)
            {
                switch (handle.Kind)
                {
                    case HandleKind.MethodDefinition:
                        return Describe((MethodDefinitionHandle)handle);
                    case HandleKind.MethodSpecification:
                        return Describe(_metadata.GetMethodSpecification((MethodSpecificationHandle)handle).Method);
                    case HandleKind.MemberReference:
                        MemberReference member = _metadata.GetMemberReference((MemberReferenceHandle)handle);
                        if (member.GetKind() != MemberReferenceKind.Method)
                            return null;
                        string parent = member.Parent.Kind switch
                        {
                            HandleKind.TypeReference => _metadata.GetString(_metadata.GetTypeReference((TypeReferenceHandle)member.Parent).Name),
                            HandleKind.TypeDefinition => _metadata.GetString(_metadata.GetTypeDefinition((TypeDefinitionHandle)member.Parent).Name),
                            _ => "",
                        };
                        var signature = member.DecodeMethodSignature(new TypeNames(), null);
                        return new Callee(parent, _metadata.GetString(member.Name), string.Join(",", signature.ParameterTypes));
                    default:
                        return null;
                }
            }

            private Callee Describe(MethodDefinitionHandle handle)
            {
                MethodDefinition method = _metadata.GetMethodDefinition(handle);
                var signature = method.DecodeSignature(new TypeNames(), null);
                return new Callee(_metadata.GetString(_metadata.GetTypeDefinition(method.GetDeclaringType()).Name), _metadata.GetString(method.Name),
                    string.Join(",", signature.ParameterTypes));
            }

            // The bytes of an instruction's operand (ECMA-335 III), other than the method tokens read above.
            private static int OperandBytes(int opcode, ref BlobReader il) => opcode switch
            {
                0x0E or 0x0F or 0x10 or 0x11 or 0x12 or 0x13 or 0x1F or 0xDE or (>= 0x2B and <= 0x37) or 0xFE12 or 0xFE19 => 1,
                0xFE09 or 0xFE0A or 0xFE0B or 0xFE0C or 0xFE0D or 0xFE0E => 2,
                0x20 or 0x22 or 0x27 or 0x29 or (>= 0x38 and <= 0x44) or 0x70 or 0x71 or 0x72 or 0x74 or 0x75 or 0x79 or 0x7B or 0x7C or 0x7D
                    or 0x7E or 0x7F or 0x80 or 0x81 or 0x8C or 0x8D or 0x8F or 0xA3 or 0xA4 or 0xA5 or 0xC2 or 0xC6 or 0xD0 or 0xDD
                    or 0xFE06 or 0xFE07 or 0xFE15 or 0xFE16 or 0xFE1C => 4,
                0x21 or 0x23 => 8,
                0x45 => 4 * il.ReadInt32(),
                _ => 0,
            };
        }

        // Type names as the signatures spell them, without namespaces: "Tensor", "Single", "Int64[]".
        private sealed class TypeNames : ISignatureTypeProvider<string, object>
        {
            public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[,]";
            public string GetByReferenceType(string elementType) => "ref " + elementType;
            public string GetFunctionPointerType(MethodSignature<string> signature) => "method";
            public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => $"{genericType}<{string.Join(",", typeArguments)}>";
            public string GetGenericMethodParameter(object context, int index) => "!!" + index;
            public string GetGenericTypeParameter(object context, int index) => "!" + index;
            public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;
            public string GetPinnedType(string elementType) => elementType;
            public string GetPointerType(string elementType) => elementType + "*";
            public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();
            public string GetSZArrayType(string elementType) => elementType + "[]";
            public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => reader.GetString(reader.GetTypeDefinition(handle).Name);
            public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => reader.GetString(reader.GetTypeReference(handle).Name);
            public string GetTypeFromSpecification(MetadataReader reader, object context, TypeSpecificationHandle handle, byte rawTypeKind) => "";
        }
    }
}
