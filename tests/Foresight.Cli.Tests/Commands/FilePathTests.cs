using Foresight.Tests.Support;

namespace Foresight.Cli.Tests.Commands;

/// <summary><c>forecast</c> and <c>detect</c> refuse an input or output path they cannot use before they start work.</summary>
[Collection("Console")]
public sealed class FilePathTests
{
    [Theory]
    [InlineData("forecast")]
    [InlineData("detect")]
    public async Task An_output_path_that_cannot_be_written_is_refused_before_the_work(string command)
    {
        using var dir = new TempDirectory();
        var csv = CsvFixtures.WriteHourly(dir);
        string[] Args(string output) => command == "forecast" ? ["forecast", csv, "--horizon", "5", "--out", output] : ["detect", csv, "--out", output];

        (await CliRun.Run(Args(Path.Combine(dir.Path, "missing", "out.csv"))))
            .ShouldBeRefused($"foresight {command}: --out: the directory {Path.Combine(dir.Path, "missing")} does not exist");
        (await CliRun.Run(Args(dir.Path))).ShouldBeRefused($"foresight {command}: --out: {dir.Path} is a directory");
        (await CliRun.Run(Args(csv))).ShouldBeRefused($"foresight {command}: --out: {csv} is the input file");
        File.ReadAllLines(csv).Should().HaveCount(241, "the input is left as it was");
        Directory.GetFiles(dir.Path).Should().ContainSingle("no output file is left behind");
    }

    [Theory]
    [InlineData("forecast")]
    [InlineData("detect")]
    public async Task A_directory_given_as_the_input_is_named_as_one(string command)
    {
        using var dir = new TempDirectory();
        string[] args = command == "forecast" ? ["forecast", dir.Path, "--horizon", "5"] : ["detect", dir.Path];
        (await CliRun.Run(args)).ShouldBeRefused($"foresight {command}: {dir.Path} is a directory, not a CSV file");
    }
}
