using System.Globalization;
using System.Text.Json;
using Foresight.Tests.Support;

namespace Foresight.Cli.Tests.Commands;

/// <summary>Bad input to <c>foresight eval forecast</c> fails with what and where, exit 2, no stack trace.</summary>
[Collection("Console")]
public sealed class EvalForecastCommandInputTests
{
    /// <summary>An M4-format pair: three series of 200 training and 48 test values, with noise so MASE's scale is not zero.</summary>
    private static (string Train, string Test) WriteM4(TempDirectory dir, string? nanAt = null)
    {
        var random = new Random(3);
        string Row(string id, int count, int offset) => $"\"{id}\"," + string.Join(",", Enumerable.Range(offset, count).Select(i =>
            nanAt == id && i == 5 ? "NaN" : (100 + 20 * Math.Sin(2 * Math.PI * i / 24) + random.NextDouble()).ToString("0.###", CultureInfo.InvariantCulture)));
        var ids = new[] { "H1", "H2", "H3" };
        var train = Path.Combine(dir.Path, "train.csv");
        var test = Path.Combine(dir.Path, "test.csv");
        File.WriteAllLines(train, ["\"V1\",\"V2\",\"V3\"", .. ids.Select(id => Row(id, 200, 0))]);
        File.WriteAllLines(test, ["\"V1\",\"V2\"", .. ids.Select(id => Row(id, 48, 200))]);
        return (train, test);
    }

    private static async Task<string> Refused(params string[] args)
    {
        var run = await CliRun.Run(["eval", "forecast", .. args]);
        run.Exit.Should().Be(2, run.Error);
        run.Error.Should().StartWith("foresight eval forecast: ").And.NotContain("Exception").And.NotContain("   at ");
        return run.Error;
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    public async Task A_horizon_below_1_is_refused(string horizon)
    {
        using var dir = new TempDirectory();
        var (train, test) = WriteM4(dir);
        (await Refused("--train", train, "--test", test, "--horizon", horizon)).Should().Contain($"--horizon: {horizon} must be at least 1");
    }

    [Theory]
    [InlineData("--season", "0", "--season: 0 must be at least 2 steps")]
    [InlineData("--season", "-1", "--season: -1 must be at least 2 steps")]
    [InlineData("--season", "1", "--season: 1 must be at least 2 steps")]
    [InlineData("--seasons", "a,b", "--seasons: 'a' is not a period of at least 2 steps")]
    [InlineData("--seasons", "24,-24", "--seasons: '-24' is not a period of at least 2 steps")]
    [InlineData("--seasons", "0", "--seasons: '0' is not a period of at least 2 steps")]
    [InlineData("--seasons", ",", "--seasons: ',' names no period")]
    public async Task Seasons_must_be_whole_periods_of_at_least_2_steps(string option, string value, string expected)
    {
        using var dir = new TempDirectory();
        var (train, test) = WriteM4(dir);
        (await Refused("--train", train, "--test", test, option, value)).Should().Contain(expected);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\"V1\",\"V2\"\n")]
    public async Task A_training_file_without_series_is_refused(string content)
    {
        using var dir = new TempDirectory();
        var (_, test) = WriteM4(dir);
        var empty = Path.Combine(dir.Path, "empty.csv");
        File.WriteAllText(empty, content);
        (await Refused("--train", empty, "--test", test)).Should().Contain($"--train: {empty} has no series");
    }

    [Fact]
    public async Task A_test_file_without_the_series_is_refused()
    {
        using var dir = new TempDirectory();
        var (train, _) = WriteM4(dir);
        var empty = Path.Combine(dir.Path, "empty.csv");
        File.WriteAllText(empty, "\"V1\",\"V2\"\n");
        (await Refused("--train", train, "--test", empty)).Should().Contain("no row for series 'H1'");
    }

    [Theory]
    [InlineData("2000")]
    [InlineData("2147483647")]
    public async Task A_validation_split_that_leaves_no_series_is_refused(string horizon)
    {
        using var dir = new TempDirectory();
        var (train, test) = WriteM4(dir);
        (await Refused("--train", train, "--test", test, "--validation", "--horizon", horizon))
            .Should().Contain($"--validation: no training series has more than 2 x --horizon ({horizon}) values");
    }

    [Fact]
    public async Task A_directory_given_as_a_file_is_refused()
    {
        using var dir = new TempDirectory();
        var (_, test) = WriteM4(dir);
        (await Refused("--train", dir.Path, "--test", test)).Should().Contain($"--train: {dir.Path} is a directory");
    }

    [Fact]
    public async Task A_nan_value_is_refused_naming_the_file_series_and_position()
    {
        using var dir = new TempDirectory();
        var (train, test) = WriteM4(dir, nanAt: "H2");
        (await Refused("--train", train, "--test", test, "--models", "naive2", "--no-intervals"))
            .Should().Contain("train.csv: series H2, value 6 is NaN");
    }

    [Fact]
    public async Task Valid_input_is_still_scored()
    {
        using var dir = new TempDirectory();
        var (train, test) = WriteM4(dir);
        var run = await CliRun.Run("eval", "forecast", "--train", train, "--test", test, "--models", "naive2,snaive", "--no-intervals", "--json", "--seasons", "24");

        run.Exit.Should().Be(0, run.Error);
        var models = JsonDocument.Parse(run.Out).RootElement.GetProperty("models").EnumerateArray().ToList();
        models.Select(m => m.GetProperty("name").GetString()).Should().Equal("naive2", "snaive");
        models.Should().OnlyContain(m => m.GetProperty("mase").ValueKind == JsonValueKind.Number);
    }
}
