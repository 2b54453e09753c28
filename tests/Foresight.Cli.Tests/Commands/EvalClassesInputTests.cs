using Foresight.Tests.Support;

namespace Foresight.Cli.Tests.Commands;

/// <summary><c>foresight eval classes</c> bounds the size of the generated workloads, as <c>eval rightsizing</c> bounds its days.</summary>
[Collection("Console")]
public sealed class EvalClassesInputTests
{
    [Theory]
    [InlineData("--days", "100000", "--days must be from 2 to 90 (got 100000)")]
    [InlineData("--days", "1", "--days must be from 2 to 90 (got 1)")]
    [InlineData("--step-seconds", "1", "--step-seconds must be from 60 to 3600 (got 1)")]
    public async Task Eval_classes_bounds_the_generated_workloads(string option, string value, string message)
    {
        var (exit, _, error) = await CliRun.Run("eval", "classes", option, value);

        exit.Should().Be(2);
        error.Should().Contain("foresight eval classes: " + message);
    }
}
