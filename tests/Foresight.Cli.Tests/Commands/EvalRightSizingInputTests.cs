using System.Text.Json;
using Foresight.Tests.Support;

namespace Foresight.Cli.Tests.Commands;

/// <summary><c>foresight eval rightsizing</c>: bounded requests, and <c>--strategies --json</c>.</summary>
[Collection("Console")]
public sealed class EvalRightSizingInputTests
{
    [Fact]
    public async Task Eval_rightsizing_bounds_the_request_so_costs_stay_finite()
    {
        var (exit, output, error) = await CliRun.Run("eval", "rightsizing", "--request", "frontend=1.7e308,1", "--json");

        exit.Should().Be(2);
        output.Should().BeEmpty();
        error.Should().Contain("foresight eval rightsizing: --request: 'frontend=1.7e308,1': a request is at most 100000 cores and 1000000000 MiB");

        (exit, _, error) = await CliRun.Run("eval", "rightsizing", "--request", "frontend=2,1e300", "--json");
        exit.Should().Be(2);
        error.Should().Contain("a request is at most");
    }

    [Fact]
    public async Task Eval_rightsizing_prints_the_strategies_as_json_when_asked()
    {
        var (exit, output, error) = await CliRun.Run("eval", "rightsizing", "--strategies", "--json");

        exit.Should().Be(0, error);
        var strategies = JsonDocument.Parse(output).RootElement.GetProperty("strategies");
        strategies.EnumerateArray().Select(s => s.GetProperty("name").GetString()).Should().Contain(["balanced", "conservative"]);
        strategies[0].GetProperty("targetPercentile").GetDouble().Should().BeInRange(0, 1);
    }
}
