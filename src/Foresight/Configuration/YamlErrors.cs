using YamlDotNet.Core;

namespace Foresight.Configuration;

/// <summary>How the config readers report YAML that does not parse: the line, then the parser's reason.</summary>
public static class YamlErrors
{
    /// <summary>
    /// <c>line N: invalid YAML: reason</c>. YamlDotNet prefixes its messages with
    /// "(Line: 2, Col: 3, Idx: 9) - (Line: ...): "; the line is given once, up front.
    /// </summary>
    public static string Describe(YamlException e)
    {
        var message = e.Message.Split('\n')[0].Trim();
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        if (message.StartsWith("(Line:", StringComparison.Ordinal) && cut >= 0) message = message[(cut + 3)..];
        return $"line {e.Start.Line}: invalid YAML: {message}";
    }
}
