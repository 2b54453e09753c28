using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Foresight.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Foresight.Cost;

/// <summary>
/// Reads the YAML catalogs of this folder: a mapping of known keys whose values are checked one by one,
/// every problem reported as <c>file: line N: path: what was wrong</c>. A problem is raised as a
/// <see cref="CatalogException"/> inside the reader and turned into an error value at the public
/// <c>TryParse</c> edge, so each check stays one line.
/// </summary>
internal sealed class CatalogReader
{
    /// <summary>The format version every catalog file carries (<c>format: 1</c>).</summary>
    public const int FormatVersion = 1;

    private readonly string file;

    private CatalogReader(string file) => this.file = file;

    /// <summary>The top-level mapping of <paramref name="yaml"/>, with its <c>format</c> checked.</summary>
    public static (CatalogReader Reader, Entry Root) Open(string yaml, string file, string what, IReadOnlyList<string> keys)
    {
        var reader = new CatalogReader(file);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new CatalogException($"{file}: {YamlErrors.Describe(e)}");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new CatalogException($"{file}: line 1: expected a {what} (a mapping with {string.Join(", ", keys)})");
        var entry = reader.Mapping(root, "", keys);
        if (entry.Has("format"))
        {
            var version = entry.Integer("format");
            if (version != FormatVersion)
                throw reader.Error(entry.Node("format"), "format", $"this build reads format {FormatVersion}, the file is format {version}");
        }
        return (reader, entry);
    }

    /// <summary>Runs <paramref name="read"/>, turning a <see cref="CatalogException"/> into an error value (the public TryParse edge).</summary>
    public static bool TryRead<T>(Func<T> read, [NotNullWhen(true)] out T? value, out string error)
        where T : class
    {
        try
        {
            value = read();
            error = "";
            return true;
        }
        catch (CatalogException e)
        {
            value = null;
            error = e.Message;
            return false;
        }
    }

    /// <summary>The text of an embedded resource of this assembly (the default catalogs).</summary>
    public static string Resource(string name)
    {
        var assembly = typeof(CatalogReader).Assembly;
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded resource {name} is missing from {assembly.GetName().Name}");
        using var text = new StreamReader(stream);
        return text.ReadToEnd();
    }

    /// <summary>The plain value of <paramref name="key"/> in a mapping, before it is checked (to name an entry in errors).</summary>
    public static string? Peek(YamlNode node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode { Value: { Length: > 0 } text }
            ? text
            : null;

    /// <summary>The entries of a sequence at <paramref name="path"/>.</summary>
    public IReadOnlyList<YamlNode> Sequence(YamlNode node, string path, string expected) =>
        node is YamlSequenceNode list ? list.Children.ToList() : throw Error(node, path, $"expected a list of {expected}");

    /// <summary>A mapping whose keys must all be in <paramref name="keys"/>, each given once.</summary>
    public Entry Mapping(YamlNode node, string path, IReadOnlyList<string> keys)
    {
        if (node is not YamlMappingNode map) throw Error(node, path, $"expected a mapping with {string.Join(", ", keys)}");
        var values = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in map.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!keys.Contains(key)) throw Error(keyNode, path, $"unknown key '{key}' (known: {string.Join(", ", keys)})");
            if (!values.TryAdd(key, value)) throw Error(keyNode, path, $"'{key}' is given twice");
        }
        return new Entry(this, map, path, values);
    }

    public CatalogException Error(YamlNode node, string path, string message) =>
        new(path.Length == 0 ? $"{file}: line {node.Start.Line}: {message}" : $"{file}: line {node.Start.Line}: {path}: {message}");

    /// <summary>One mapping being read: typed values by key, each error naming the key's line and path.</summary>
    public sealed class Entry(CatalogReader reader, YamlMappingNode map, string path, Dictionary<string, YamlNode> values)
    {
        public bool Has(string key) => values.TryGetValue(key, out var node) && !YamlNodes.IsNull(node);

        public YamlNode Node(string key) =>
            values.TryGetValue(key, out var node) ? node : throw reader.Error(map, path, $"{key} is required");

        public string Path(string key) => path.Length == 0 ? key : $"{path}.{key}";

        public string Text(string key)
        {
            var node = Node(key);
            return node is YamlScalarNode { Value: { } value } && !YamlNodes.IsNull(node) && value.Trim().Length > 0
                ? value.Trim()
                : throw reader.Error(node, Path(key), "expected a single non-empty value");
        }

        public string? OptionalText(string key) => Has(key) ? Text(key) : null;

        /// <summary>A finite number of at least <paramref name="minimum"/> (prices and sizes: 0 or more).</summary>
        public double Number(string key, double minimum = 0, bool strictlyAbove = false)
        {
            var text = Text(key);
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
                throw reader.Error(Node(key), Path(key), $"'{text}' is not a number");
            if (strictlyAbove ? value <= minimum : value < minimum)
                throw reader.Error(Node(key), Path(key), $"must be {(strictlyAbove ? "greater than" : "at least")} {minimum.ToString(CultureInfo.InvariantCulture)} (got {text})");
            return value;
        }

        public double? OptionalNumber(string key) => Has(key) ? Number(key) : null;

        public int Integer(string key)
        {
            var text = Text(key);
            return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw reader.Error(Node(key), Path(key), $"'{text}' is not a whole number");
        }
    }
}

/// <summary>A catalog file breaks a rule; the message names file, line, key and the problem.</summary>
internal sealed class CatalogException(string message) : Exception(message);

/// <summary>Formats numbers for the catalog files: invariant culture, shortest text that reads back to the same double.</summary>
internal static class CatalogFormat
{
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Quotes a YAML scalar only when it needs it.</summary>
    public static string Text(string value) =>
        value.Length > 0 && value.All(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '_' or '/' or ' ') && !char.IsWhiteSpace(value[0]) && !char.IsWhiteSpace(value[^1])
            && value is not ("null" or "Null" or "NULL" or "~")
            ? value
            : "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>A catalog file's first lines: a comment, the format version and the currency.</summary>
    public static StringBuilder Start(string comment, string currency) =>
        new StringBuilder().AppendLine("# " + comment).AppendLine($"format: {CatalogReader.FormatVersion}").AppendLine($"currency: {Text(currency)}");

    /// <summary>The assembly's manifest name for a file embedded from this folder.</summary>
    public static string ResourceName(string fileName) => $"Foresight.Cost.{fileName}";
}
