using System.Globalization;
using System.Text.Json;
using Foresight.Tests.Support;

namespace Foresight.Cli.Tests.Commands;

/// <summary><c>foresight capacity --usl</c> on files without a knee, with bad rows, and with options that belong to the server form.</summary>
[Collection("Console")]
public sealed class CapacityUslInputTests
{
    [Fact]
    public async Task Usl_fit_of_perfectly_linear_throughput_says_there_is_no_knee_and_writes_null_in_json()
    {
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "linear.csv");
        await File.WriteAllLinesAsync(file, ["concurrency,throughput", "1,100", "2,200", "4,400", "8,800", "16,1600"]);

        var (exit, output, error) = await CliRun.Run("capacity", "--usl", file, "--json");

        exit.Should().Be(0, error);
        var json = JsonDocument.Parse(output).RootElement;
        json.GetProperty("knee").ValueKind.Should().Be(JsonValueKind.Null);
        json.GetProperty("maxConcurrency").ValueKind.Should().Be(JsonValueKind.Null);
        json.GetProperty("maxThroughput").ValueKind.Should().Be(JsonValueKind.Null);
        json.GetProperty("noKnee").GetString().Should().Contain("no contention measured");

        (exit, output, _) = await CliRun.Run("capacity", "--usl", file);
        exit.Should().Be(0);
        output.Should().Contain("No knee and no contention measured").And.Contain("N up to 16").And.NotContain("Infinity").And.NotContain("∞");
    }

    [Fact]
    public async Task Usl_fit_without_coherency_cost_gives_the_asymptote_but_no_knee()
    {
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "saturating.csv");
        int[] levels = [1, 2, 4, 8, 16, 32];
        await File.WriteAllLinesAsync(file, levels.Select(n => string.Create(CultureInfo.InvariantCulture, $"{n},{100.0 * n / (1 + 0.1 * (n - 1)):R}")));

        var (exit, output, error) = await CliRun.Run("capacity", "--usl", file, "--json");

        exit.Should().Be(0, error);
        var json = JsonDocument.Parse(output).RootElement;
        json.GetProperty("knee").ValueKind.Should().Be(JsonValueKind.Null);
        json.GetProperty("maxThroughput").GetDouble().Should().BeApproximately(1000, 1e-6);
        json.GetProperty("noKnee").GetString().Should().StartWith("no knee: the fit finds no coherency cost");
    }

    [Fact]
    public async Task Usl_names_the_file_line_of_a_value_that_is_not_positive()
    {
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "load.csv");
        await File.WriteAllLinesAsync(file, ["concurrency,throughput", "1,100", "2,190", "", "4,0", "8,560"]);

        var (exit, _, error) = await CliRun.Run("capacity", "--usl", file);

        exit.Should().Be(2, "a file that is not a load test is bad input, as for forecast and detect");
        error.Should().Contain("foresight capacity: load.csv: line 5: concurrency and throughput must both be positive finite numbers, got '4,0'")
            .And.NotContain("observation");
    }

    [Fact]
    public async Task Usl_refuses_a_workload_or_load_it_would_ignore()
    {
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "load.csv");
        await File.WriteAllLinesAsync(file, ["1,100", "2,190", "4,340", "8,560"]);

        var (exit, output, error) = await CliRun.Run("capacity", "checkout", "--usl", file);
        exit.Should().Be(2);
        output.Should().BeEmpty();
        error.Should().Contain("foresight capacity: --usl fits a load-test file offline; it takes no workload (got 'checkout')");

        (exit, output, error) = await CliRun.Run("capacity", "--usl", file, "--load", "5");
        exit.Should().Be(2);
        output.Should().BeEmpty();
        error.Should().Contain("foresight capacity: --load applies to a workload on a server, not to --usl FILE.csv");
    }
}
