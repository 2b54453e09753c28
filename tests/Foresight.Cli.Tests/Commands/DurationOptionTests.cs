using Foresight.Tests.Support;

namespace Foresight.Cli.Tests.Commands;

/// <summary>The duration options (<c>forecast --step</c>, <c>serve</c>/<c>import --retention</c>, <c>--out-of-order-window</c>, <c>--snapshot-interval</c>) refuse what is not a finite duration.</summary>
[Collection("Console")]
public sealed class DurationOptionTests
{
    [Theory]
    [InlineData("NaNh")]
    [InlineData("Infinityh")]
    [InlineData("-Infinitym")]
    [InlineData("1e15d")]
    [InlineData("600000w")]
    public async Task A_step_that_is_not_a_finite_duration_of_at_most_10000_years_is_refused(string step)
    {
        using var dir = new TempDirectory();
        var run = await CliRun.Run("forecast", CsvFixtures.WriteHourly(dir), "--horizon", "5", "--step", step, "--out", Path.Combine(dir.Path, "out.csv"));
        run.ShouldBeRefused($"foresight forecast: --step: '{step}' is not a duration");
    }

    [Theory]
    [InlineData("import", "--retention")]
    [InlineData("serve", "--retention")]
    [InlineData("serve", "--out-of-order-window")]
    [InlineData("serve", "--snapshot-interval")]
    public async Task Store_durations_that_are_nan_infinite_or_huge_are_refused(string command, string option)
    {
        using var dir = new TempDirectory();
        foreach (var text in new[] { "NaNd", "Infinityh", "1e15d" })
        {
            string[] args = command == "import"
                ? ["import", CsvFixtures.WriteHourly(dir), "--metric", "load", "--data-dir", Path.Combine(dir.Path, "data"), option, text]
                : ["serve", "--data-dir", Path.Combine(dir.Path, "data"), option, text];
            (await CliRun.Run(args)).ShouldBeRefused($"{option}: '{text}' is not a duration");
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("500ms")]
    public async Task A_snapshot_interval_under_a_second_is_refused(string text)
    {
        using var dir = new TempDirectory();
        (await CliRun.Run(["serve", "--data-dir", Path.Combine(dir.Path, "data"), "--snapshot-interval", text]))
            .ShouldBeRefused("--snapshot-interval: at least 1s");
    }

    [Fact]
    public async Task A_snapshot_interval_that_is_not_a_duration_gives_examples_it_accepts()
    {
        using var dir = new TempDirectory();
        var run = await CliRun.Run(["serve", "--data-dir", Path.Combine(dir.Path, "data"), "--snapshot-interval", "abc"]);
        run.ShouldBeRefused("--snapshot-interval: 'abc' is not a duration (examples: 30s, 5m, 1h; at most 10000 years)");
    }

    [Fact]
    public async Task A_retention_that_is_not_a_duration_still_lists_0_among_its_examples()
    {
        using var dir = new TempDirectory();
        var run = await CliRun.Run(["serve", "--data-dir", Path.Combine(dir.Path, "data"), "--retention", "abc"]);
        run.ShouldBeRefused("--retention: 'abc' is not a duration (examples: 90s, 15m, 12h, 30d, 0; at most 10000 years)");
    }
}
