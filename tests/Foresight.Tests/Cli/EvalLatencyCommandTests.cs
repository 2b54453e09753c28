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
}
