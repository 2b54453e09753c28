using Foresight.RightSizing;

namespace Foresight.Tests.RightSizing;

public class RightSizingReplayTests
{
    private const long T0 = 1_736_121_600_000;
    private const long Hour = 3_600_000;

    private static RightSizingRecommendation Recommendation(double cpuTarget, double cpuUpper, double memoryTarget, double percentile = 0.9) =>
        new("svc", "test", percentile, new ResourceRange(0, cpuTarget, cpuUpper), new ResourceRange(0, memoryTarget, double.PositiveInfinity), 1, 100, T0, T0);

    [Fact]
    public void Shares_above_target_and_upper_are_counted_over_every_sample()
    {
        // CPU 1..100 against target 90 and upper 95: 10 and 5 above. Memory: 12 of 100 above 50.
        var usage = Enumerable.Range(1, 100).Select(i => new UsageSample(T0 + i * 15_000, i, i <= 12 ? 60 : 40)).ToArray();
        var check = RightSizingReplay.Check(Recommendation(90, 95, 50), usage);
        check.CpuSamples.Should().Be(100);
        check.CpuShareAboveTarget.Should().Be(0.10);
        check.CpuShareAboveUpper.Should().Be(0.05);
        check.MemoryShareAboveTarget.Should().Be(0.12);
        check.MemoryShareAboveUpper.Should().Be(0);
        check.AllowedShare.Should().Be(0.12, "(1 − 0.9) + 2 points");
        check.Passed.Should().BeTrue("12% is within the allowed 12%");
    }

    [Fact]
    public void A_share_above_the_allowance_fails()
    {
        var usage = Enumerable.Range(1, 100).Select(i => new UsageSample(T0 + i * 15_000, i, 40)).ToArray();
        var check = RightSizingReplay.Check(Recommendation(87, 95, 50), usage);
        check.CpuShareAboveTarget.Should().Be(0.13);
        check.Passed.Should().BeFalse();
    }

    [Fact]
    public void Decayed_share_weights_a_day_old_sample_half()
    {
        UsageSample[] usage = [new(T0, 2, 10), new(T0 + 24 * Hour, 0.5, double.NaN)];
        var check = RightSizingReplay.Check(Recommendation(1, 3, 50), usage);
        check.CpuShareAboveTarget.Should().Be(0.5);
        check.CpuDecayedShareAboveTarget.Should().BeApproximately(1.0 / 3, 1e-12, "weights 0.5 (above) and 1 (below)");
        check.MemorySamples.Should().Be(1, "a NaN memory value is not a sample");
    }
}
