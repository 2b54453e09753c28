using System.Text.Json;
using Foresight.Cli;
using Foresight.Tests.Support;

namespace Foresight.Cli.Tests.Commands;

[Collection("Console")]
public sealed class EvalRightSizingCommandTests
{
    private static Task<(int Exit, string Out, string Error)> Run(params string[] args) => CliRun.Run(args);

    [Fact]
    public async Task Eval_rightsizing_json_has_a_row_per_service_with_the_delta_and_savings_against_the_requests()
    {
        var (exit, output, _) = await Run("eval", "rightsizing", "--days", "2", "--strategy", "balanced", "--request", "frontend=2,1024", "--json");

        exit.Should().Be(0);
        var json = JsonDocument.Parse(output).RootElement;
        var rows = json.GetProperty("rows").EnumerateArray().ToList();
        rows.Select(r => r.GetProperty("service").GetString()).Should().Equal("frontend", "checkout", "catalog", "search", "payments", "recommendations");
        rows.Should().OnlyContain(r => r.GetProperty("strategy").GetString() == "balanced" && r.GetProperty("passed").GetBoolean());
        var cpu = rows[0].GetProperty("cpuCores");
        cpu.GetProperty("current").GetDouble().Should().Be(2);
        cpu.GetProperty("delta").GetDouble().Should().BeApproximately(cpu.GetProperty("target").GetDouble() - 2, 1e-5);
        var checkout = rows[1].GetProperty("cpuCores");
        checkout.GetProperty("current").GetDouble().Should().Be(2, "without --request a service keeps the demo's own request");
        checkout.GetProperty("delta").GetDouble().Should().BeApproximately(checkout.GetProperty("target").GetDouble() - 2, 1e-5);
        foreach (var row in rows)
        {
            // The demo's usage never reaches its requests, so both costs are the requests' cost at OpenCost's rates.
            var cores = row.GetProperty("cpuCores");
            var memory = row.GetProperty("memoryBytes");
            var now = (cores.GetProperty("current").GetDouble() * 0.031611 + memory.GetProperty("current").GetDouble() / (1L << 30) * 0.004237) * 730;
            row.GetProperty("monthlyCostNow").GetDouble().Should().BeApproximately(now, 0.01);
            row.GetProperty("monthlySavings").GetDouble().Should().BeGreaterThan(0);
            row.GetProperty("yearlySavings").GetDouble().Should().BeApproximately(row.GetProperty("monthlySavings").GetDouble() * 12, 0.1, "both are rounded to cents");
        }
        json.GetProperty("samplesPerService").GetInt32().Should().Be(2 * 5760);
    }

    [Theory]
    [InlineData("--request", "frontend=2", "'frontend=2' is not service=cores,MiB")]
    [InlineData("--request", "nosuch=1,100", "unknown service 'nosuch'")]
    [InlineData("--strategy", "balanced,nope", "unknown strategy 'nope'")]
    [InlineData("--days", "0", "--days: must be from 1 to 90 (got 0)")]
    [InlineData("--days", "91", "--days: must be from 1 to 90 (got 91)")]
    public async Task Eval_rightsizing_names_a_bad_argument_and_exits_2(string option, string value, string message)
    {
        var (exit, _, error) = await Run("eval", "rightsizing", option, value);
        exit.Should().Be(2);
        error.Should().Contain(message);
    }
}
