using Foresight.Evaluation.Tests.Detection;
using Foresight.Tests.Support;

namespace Foresight.Cli.Tests.Commands;

/// <summary><c>foresight eval nab</c> refuses a corpus or half it cannot score (the NAB score is NaN without windows).</summary>
[Collection("Console")]
public sealed class EvalNabInputTests
{
    [Fact]
    public async Task Eval_nab_refuses_a_half_without_anomaly_windows()
    {
        using var dir = new TempDirectory();
        NabFixture.WriteLayout(dir.Path);   // catA/one.csv (dev) has the windows, catB/two.csv (held out) none

        var (exit, output, error) = await CliRun.Run("eval", "nab", "--data", dir.Path, "--out", Path.Combine(dir.Path, "out"), "--half", "heldout", "--json");

        exit.Should().Be(2);
        output.Should().BeEmpty();
        error.Should().Contain("foresight eval nab: --half heldout (1 files) has no anomaly windows in labels/combined_windows.json");
    }

    [Fact]
    public async Task Eval_nab_refuses_a_corpus_without_files()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(dir.Path, "data"));
        Directory.CreateDirectory(Path.Combine(dir.Path, "labels"));
        Directory.CreateDirectory(Path.Combine(dir.Path, "config"));
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "labels", "combined_windows.json"), "{}");
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "config", "profiles.json"), """
            { "standard": { "CostMatrix": { "tpWeight": 1.0, "fnWeight": 1.0, "fpWeight": 0.11, "tnWeight": 1.0 } } }
            """);

        var (exit, output, error) = await CliRun.Run("eval", "nab", "--data", dir.Path, "--out", Path.Combine(dir.Path, "out"), "--json");

        exit.Should().Be(2, error);
        output.Should().BeEmpty();
        error.Should().Contain("foresight eval nab: the corpus holds no data files");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("1.5")]
    [InlineData("NaN")]
    public async Task Eval_nab_refuses_a_threshold_outside_the_scores_range(string threshold)
    {
        using var dir = new TempDirectory();
        NabFixture.WriteLayout(dir.Path);

        var (exit, output, error) = await CliRun.Run("eval", "nab", "--data", dir.Path, "--out", Path.Combine(dir.Path, "out"), "--threshold", threshold);

        exit.Should().Be(2);
        output.Should().BeEmpty();
        error.Should().Contain($"foresight eval nab: --threshold: {threshold} must be strictly between 0 and 1");
        Directory.Exists(Path.Combine(dir.Path, "out")).Should().BeFalse("nothing is scored or written");
    }
}
