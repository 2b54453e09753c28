using System.Text.Json;
using Foresight.Cli;
using Foresight.Evaluation.Tests.Detection;
using Foresight.Tests.Support;

namespace Foresight.Cli.Tests.Commands;

[Collection("Console")]
public sealed class EvalNabCommandTests
{
    [Fact]
    public async Task Eval_nab_writes_results_files_and_prints_optimized_and_fixed_threshold_scores()
    {
        using var dir = new TempDirectory();
        NabFixture.WriteLayout(dir.Path);
        var outDir = Path.Combine(dir.Path, "out");
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        int exit;
        try
        {
            exit = await ForesightCommand.Build().Parse(["eval", "nab", "--data", dir.Path, "--out", outDir, "--json", "--threshold", "0.99", "--detector", "windowedgaussian"]).InvokeAsync();
        }
        finally
        {
            Console.SetOut(original);
        }

        exit.Should().Be(0);
        var json = JsonDocument.Parse(output.ToString()).RootElement;
        json.GetProperty("detector").GetString().Should().Be("windowedgaussian");
        foreach (var key in new[] { "scores", "fixedThresholdScores" })
        {
            var scores = json.GetProperty(key);
            foreach (var profile in new[] { "standard", "reward_low_FP_rate", "reward_low_FN_rate" }) scores.GetProperty(profile).GetDouble().Should().BeLessThanOrEqualTo(100);
        }
        // The spike opens the first window, so the optimized score beats null.
        json.GetProperty("scores").GetProperty("standard").GetDouble().Should().BeGreaterThan(0);
        json.GetProperty("seconds").GetDouble().Should().BeGreaterThanOrEqualTo(0);
        File.Exists(Path.Combine(outDir, "windowedgaussian", "catA", "windowedgaussian_one.csv")).Should().BeTrue();
        File.ReadAllLines(Path.Combine(outDir, "windowedgaussian", "catB", "windowedgaussian_two.csv")).Should().HaveCount(121);
    }

    [Fact]
    public async Task Eval_nab_names_an_unknown_detector()
    {
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        int exit;
        try
        {
            exit = await ForesightCommand.Build().Parse(["eval", "nab", "--data", "x", "--out", "y", "--detector", "nope"]).InvokeAsync();
        }
        finally
        {
            Console.SetError(original);
        }
        exit.Should().Be(2);
        error.ToString().Should().Contain("unknown detector 'nope'").And.Contain("windowedgaussian");
    }
}
