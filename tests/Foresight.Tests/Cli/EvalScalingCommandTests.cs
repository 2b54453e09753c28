using System.Globalization;
using System.Text.Json;
using Foresight.Tests.Support;

namespace Foresight.Tests.Cli;

[Collection("Console")]
public sealed class EvalScalingCommandTests
{
    /// <summary>Three days of 5-minute steps: 20 at night, 100 from 08:30 to 20:00, ±5% noise.</summary>
    private static string WriteTrace(TempDirectory dir)
    {
        var random = new Random(7);
        var start = new DateTime(2024, 3, 4, 0, 0, 0, DateTimeKind.Utc);
        var lines = new List<string> { "timestamp,value" };
        for (var i = 0; i < 3 * 288; i++)
        {
            var minute = i % 288 * 5;
            var level = minute is >= 510 and < 1200 ? 100.0 : minute is >= 480 and < 510 ? 20 + 80 * (minute - 480) / 30.0 : 20;
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{start.AddMinutes(5 * i):yyyy-MM-dd HH:mm:ss},{level * (1 + 0.05 * (2 * random.NextDouble() - 1)):0.###}"));
        }
        var path = Path.Combine(dir.Path, "trace.csv");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public async Task Eval_scaling_prints_every_policy_and_the_predictive_policy_at_each_level_asked_for()
    {
        using var dir = new TempDirectory();
        var (exit, output, _) = await CliRun.Run("eval", "scaling", "--trace", WriteTrace(dir), "--json", "--levels", "0.8,0.97");

        exit.Should().Be(0);
        var json = JsonDocument.Parse(output).RootElement;
        json.GetProperty("steps").GetInt32().Should().Be(3 * 288);
        var policies = json.GetProperty("policies").EnumerateArray().ToList();
        policies.Select(p => p.GetProperty("name").GetString()).Should().Equal("hpa", "predictive", "static-peak", "oracle");
        var oracle = policies[3];
        oracle.GetProperty("underProvisionedMinutes").GetDouble().Should().Be(0);
        foreach (var p in policies) p.GetProperty("replicaHours").GetDouble().Should().BeGreaterThanOrEqualTo(oracle.GetProperty("replicaHours").GetDouble());

        var levels = json.GetProperty("levels").EnumerateArray().ToList();
        levels.Select(l => l.GetProperty("level").GetDouble()).Should().Equal(0.8, 0.97);
        // A higher level buys more replica-hours and is short no more often.
        levels[1].GetProperty("replicaHours").GetDouble().Should().BeGreaterThan(levels[0].GetProperty("replicaHours").GetDouble());
        levels[1].GetProperty("underProvisionedMinutes").GetDouble().Should().BeLessThanOrEqualTo(levels[0].GetProperty("underProvisionedMinutes").GetDouble());
    }

    [Theory]
    [InlineData("--levels", "0.9,1.2", "--levels: '1.2' must be a number in [0.5, 1)")]
    [InlineData("--level", "0.3", "the forecast level must be in [0.5, 1) (got 0.3)")]
    public async Task Eval_scaling_refuses_a_level_outside_its_range(string option, string value, string message)
    {
        using var dir = new TempDirectory();
        var (exit, _, error) = await CliRun.Run("eval", "scaling", "--trace", WriteTrace(dir), option, value);
        exit.Should().Be(2);
        error.Should().Contain(message);
    }

    [Fact]
    public async Task Eval_scaling_names_a_missing_trace()
    {
        var (exit, _, error) = await CliRun.Run("eval", "scaling", "--trace", "/nonexistent/trace.csv");
        exit.Should().Be(2);
        error.Should().Contain("/nonexistent/trace.csv does not exist");
    }
}
