using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Foresight.Server.Tests;

/// <summary>
/// Which namespaces of an assembly use which, read from its IL with System.Reflection.Metadata: a type uses
/// every type of the same assembly named by its base type and interfaces, its fields' types, its methods'
/// signatures and local variables, and the tokens of its method bodies (calls, object creation, field access,
/// casts, <c>typeof</c>, generic instantiations). Nested types (lambdas' closures, async state machines, local
/// functions) count as their outermost type, so what a lambda or an <c>await</c> touches counts too. Types
/// of other assemblies are ignored.
/// </summary>
internal sealed class NamespaceGraph
{
    private static readonly Dictionary<short, OperandType> Operands = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    private readonly MetadataReader _reader;
    private readonly PEReader _pe;
    private readonly Dictionary<(string From, string To), string> _edges = [];

    private NamespaceGraph(PEReader pe)
    {
        _pe = pe;
        _reader = pe.GetMetadataReader();
    }

    /// <summary>Edges between distinct namespaces, each with one type-to-type reference that makes it.</summary>
    public IReadOnlyDictionary<(string From, string To), string> Edges => _edges;

    /// <summary>
    /// Reads <paramref name="assembly"/>'s file; <paramref name="group"/> maps a type's namespace to its node
    /// (null leaves the type out).
    /// </summary>
    public static NamespaceGraph Read(Assembly assembly, Func<string, string?> group)
    {
        using var stream = File.OpenRead(assembly.Location);
        using var pe = new PEReader(stream);
        var graph = new NamespaceGraph(pe);
        graph.Build(group);
        return graph;
    }

    /// <summary>One cycle through <paramref name="node"/> as a list of nodes, or null.</summary>
    public List<string>? CycleThrough(string node)
    {
        var next = _edges.Keys.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).ToList());
        var previous = new Dictionary<string, string>();
        var queue = new Queue<string>([node]);
        while (queue.Count > 0)
        {
            var at = queue.Dequeue();
            foreach (var to in next.GetValueOrDefault(at) ?? [])
            {
                if (to == node)
                {
                    var path = new List<string> { node };
                    for (var back = at; back != node; back = previous[back]) path.Insert(1, back);
                    path.Add(node);
                    return path;
                }
                if (previous.TryAdd(to, at)) queue.Enqueue(to);
            }
        }
        return null;
    }

    private void Build(Func<string, string?> group)
    {
        foreach (var handle in _reader.TypeDefinitions)
        {
            var from = NodeOf(handle, group);
            if (from is null) continue;
            foreach (var used in Uses(handle))
            {
                var to = NodeOf(used, group);
                if (to is null || to == from) continue;
                _edges.TryAdd((from, to), $"{Name(handle)} uses {Name(used)}");
            }
        }
    }

    private string? NodeOf(TypeDefinitionHandle handle, Func<string, string?> group) => group(_reader.GetString(_reader.GetTypeDefinition(Outermost(handle)).Namespace));

    private TypeDefinitionHandle Outermost(TypeDefinitionHandle handle)
    {
        while (_reader.GetTypeDefinition(handle).GetDeclaringType() is { IsNil: false } outer) handle = outer;
        return handle;
    }

    private string Name(TypeDefinitionHandle handle)
    {
        var type = _reader.GetTypeDefinition(Outermost(handle));
        return $"{_reader.GetString(type.Namespace)}.{_reader.GetString(type.Name)}";
    }

    private HashSet<TypeDefinitionHandle> Uses(TypeDefinitionHandle handle)
    {
        var found = new HashSet<TypeDefinitionHandle>();
        var type = _reader.GetTypeDefinition(handle);
        var provider = new Collector(this, found);
        AddType(type.BaseType, provider);
        foreach (var i in type.GetInterfaceImplementations()) AddType(_reader.GetInterfaceImplementation(i).Interface, provider);
        foreach (var f in type.GetFields()) _reader.GetFieldDefinition(f).DecodeSignature(provider, null);
        foreach (var p in type.GetProperties()) _reader.GetPropertyDefinition(p).DecodeSignature(provider, null);
        foreach (var m in type.GetMethods())
        {
            var method = _reader.GetMethodDefinition(m);
            method.DecodeSignature(provider, null);
            if (method.RelativeVirtualAddress == 0) continue;
            var body = _pe.GetMethodBody(method.RelativeVirtualAddress);
            if (!body.LocalSignature.IsNil) _reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(provider, null);
            foreach (var token in Tokens(body.GetILReader())) AddToken(token, provider);
        }
        return found;
    }

    private void AddType(EntityHandle handle, Collector provider)
    {
        if (handle.IsNil) return;
        switch (handle.Kind)
        {
            case HandleKind.TypeDefinition:
                provider.Found.Add((TypeDefinitionHandle)handle);
                break;
            case HandleKind.TypeSpecification:
                _reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(provider, null);
                break;
        }
    }

    private void AddToken(EntityHandle handle, Collector provider)
    {
        switch (handle.Kind)
        {
            case HandleKind.TypeDefinition or HandleKind.TypeSpecification:
                AddType(handle, provider);
                break;
            case HandleKind.MethodDefinition:
                var method = _reader.GetMethodDefinition((MethodDefinitionHandle)handle);
                provider.Found.Add(method.GetDeclaringType());
                method.DecodeSignature(provider, null);
                break;
            case HandleKind.FieldDefinition:
                var field = _reader.GetFieldDefinition((FieldDefinitionHandle)handle);
                provider.Found.Add(field.GetDeclaringType());
                field.DecodeSignature(provider, null);
                break;
            case HandleKind.MemberReference:
                var member = _reader.GetMemberReference((MemberReferenceHandle)handle);
                AddType(member.Parent, provider);
                if (member.GetKind() == MemberReferenceKind.Method) member.DecodeMethodSignature(provider, null);
                else member.DecodeFieldSignature(provider, null);
                break;
            case HandleKind.MethodSpecification:
                var spec = _reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                AddToken(spec.Method, provider);
                spec.DecodeSignature(provider, null);
                break;
        }
    }

    /// <summary>The metadata tokens of an IL stream's instructions (strings and signatures left out).</summary>
    private static List<EntityHandle> Tokens(BlobReader il)
    {
        var tokens = new List<EntityHandle>();
        while (il.RemainingBytes > 0)
        {
            short code = il.ReadByte();
            if (code == 0xFE) code = unchecked((short)(0xFE00 | il.ReadByte()));
            switch (Operands[code])
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    il.Offset += 1;
                    break;
                case OperandType.InlineVar:
                    il.Offset += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    il.Offset += 8;
                    break;
                case OperandType.InlineSwitch:
                    // The count first: `il.Offset += 4 * il.ReadInt32()` would read the offset before the count moved it.
                    var targets = il.ReadInt32();
                    il.Offset += 4 * targets;
                    break;
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    tokens.Add(MetadataTokens.EntityHandle(il.ReadInt32()));
                    break;
                default:   // InlineBrTarget, InlineI, InlineSig, InlineString, ShortInlineR
                    il.Offset += 4;
                    break;
            }
        }
        return tokens;
    }

    /// <summary>Decodes signatures, collecting the assembly's own types met on the way.</summary>
    private sealed class Collector(NamespaceGraph graph, HashSet<TypeDefinitionHandle> found) : ISignatureTypeProvider<int, object?>
    {
        public HashSet<TypeDefinitionHandle> Found => found;

        public int GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            found.Add(handle);
            return 0;
        }

        public int GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind)
        {
            graph.AddType(handle, this);
            return 0;
        }

        public int GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => 0;
        public int GetArrayType(int elementType, ArrayShape shape) => 0;
        public int GetByReferenceType(int elementType) => 0;
        public int GetFunctionPointerType(MethodSignature<int> signature) => 0;
        public int GetGenericInstantiation(int genericType, ImmutableArray<int> typeArguments) => 0;
        public int GetGenericMethodParameter(object? genericContext, int index) => 0;
        public int GetGenericTypeParameter(object? genericContext, int index) => 0;
        public int GetModifiedType(int modifier, int unmodifiedType, bool isRequired) => 0;
        public int GetPinnedType(int elementType) => 0;
        public int GetPointerType(int elementType) => 0;
        public int GetPrimitiveType(PrimitiveTypeCode typeCode) => 0;
        public int GetSZArrayType(int elementType) => 0;
    }
}
