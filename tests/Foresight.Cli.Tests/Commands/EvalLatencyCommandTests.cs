using System.Text.Json;
using Foresight.Tests.Support;

namespace Foresight.Cli.Tests.Commands;

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
    public async Task Progress_goes_to_stderr_a_line_per_tenth_and_the_json_object_is_stdouts_only_line()
    {
        // Under the test host stderr is not a terminal, so progress is plain lines rather than a bar.
        var (exit, output, error) = await CliRun.Run("eval", "latency", "--seeds", "1-4", "--requests", "100", "--truth-requests", "100", "--json");

        exit.Should().Be(0, error);
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle()
            .Which.Should().StartWith("{").And.Contain("\"seeds\":\"1-4\"");
        error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[..l.IndexOf(" (", StringComparison.Ordinal)])
            .Should().Equal("eval latency: 1 of 4 seeds", "eval latency: 2 of 4 seeds", "eval latency: 3 of 4 seeds", "eval latency: 4 of 4 seeds");
        error.Should().NotContain("\u001b");
    }

    [Fact]
    public async Task A_seed_range_too_large_to_run_is_refused_with_its_size()
    {
        var (exit, _, error) = await CliRun.Run("eval", "latency", "--seeds", "0-2147483647");
        exit.Should().Be(2);
        error.Should().Contain("--seeds: '0-2147483647' holds 2,147,483,648 seeds; at most 100,000 are run at once");
    }
}
