using Foresight.RightSizing;

namespace Foresight.Tests.RightSizing;

public class RightSizingRecommenderTests
{
    private const long T0 = 1_736_121_600_000;
    private const long Minute = 60_000;
    private const long Hour = 3_600_000;
    private const double MiB = RightSizingOptions.MiB;

    private static readonly RightSizingOptions VpaOnly = new() { WeeklyHalfLife = null };

    /// <summary>End of the bucket holding <paramref name="value"/>: what a percentile landing on that value reports.</summary>
    private static double CpuEnd(double value) => ExponentialBuckets.Cpu.Start(ExponentialBuckets.Cpu.Find(value) + 1);

    private static double MemoryEnd(double value) => ExponentialBuckets.Memory.Start(ExponentialBuckets.Memory.Find(value) + 1);

    private static RightSizingStrategy Plain(double target) => new("test", 0.01, target, 0.99, 0, "test");

    private static RightSizingRecommendation Recommend(RightSizingRecommender recommender, RightSizingStrategy strategy)
    {
        recommender.TryRecommend("svc", strategy, out var recommendation, out var error).Should().BeTrue(error);
        return recommendation;
    }

    [Fact]
    public void Memory_is_sized_from_the_peak_of_each_day_not_from_every_sample()
    {
        // Three days of hourly samples at 300 MiB, each day with one peak: 500, 700, 900 MiB. The peaks are
        // stamped at the ends of their 24 h windows, so with a 24 h half-life they weigh 1 : 2 : 4.
        var recommender = new RightSizingRecommender(VpaOnly);
        for (var h = 0; h < 72; h++)
        {
            var peak = h switch { 13 => 500, 37 => 700, 61 => 900, _ => 300 };
            recommender.AddSample(new UsageSample(T0 + h * Hour, 0.5, peak * MiB)).Should().BeTrue();
        }
        // Weight 7 in all: p0.1 (0.7) is reached at 500, p0.4 (2.8) at 700 (cumulative 3), p0.5 (3.5) at 900.
        Recommend(recommender, Plain(0.1)).Memory.Target.Should().Be(MemoryEnd(500 * MiB));
        Recommend(recommender, Plain(0.4)).Memory.Target.Should().Be(MemoryEnd(700 * MiB));
        Recommend(recommender, Plain(0.5)).Memory.Target.Should().Be(MemoryEnd(900 * MiB));
    }

    [Theory]
    [InlineData(1024, 1228.8)] // 1.2 × 1024 MiB beats 1024 + 100
    [InlineData(300, 400)]     // 300 + 100 MiB beats 1.2 × 300 = 360
    public void An_out_of_memory_kill_bumps_memory_to_the_larger_of_twenty_percent_and_100_MiB_more(double atKillMiB, double expectedMiB)
    {
        var recommender = new RightSizingRecommender(VpaOnly);
        for (var m = 0; m < 60; m++) recommender.AddSample(new UsageSample(T0 + m * Minute, 0.5, atKillMiB * MiB * 0.9));
        recommender.RecordOom(new OomEvent(T0 + 61 * Minute, atKillMiB * MiB)).Should().BeTrue();

        // The bumped value replaces the day's peak, so it is the only memory sample.
        Recommend(recommender, Plain(0.5)).Memory.Target.Should().Be(MemoryEnd(expectedMiB * MiB));
    }

    [Fact]
    public void An_out_of_memory_kill_older_than_the_previous_window_is_ignored()
    {
        var recommender = new RightSizingRecommender(VpaOnly);
        recommender.AddSample(new UsageSample(T0, 0.5, 400 * MiB));
        recommender.AddSample(new UsageSample(T0 + 49 * Hour, 0.5, 400 * MiB)); // the window now ends at T0 + 72 h
        recommender.RecordOom(new OomEvent(T0 + 47 * Hour, 400 * MiB)).Should().BeFalse();
        recommender.RecordOom(new OomEvent(T0 + 48 * Hour, 400 * MiB)).Should().BeTrue();
    }

    [Fact]
    public void Tiny_usage_is_raised_to_25_millicores_and_250_MiB()
    {
        var recommender = new RightSizingRecommender();
        // A week a minute: confidence 7, so even the upper bound, (end of bucket 0 = 0.01) × 1.3 × 8/7 = 0.0149 cores, is under the minimum.
        for (var m = 0; m <= 7 * 1440; m++) recommender.AddSample(new UsageSample(T0 + m * Minute, 0.002, 20 * MiB));
        var r = Recommend(recommender, RightSizingStrategies.PerformanceFirst);
        r.Cpu.Should().Be(new ResourceRange(0.025, 0.025, 0.025));
        r.Memory.Should().Be(new ResourceRange(250 * MiB, 250 * MiB, 250 * MiB));
    }

    [Fact]
    public void Half_a_day_of_history_triples_the_upper_bound_and_barely_lowers_the_lower_bound()
    {
        // One sample a minute for 12 h: span 0.5 day, 721 samples / 1440 = 0.5007 day, so confidence 0.5.
        var recommender = new RightSizingRecommender();
        for (var m = 0; m <= 720; m++) recommender.AddSample(new UsageSample(T0 + m * Minute, 1.0, 1024 * MiB));
        recommender.ConfidenceDays.Should().Be(0.5);

        var r = Recommend(recommender, RightSizingStrategies.Balanced);
        var p = CpuEnd(1.0); // every percentile of a constant: the end of 1.0's bucket, 1.01628 cores
        p.Should().BeApproximately(1.01628, 1e-5);
        r.Cpu.Target.Should().BeApproximately(p * 1.15, 1e-12);
        r.Cpu.Upper.Should().BeApproximately(p * 1.15 * 3, 1e-12, "1 + 1/0.5 = 3");
        r.Cpu.Lower.Should().BeApproximately(p * 1.15 / (1.002 * 1.002), 1e-12, "(1 + 0.001/0.5)^-2");
        r.Memory.Upper.Should().BeApproximately(MemoryEnd(1024 * MiB) * 1.15 * 3, 1e-3);
    }

    [Fact]
    public void A_week_of_history_widens_the_upper_bound_by_one_seventh()
    {
        var recommender = new RightSizingRecommender();
        for (var m = 0; m <= 7 * 1440; m++) recommender.AddSample(new UsageSample(T0 + m * Minute, 1.0, 1024 * MiB));
        recommender.ConfidenceDays.Should().Be(7);
        var r = Recommend(recommender, RightSizingStrategies.Balanced);
        r.Cpu.Upper.Should().BeApproximately(CpuEnd(1.0) * 1.15 * (1 + 1.0 / 7), 1e-12);
        r.ConfidenceDays.Should().Be(7);
        r.Samples.Should().Be(7 * 1440 + 1);
    }

    [Fact]
    public void Sparse_samples_bound_the_confidence_by_their_count()
    {
        var recommender = new RightSizingRecommender();
        for (var h = 0; h <= 48; h++) recommender.AddSample(new UsageSample(T0 + h * Hour, 1.0, 1024 * MiB));
        recommender.ConfidenceDays.Should().BeApproximately(49 / 1440.0, 1e-15, "49 hourly samples are 49 minutes' worth at VPA's one a minute, though they span 2 days");
    }

    [Fact]
    public void Strategies_order_targets_from_aggressive_to_performance_first()
    {
        var random = new Random(3);
        var recommender = new RightSizingRecommender();
        for (var m = 0; m < 10 * 1440; m += 5)
        {
            var daily = 1 + 0.8 * Math.Sin(2 * Math.PI * m / 1440);
            recommender.AddSample(new UsageSample(T0 + m * Minute, daily * (1 + 0.2 * random.NextDouble()), (800 + 300 * daily + 50 * random.NextDouble()) * MiB));
        }
        var rs = RightSizingStrategies.All.Select(s => Recommend(recommender, s)).ToArray();
        rs.Select(r => r.Strategy).Should().Equal("aggressive", "balanced", "conservative", "performance-first");
        for (var i = 1; i < rs.Length; i++)
        {
            rs[i].Cpu.Target.Should().BeGreaterThanOrEqualTo(rs[i - 1].Cpu.Target);
            rs[i].Memory.Target.Should().BeGreaterThanOrEqualTo(rs[i - 1].Memory.Target);
        }
        rs[^1].Cpu.Target.Should().BeGreaterThan(rs[0].Cpu.Target, "p99 +30% is well above p80 +5% on a daily cycle");
        foreach (var r in rs)
        {
            r.Cpu.Lower.Should().BeLessThanOrEqualTo(r.Cpu.Target);
            r.Cpu.Target.Should().BeLessThanOrEqualTo(r.Cpu.Upper);
            r.Memory.Lower.Should().BeLessThanOrEqualTo(r.Memory.Target);
            r.Memory.Target.Should().BeLessThanOrEqualTo(r.Memory.Upper);
        }
    }

    [Fact]
    public void Cpu_samples_are_weighted_by_the_request_in_force()
    {
        // Ten minutes at 1 core under a 4-core request, then ten at 3 cores under a 1-core request:
        // by weight 40 : 10, so p0.75 is 1 core (unweighted it would be 3 cores).
        var recommender = new RightSizingRecommender(VpaOnly);
        for (var m = 0; m < 20; m++) recommender.AddSample(new UsageSample(T0 + m * Minute, m < 10 ? 1 : 3, 500 * MiB), m < 10 ? 4 : 1);
        Recommend(recommender, Plain(0.75)).Cpu.Target.Should().Be(CpuEnd(1.0));

        var unweighted = new RightSizingRecommender(VpaOnly);
        for (var m = 0; m < 20; m++) unweighted.AddSample(new UsageSample(T0 + m * Minute, m < 10 ? 1 : 3, 500 * MiB));
        Recommend(unweighted, Plain(0.75)).Cpu.Target.Should().Be(CpuEnd(3.0));
    }

    [Fact]
    public void Weekly_floor_keeps_a_quiet_weekend_from_sizing_the_week()
    {
        // Five days at 2 cores, then two at 0.5. With only the 24 h histogram the last two days hold
        // (1 − 2^−2) / (1 − 2^−7) = 76% of the weight, so p0.7 is 0.5 core; with a 7-day half-life they
        // hold (1 − 2^(−2/7)) / (1 − 2^−1) = 36%, so the weekly p0.7 is 2 cores.
        RightSizingRecommender Feed(RightSizingOptions options)
        {
            var recommender = new RightSizingRecommender(options);
            for (var h = 0; h < 7 * 24; h++) recommender.AddSample(new UsageSample(T0 + h * Hour, h < 5 * 24 ? 2 : 0.5, 500 * MiB));
            return recommender;
        }
        Recommend(Feed(VpaOnly), Plain(0.7)).Cpu.Target.Should().Be(CpuEnd(0.5));
        Recommend(Feed(new RightSizingOptions()), Plain(0.7)).Cpu.Target.Should().Be(CpuEnd(2));
    }

    [Fact]
    public void Samples_out_of_order_or_with_negative_values_are_discarded()
    {
        var recommender = new RightSizingRecommender();
        recommender.AddSample(new UsageSample(T0 + Hour, 1, 500 * MiB)).Should().BeTrue();
        recommender.AddSample(new UsageSample(T0, 1, 500 * MiB)).Should().BeFalse();
        recommender.AddSample(new UsageSample(T0 + Hour, 1, 500 * MiB)).Should().BeFalse("not later than the previous sample");
        recommender.AddSample(new UsageSample(T0 + 2 * Hour, -1, 500 * MiB)).Should().BeFalse();
        recommender.AddSample(new UsageSample(T0 + 2 * Hour, double.NaN, double.NaN)).Should().BeFalse();
        recommender.Samples.Should().Be(1);
        recommender.Discarded.Should().Be(4);
    }

    [Fact]
    public void No_samples_gives_a_clear_message_instead_of_a_recommendation()
    {
        var recommender = new RightSizingRecommender();
        recommender.TryRecommend("checkout", RightSizingStrategies.Balanced, out _, out var error).Should().BeFalse();
        error.Should().Contain("checkout").And.Contain("no CPU usage samples");

        recommender.AddSample(new UsageSample(T0, 1, double.NaN));
        recommender.TryRecommend("checkout", RightSizingStrategies.Balanced, out _, out error).Should().BeFalse();
        error.Should().Contain("no memory usage samples");
    }

    [Fact]
    public void The_current_request_gives_the_delta()
    {
        var recommender = new RightSizingRecommender();
        for (var m = 0; m <= 1440; m++) recommender.AddSample(new UsageSample(T0 + m * Minute, 1.0, 1024 * MiB));
        recommender.TryRecommend("svc", RightSizingStrategies.Balanced, out var r, out _, new ResourceRequests(2, null)).Should().BeTrue();
        r.Cpu.Current.Should().Be(2);
        r.Cpu.Delta.Should().BeApproximately(CpuEnd(1.0) * 1.15 - 2, 1e-12);
        r.Memory.Delta.Should().BeNull();
    }
}
