using Foresight.Tests.Support;

namespace Foresight.Cli.Tests.Commands;

/// <summary><c>foresight detect --threshold</c> is a score strictly between 0 and 1, since scores are in [0, 1].</summary>
[Collection("Console")]
public sealed class DetectCommandInputTests
{
    [Theory]
    [InlineData("NaN")]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("2")]
    public async Task A_threshold_outside_the_open_range_of_scores_is_refused(string threshold)
    {
        using var dir = new TempDirectory();
        var run = await CliRun.Run("detect", CsvFixtures.WriteHourly(dir), "--threshold", threshold, "--out", Path.Combine(dir.Path, "scores.csv"));
        run.ShouldBeRefused($"foresight detect: --threshold: {threshold} must be strictly between 0 and 1");
    }

    [Fact]
    public async Task A_valid_threshold_still_scores_the_file()
    {
        using var dir = new TempDirectory();
        var output = Path.Combine(dir.Path, "scores.csv");
        var run = await CliRun.Run("detect", CsvFixtures.WriteHourly(dir), "--threshold", "0.9", "--out", output);

        run.Exit.Should().Be(0, run.Error);
        run.Out.Should().Contain("(score >= 0.9)");
        File.ReadAllLines(output).Should().HaveCount(241);
    }
}
