using Foresight.Detection;

namespace Foresight.Tests.Detection;

public class ContextNoveltyTests
{
    private const long Start = 1_396_310_400_000;

    // A repeating pattern of 24 steps with a little deterministic wobble: every context recurs.
    private static (long[] T, double[] V) Pattern(int n)
    {
        var t = new long[n];
        var v = new double[n];
        for (var i = 0; i < n; i++)
        {
            t[i] = Start + i * 300_000L;
            v[i] = 10 + 5 * Math.Sin(2 * Math.PI * i / 24) + 0.3 * ((i / 24) % 2);
        }
        return (t, v);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_spike_in_a_learnt_pattern_scores_near_one_and_the_pattern_scores_near_zero(bool differences)
    {
        var (t, v) = Pattern(2000);
        v[1500] += 20;
        var scores = Detectors.ScoreAll(new ContextNovelty(new() { Differences = differences }), t, v);
        scores.Should().OnlyContain(s => s >= 0 && s <= 1);
        scores.Skip(600).Take(800).Max().Should().BeLessThan(0.2, "every context of the pattern has been seen by then");
        scores.Skip(1500).Take(2).Max().Should().BeGreaterThan(0.7);
    }

    [Fact]
    public void Rest_period_silences_the_points_after_an_alarm()
    {
        var (t, v) = Pattern(2000);
        v[1500] += 20;
        var plain = Detectors.ScoreAll(new ContextNovelty(), t, v);
        var rested = Detectors.ScoreAll(new ContextNovelty(new() { RestPeriod = 50 }), t, v);
        var alarm = Array.FindIndex(rested, s => s >= 0.75);
        alarm.Should().BeInRange(1500, 1501);
        rested.Skip(alarm + 1).Take(50).Should().OnlyContain(s => s == 0);
        rested.Take(alarm + 1).Should().Equal(plain.Take(alarm + 1));
    }

    [Fact]
    public void Memory_stays_bounded_on_a_series_of_ever_new_contexts()
    {
        var rng = new Random(11);
        var detector = new ContextNovelty(new() { MaxEntries = 1000 });
        for (var i = 0; i < 50_000; i++) detector.Update(Start + i * 60_000L, rng.NextDouble());
        detector.StoredEntries.Should().BeLessThanOrEqualTo(2000);
    }
}
