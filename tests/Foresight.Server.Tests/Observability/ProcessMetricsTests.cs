using System.Globalization;
using Foresight.Tests.Support;

namespace Foresight.Server.Tests.Observability;

public sealed class ProcessMetricsTests
{
    [Fact]
    public async Task Metrics_endpoint_reports_the_process_memory_cpu_and_gc_heap_under_the_client_library_names()
    {
        await using var server = await TestServer.StartAsync(o => o.Detection.Enabled = false);
        using var http = server.Client();
        GC.Collect();   // the test host is the server's process: a collection makes the heap size after the last one known
        var samples = (await http.GetStringAsync("/metrics")).Split('\n')
            .Where(l => l.Length > 0 && l[0] != '#')
            .ToDictionary(l => l[..l.LastIndexOf(' ')], l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

        samples["process_resident_memory_bytes"].Should().BeGreaterThan(1e6);
        samples["process_cpu_seconds_total"].Should().BeGreaterThan(0);
        samples["dotnet_gc_heap_size_bytes"].Should().BeGreaterThan(0);
        samples["dotnet_total_memory_bytes"].Should().BeGreaterThan(0);
        samples["dotnet_collection_count_total{generation=\"2\"}"].Should().BeGreaterThanOrEqualTo(1);
    }
}
