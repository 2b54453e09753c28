using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Foresight.Configuration;

/// <summary>
/// The config file of <c>foresight serve --config</c>, read and parsed once into YamlDotNet's
/// representation model (a node tree that keeps every node's line, so errors can name it). The file
/// is a mapping of sections, each owned by the capability that reads it: <c>scrape:</c> by scraping
/// (<c>ScrapeConfig.Read</c>), <c>alerts:</c> by the server's alerts, <c>workloads:</c> by the server's
/// scaling. A capability asks for its section with <see cref="Section"/>, and reports a problem with
/// <see cref="Error"/>, which puts the file and line in front of it:
/// <c>foresight.yml: line 6: scrape.jobs[0].interval: '15x' is not a duration ...</c>.
/// </summary>
/// <remarks>
/// An empty document (or one with only comments) has no sections. Invalid YAML and a document that is
/// not a mapping are refused here, once, for every section. Keys that no capability asks for are ignored.
/// </remarks>
public sealed class ForesightConfig
{
    private readonly YamlMappingNode? _root;

    private ForesightConfig(string? fileName, YamlMappingNode? root)
    {
        FileName = fileName;
        _root = root;
    }

    /// <summary>No config file: every section is absent.</summary>
    public static ForesightConfig Empty { get; } = new(null, null);

    /// <summary>The file the settings were read from, as given; null when parsed from text alone. Errors start with it.</summary>
    public string? FileName { get; }

    /// <summary>Reads and parses <paramref name="path"/>.</summary>
    /// <exception cref="ConfigException">The file does not exist, is not valid YAML, or is not a mapping.</exception>
    public static async Task<ForesightConfig> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new ConfigException($"--config: {path} does not exist");
        return Parse(await File.ReadAllTextAsync(path, cancellationToken), path);
    }

    /// <summary>Parses YAML text; <paramref name="fileName"/> (or null) is what errors start with.</summary>
    /// <exception cref="ConfigException">The text is not valid YAML, or its document is not a mapping.</exception>
    public static ForesightConfig Parse(string yaml, string? fileName)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new ConfigException(Prefix(fileName) + YamlErrors.Describe(e));
        }
        if (stream.Documents.Count == 0) return new(fileName, null);
        var root = stream.Documents[0].RootNode;
        if (YamlNodes.IsNull(root)) return new(fileName, null);
        if (root is not YamlMappingNode map) throw At(fileName, root, "the document must be a mapping of settings");
        return new(fileName, map);
    }

    /// <summary>The value under the top-level key <paramref name="name"/>, or null when the file has no such section.</summary>
    public YamlNode? Section(string name)
    {
        if (_root is null) return null;
        foreach (var (key, value) in _root.Children)
        {
            if (key is YamlScalarNode { Value: var text } && text == name) return value;
        }
        return null;
    }

    /// <summary>A problem at <paramref name="node"/>: <c>file: line N: message</c> (without the file when there is none).</summary>
    public ConfigException Error(YamlNode node, string message)
    {
        ArgumentNullException.ThrowIfNull(node);
        return At(FileName, node, message);
    }

    private static ConfigException At(string? fileName, YamlNode node, string message) =>
        new($"{Prefix(fileName)}line {node.Start.Line}: {message}");

    private static string Prefix(string? fileName) => fileName is null ? "" : fileName + ": ";
}

/// <summary>A config file that breaks a rule; the message names the file, line and key, and is the one shown to the user.</summary>
public sealed class ConfigException(string message) : InvalidOperationException(message);

/// <summary>Small questions the YAML readers ask of a node.</summary>
public static class YamlNodes
{
    /// <summary>True for a plain scalar that YAML reads as null: empty, <c>~</c> or <c>null</c>.</summary>
    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" };
}
