using System.Text.Json;
using Foresight.Tests.Support;

namespace Foresight.Tests.Cli;

[Collection("Console")]
public sealed class EvalLatencyCommandTests
{
    [Fact]
    public async Task A_seed_range_ending_at_the_largest_seed_runs_each_seed_once_and_ends()
    {
        // The loop counter used to wrap past int.MaxValue to int.MinValue and never end.
        var (exit, output, error) = await CliRun.Run("eval", "latency", "--seeds", "2147483646-2147483647", "--requests", "100", "--truth-requests", "100", "--json", "--verbose");
        exit.Should().Be(0);
        var json = JsonDocument.Parse(output).RootElement;
        json.GetProperty("seeds").GetString().Should().Be("2147483646-2147483647");
        error.Split('\n').Where(l => l.StartsWith("seed ", StringComparison.Ordinal)).Select(l => l[..l.IndexOf(':')])
            .Should().Equal("seed 2147483646", "seed 2147483647");
    }

    [Fact]
    public async Task A_seed_range_too_large_to_run_is_refused_with_its_size()
    {
        var (exit, _, error) = await CliRun.Run("eval", "latency", "--seeds", "0-2147483647");
        exit.Should().Be(2);
        error.Should().Contain("--seeds: '0-2147483647' holds 2,147,483,648 seeds; at most 100,000 are run at once");
    }
}
