using Foresight.Server.Hosting;

namespace Foresight.Server.Tests;

/// <summary>The server's capability folders (namespaces <c>Foresight.Server.X</c>) depend on each other without cycles.</summary>
public sealed class ServerLayoutTests
{
    private const string Root = "Foresight.Server";

    /// <summary>A namespace's capability: its first segment under <c>Foresight.Server</c> (the root's own namespace is <c>(root)</c>).</summary>
    private static string? Capability(string ns) =>
        ns == Root ? "(root)" : ns.StartsWith(Root + ".", StringComparison.Ordinal) ? ns[(Root.Length + 1)..].Split('.')[0] : null;

    [Fact]
    public void No_namespace_cycle_between_the_server_capability_folders()
    {
        var graph = NamespaceGraph.Read(typeof(ForesightServer).Assembly, Capability);
        var nodes = graph.Edges.Keys.SelectMany(e => new[] { e.From, e.To }).Distinct().ToList();
        nodes.Should().Contain(["Hosting", "Http", "Security", "Ingestion", "Series", "Forecasting", "Detection", "Scaling", "Recommendations", "Observability"],
            "the graph is read from the server assembly's IL");
        graph.Edges.Should().ContainKey(("Hosting", "Scaling"), "the composition root uses every capability");
        graph.Edges.Should().ContainKey(("Recommendations", "Scaling"), "right-sizing reads the scaling service's workloads");

        var cycles = nodes.Select(graph.CycleThrough).OfType<List<string>>()
            .Select(c => string.Join(" -> ", c) + ": " + string.Join("; ", c.Zip(c.Skip(1), (a, b) => graph.Edges[(a, b)])))
            .ToList();
        cycles.Should().BeEmpty();
    }

    [Fact]
    public void Http_helpers_are_a_leaf()
    {
        var graph = NamespaceGraph.Read(typeof(ForesightServer).Assembly, Capability);
        graph.Edges.Keys.Where(e => e.From == "Http").Should().BeEmpty("Problems, RequestBody and QueryValues serve every capability and use none");
    }
}
