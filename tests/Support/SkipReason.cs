namespace Foresight.Tests.Support;

/// <summary>
/// Skips a fact when it is discovered, so that the reason shows in a plain <c>dotnet test</c> run and in
/// the CI log: xunit reports <see cref="FactAttribute.Skip"/>, but the console logger prints skip reasons
/// only at <c>--logger "console;verbosity=normal"</c> and above, and at its default (minimal) verbosity
/// only the skipped test's display name. So the reason goes into the display name as well:
/// <c>Skipped NodeExporterScrapeTests.Real_node_exporter_... (skipped: 'prometheus-node-exporter' is not installed; ...)</c>.
/// Filters by <c>FullyQualifiedName</c> still see the class and method.
/// </summary>
internal static class SkipReason
{
    /// <summary>Marks <paramref name="fact"/> skipped for <paramref name="reason"/>; <paramref name="method"/> and <paramref name="file"/> come from the attribute's caller information.</summary>
    public static void Apply(FactAttribute fact, string reason, string method, string file)
    {
        fact.Skip = reason;
        var type = Path.GetFileNameWithoutExtension(file);
        fact.DisplayName = $"{(type.Length > 0 ? type + "." : "")}{method} (skipped: {reason})";
    }
}
