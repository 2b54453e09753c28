using Foresight.Evaluation.RightSizing;

namespace Foresight.Evaluation.Tests.RightSizing;

public class RightSizingEvaluationTests
{
    [Fact]
    public void Every_demo_service_passes_the_replay_check_under_every_strategy()
    {
        // Issue 6, bar 2, on a week of the demo fleet (the CLI runs 14 days).
        var report = RightSizingEvaluation.Run(new RightSizingEvaluationOptions { Days = 7 });
        report.Rows.Should().HaveCount(6 * 4);
        report.Rows.Should().OnlyContain(r => r.Replay.Passed && r.Recommendation.Cpu.Target > 0 && r.Recommendation.Memory.Target > 0);
        report.SamplesPerService.Should().Be(7 * 5760);
    }
}
