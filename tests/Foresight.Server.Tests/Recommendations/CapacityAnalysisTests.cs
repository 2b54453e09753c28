using Foresight.Series;
using Foresight.Server.Recommendations;

namespace Foresight.Server.Tests.Recommendations;

/// <summary>The server's load statistics behind <c>GET /api/v1/capacity</c>, on hand-built 5-minute totals.</summary>
public sealed class CapacityAnalysisTests
{
    private const long Day = 86_400_000;
    private const long Step = 300_000;
    private static readonly long Monday = new DateTimeOffset(2025, 3, 3, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    /// <summary>Full days of 5-minute totals whose daily peak is <paramref name="peaks"/>[d] (at noon), 10 elsewhere.</summary>
    private static List<Point> Days(params double[] peaks)
    {
        var points = new List<Point>();
        for (var d = 0; d < peaks.Length; d++)
        {
            for (var t = Monday + d * Day; t < Monday + (d + 1) * Day; t += Step)
                points.Add(new Point(t, t - (Monday + d * Day) == Day / 2 ? peaks[d] : 10));
        }
        return points;
    }

    [Fact]
    public void Weekly_growth_compares_each_day_with_the_same_weekday_and_takes_the_median()
    {
        // Week 1: a weekday peak of 100 and a weekend of 50; week 2 is 2% higher on weekdays, 4% on the weekend, and one day has a surge.
        var totals = Days(100, 100, 100, 100, 100, 50, 50, 102, 102, 102, 300, 102, 52, 52);
        // Ratios − 1: 0.02 ×4, 2.0 (the surge), 0.04 ×2 → sorted 0.02, 0.02, 0.02, 0.02, 0.04, 0.04, 2.0: median 0.02.
        CapacityAnalysis.WeeklyGrowth(totals).Should().BeApproximately(0.02, 1e-12);
    }

    [Fact]
    public void Weekly_growth_needs_two_full_days_a_week_apart()
    {
        CapacityAnalysis.WeeklyGrowth(Days(100, 100, 100, 100, 100, 50, 50)).Should().BeNull("one week has no day to compare with");
        var partial = Days(100, 100, 100, 100, 100, 50, 50, 120);
        partial.RemoveRange(partial.Count - 100, 100);   // the eighth day is cut short: under 90% of its steps
        CapacityAnalysis.WeeklyGrowth(partial).Should().BeNull();
    }

    [Fact]
    public void Typical_peak_is_the_median_daily_peak_of_the_last_week()
    {
        var totals = Days(100, 100, 100, 100, 100, 50, 50, 102, 102, 102, 300, 102, 52, 52);
        var now = Monday + 14 * Day;
        // The last 7 days' peaks: 102, 102, 102, 300, 102, 52, 52 → median 102 (the surge does not set it).
        CapacityAnalysis.TypicalPeak(totals, now).Should().Be(102);
        CapacityAnalysis.TypicalPeak([], now).Should().Be(double.NaN);
    }

    [Fact]
    public void Load_bins_hold_equal_counts_at_their_median_load_and_latency()
    {
        var pairs = Enumerable.Range(1, 48).Select(i => (Rate: (double)i, Latency: i / 100.0)).Reverse().ToList();
        var bins = CapacityAnalysis.Bin(pairs, 0.95);
        bins.Should().HaveCount(24);
        bins[0].ArrivalRate.Should().Be(1.5);   // rates 1 and 2
        bins[0].P95.Should().Be(0.015);
        bins[0].P99.Should().Be(double.NaN);
        bins[^1].ArrivalRate.Should().Be(47.5);
        var p99 = CapacityAnalysis.Bin([(10, 0.2), (20, 0.3), (30, 0.5)], 0.99);
        p99.Select(b => (b.ArrivalRate, b.P99)).Should().Equal((10, 0.2), (20, 0.3), (30, 0.5));
        p99.Should().OnlyContain(b => double.IsNaN(b.P95) && double.IsNaN(b.Mean));
    }
}
