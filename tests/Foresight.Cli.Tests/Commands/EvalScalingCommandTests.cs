using System.Globalization;
using System.Text.Json;
using Foresight.Tests.Support;

namespace Foresight.Cli.Tests.Commands;

[Collection("Console")]
public sealed class EvalScalingCommandTests
{
    /// <summary>Three days of 5-minute steps: 20 at night, 100 from 08:30 to 20:00, ±5% noise.</summary>
    private static string WriteTrace(TempDirectory dir, string name = "trace.csv", int seed = 7)
    {
        var random = new Random(seed);
        var start = new DateTime(2024, 3, 4, 0, 0, 0, DateTimeKind.Utc);
        var lines = new List<string> { "timestamp,value" };
        for (var i = 0; i < 3 * 288; i++)
        {
            var minute = i % 288 * 5;
            var level = minute is >= 510 and < 1200 ? 100.0 : minute is >= 480 and < 510 ? 20 + 80 * (minute - 480) / 30.0 : 20;
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{start.AddMinutes(5 * i):yyyy-MM-dd HH:mm:ss},{level * (1 + 0.05 * (2 * random.NextDouble() - 1)):0.###}"));
        }
        var path = Path.Combine(dir.Path, name);
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

        // The confidence check scores the decisions made with a forecast (after the first day's history), band by band.
        var confidence = json.GetProperty("confidence");
        var decisions = confidence.GetProperty("decisions").GetInt32();
        decisions.Should().BeInRange(2 * 288 - 5, 2 * 288);
        var bands = confidence.GetProperty("bands").EnumerateArray().ToList();
        bands.Sum(b => b.GetProperty("decisions").GetInt32()).Should().Be(decisions);
        bands.Should().OnlyContain(b => b.GetProperty("served").GetDouble() >= 0 && b.GetProperty("served").GetDouble() <= 1);
        confidence.GetProperty("served").GetDouble().Should().BeApproximately(
            bands.Sum(b => b.GetProperty("served").GetDouble() * b.GetProperty("decisions").GetInt32()) / decisions, 1e-9);
    }

    [Fact]
    public async Task Eval_scaling_on_a_directory_replays_each_trace_sums_them_up_and_names_the_files_it_skipped()
    {
        using var dir = new TempDirectory();
        WriteTrace(dir, "a.csv", seed: 1);
        Directory.CreateDirectory(Path.Combine(dir.Path, "sub"));
        WriteTrace(dir, Path.Combine("sub", "b.csv"), seed: 2);
        File.WriteAllText(Path.Combine(dir.Path, "broken.csv"), "no header here\n");

        var (exit, output, error) = await CliRun.Run("eval", "scaling", "--trace", dir.Path, "--json");

        exit.Should().Be(0);
        error.Should().Contain("skipped").And.Contain("broken.csv");
        var json = JsonDocument.Parse(output).RootElement;
        var traces = json.GetProperty("traces").EnumerateArray().ToList();
        traces.Select(t => t.GetProperty("trace").GetString()).Should().Equal("a.csv", Path.Combine("sub", "b.csv"));
        json.GetProperty("skipped").GetArrayLength().Should().Be(1);
        var fewer = traces.Count(t => t.GetProperty("predictive").GetProperty("underProvisionedMinutes").GetDouble()
            < t.GetProperty("hpa").GetProperty("underProvisionedMinutes").GetDouble());
        var summary = json.GetProperty("summary");
        summary.GetProperty("traces").GetInt32().Should().Be(2);
        summary.GetProperty("fewerMinutes").GetInt32().Should().Be(fewer);
        foreach (var t in traces)
        {
            double Get(string policy, string key) => t.GetProperty(policy).GetProperty(key).GetDouble();
            var meets = Get("predictive", "underProvisionedMinutes") <= 0.4 * Get("hpa", "underProvisionedMinutes")
                && Get("predictive", "replicaHours") <= Get("hpa", "replicaHours") && Get("predictive", "replicaHours") <= 1.25 * Get("oracle", "replicaHours");
            t.GetProperty("meetsTarget").GetBoolean().Should().Be(meets);
        }

        var (refused, _, why) = await CliRun.Run("eval", "scaling", "--trace", dir.Path, "--levels", "0.9");
        refused.Should().Be(2);
        why.Should().Contain("--levels and --plot take a single trace");
    }

    [Theory]
    [InlineData("--levels", "0.9,1.2", "--levels: '1.2' must be a number in [0.5, 1)")]
    [InlineData("--level", "0.3", "the forecast level must be in [0.5, 1) (got 0.3)")]
    [InlineData("--startup-seconds", "NaN", "--startup-seconds: must be from 0 to 86400 (got NaN)")]
    [InlineData("--price", "Infinity", "price per replica-hour must be from 0 to 1,000,000 (got Infinity)")]
    [InlineData("--peak-replicas", "2147483647", "peak replicas must be from 1 to 10000 (got 2147483647)")]
    [InlineData("--plot", "/nonexistent/dir/plot.svg", "--plot: the directory /nonexistent/dir does not exist")]
    public async Task Eval_scaling_refuses_settings_outside_their_range_before_replaying(string option, string value, string message)
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

    [Fact]
    public async Task Eval_scaling_names_the_first_negative_value_and_the_steps_it_interpolated()
    {
        using var dir = new TempDirectory();
        var negative = Path.Combine(dir.Path, "negative.csv");
        File.WriteAllLines(negative, ["timestamp,value", "2024-03-04 00:00:00,5", "2024-03-04 00:05:00,-1", "2024-03-04 00:10:00,4"]);
        var (exit, _, error) = await CliRun.Run("eval", "scaling", "--trace", negative);
        exit.Should().Be(2);
        error.Should().Contain("negative.csv: the value at 2024-03-04 00:05:00 UTC is -1: demand cannot be negative");

        var trace = WriteTrace(dir);
        var lines = File.ReadAllLines(trace);
        File.WriteAllLines(trace, lines.Where((_, i) => i is < 101 or > 110));   // steps 100..109 missing
        var (ok, output, warning) = await CliRun.Run("eval", "scaling", "--trace", trace, "--json");
        ok.Should().Be(0);
        warning.Should().Contain("trace.csv: 10 of 864 steps (1.2%) have no value and were interpolated");
        JsonDocument.Parse(output).RootElement.GetProperty("interpolatedSteps").GetInt32().Should().Be(10);
    }
}
