using System.Globalization;
using System.Text.Json;
using Foresight.Tests.Support;

namespace Foresight.Cli.Tests.Commands;

/// <summary><c>foresight recommend</c>, <c>foresight capacity</c> and <c>foresight catalog</c> from the command line.</summary>
[Collection("Console")]
public sealed class RecommendCapacityCommandTests
{
    [Fact]
    public async Task Capacity_usl_fits_a_load_test_file_offline()
    {
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "cisco.csv");
        // Schwartz's "Cisco" benchmark (concurrency 1..32), with a header line.
        double[] throughput =
        [
            955.16, 1878.91, 2688.01, 3548.68, 4315.54, 5130.43, 5931.37, 6531.08, 7219.8, 7867.61, 8278.71, 8646.7,
            9047.84, 9426.55, 9645.37, 9897.24, 10097.6, 10240.5, 10532.39, 10798.52, 11151.43, 11518.63, 11806, 12089.37,
            12075.41, 12177.29, 12211.41, 12158.93, 12155.27, 12118.04, 12140.4, 12074.39,
        ];
        await File.WriteAllLinesAsync(file, ["concurrency,throughput", .. throughput.Select((x, i) => string.Create(CultureInfo.InvariantCulture, $"{i + 1},{x}"))]);

        var (exit, output, _) = await CliRun.Run("capacity", "--usl", file, "--json");
        exit.Should().Be(0);
        var json = JsonDocument.Parse(output).RootElement;
        json.GetProperty("points").GetInt32().Should().Be(32);
        json.GetProperty("lambda").GetProperty("value").GetDouble().Should().BeApproximately(995.6486, 995.6486 * 2e-4);
        json.GetProperty("maxConcurrency").GetDouble().Should().Be(35);

        await File.AppendAllTextAsync(file, "33,lots\n");
        var (badExit, _, error) = await CliRun.Run("capacity", "--usl", file);
        badExit.Should().Be(2);
        error.Should().Contain("cisco.csv: line 34: expected concurrency,throughput");
    }

    [Fact]
    public async Task Recommend_and_capacity_say_what_is_wrong_before_and_at_the_server()
    {
        var (exit, _, error) = await CliRun.Run("recommend", "--strategy", "cheap");
        exit.Should().Be(2);
        error.Should().Contain("--strategy: 'cheap' is not a strategy (known: aggressive, balanced, conservative, performance-first)");

        (exit, _, error) = await CliRun.Run("capacity");
        exit.Should().Be(2);
        error.Should().Contain("give a workload name");

        (exit, _, error) = await CliRun.Run("recommend", "--url", "ftp://example");
        exit.Should().Be(2);
        error.Should().Contain("--url: 'ftp://example' is not an http:// or https:// address");

        // Nothing listens on port 1 of loopback.
        (exit, _, error) = await CliRun.Run("capacity", "checkout", "--url", "http://127.0.0.1:1");
        exit.Should().Be(1);
        error.Should().Contain("cannot reach http://127.0.0.1:1/").And.Contain("is `foresight serve` running?");
    }

    [Fact]
    public async Task Recommend_and_capacity_render_a_running_servers_answers()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.Client();
        (await http.PutAsync("/api/v1/workloads/web", new StringContent("""{"series":"rps","replicaCapacity":5}""", System.Text.Encoding.UTF8, "application/json")))
            .IsSuccessStatusCode.Should().BeTrue();
        var url = server.BaseAddress.ToString();

        var (exit, output, _) = await CliRun.Run("recommend", "--url", url);
        exit.Should().Be(0);
        output.Should().Contain("Strategy balanced: target p90 + 15% margin").And.Contain("No recommendation for web: set cpu_usage and memory_usage");

        (exit, output, _) = await CliRun.Run("capacity", "web", "--url", url);
        exit.Should().Be(0);
        output.Should().Contain("No latency model: set latency");

        var (missing, _, error) = await CliRun.Run("capacity", "cart", "--url", url);
        missing.Should().Be(1);
        error.Should().Contain("the server answered 404: There is no workload 'cart'");
    }

    [Fact]
    public async Task Catalog_prints_the_default_sheets_that_serve_reads_back()
    {
        var (exit, prices, _) = await CliRun.Run("catalog", "prices");
        exit.Should().Be(0);
        prices.Should().Contain("cpu_core_hour: 0.031611").And.Contain("memory_gib_hour: 0.004237");
        Foresight.Cost.PriceCatalog.TryParse(prices, "prices.yaml", out var catalog, out var error).Should().BeTrue(error);
        catalog!.CpuCoreHour.Should().Be(0.031611);

        (exit, var instances, _) = await CliRun.Run("catalog", "instances");
        exit.Should().Be(0);
        Foresight.Cost.InstanceCatalog.TryParse(instances, "instances.yaml", out var types, out error).Should().BeTrue(error);
        types!.Types.Should().NotBeEmpty();
    }
}
