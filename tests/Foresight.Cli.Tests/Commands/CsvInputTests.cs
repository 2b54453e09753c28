using Foresight.Tests.Support;

namespace Foresight.Cli.Tests.Commands;

/// <summary><c>forecast</c> and <c>detect</c> say what is wrong with the CSV file they read, and where.</summary>
[Collection("Console")]
public sealed class CsvInputTests
{
    [Fact]
    public async Task Timestamps_past_the_year_9999_are_refused_with_file_line_and_column()
    {
        using var dir = new TempDirectory();
        var csv = CsvFixtures.Write(dir, "far.csv", "timestamp,value", "1700000000000,1", "99999999999999999,2", "99999999999999999,3");
        var expected = "far.csv: line 3, column 'timestamp': '99999999999999999' is past the year 9999";

        (await CliRun.Run("forecast", csv, "--horizon", "5", "--out", Path.Combine(dir.Path, "out.csv"))).ShouldBeRefused("foresight forecast: " + expected);
        (await CliRun.Run("detect", csv, "--out", Path.Combine(dir.Path, "out.csv"))).ShouldBeRefused("foresight detect: " + expected);
    }

    [Theory]
    [InlineData(new string[0], "empty.csv: the file is empty")]
    [InlineData(new[] { "timestamp,value" }, "empty.csv: the file has a header but no data rows")]
    [InlineData(new[] { "timestamp,value", "2024-01-01 00:00:00,", "2024-01-01 01:00:00," }, "empty.csv: every value cell is empty")]
    public async Task A_file_without_data_says_so(string[] lines, string expected)
    {
        using var dir = new TempDirectory();
        var csv = CsvFixtures.Write(dir, "empty.csv", lines);

        (await CliRun.Run("forecast", csv, "--horizon", "5", "--out", Path.Combine(dir.Path, "out.csv"))).ShouldBeRefused(expected);
        (await CliRun.Run("detect", csv, "--out", Path.Combine(dir.Path, "out.csv"))).ShouldBeRefused(expected);
    }
}
