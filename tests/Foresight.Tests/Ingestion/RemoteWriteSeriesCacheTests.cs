using System.Text;
using Foresight.Ingestion;
using Foresight.Series;

namespace Foresight.Tests.Ingestion;

public sealed class RemoteWriteSeriesCacheTests
{
    private static byte[] Key(int i) => Encoding.UTF8.GetBytes($"__name__node_cpu_seconds_total instance10.0.{i / 250}.{i % 250}:9100 jobnode pod-{i}");

    [Fact]
    public void A_set_keeps_its_four_newest_series_and_drops_the_oldest()
    {
        var cache = new RemoteWriteSeriesCache(4);   // one set of four ways: every key falls in it
        var labels = Enumerable.Range(0, 5).Select(i => Labels.Of(("k", $"v{i}"))).ToArray();
        for (var i = 0; i < 4; i++) cache.Add(Key(i), "m", labels[i]);
        for (var i = 0; i < 4; i++)
        {
            cache.TryGet(Key(i), out var metric, out var got).Should().BeTrue("four series share the set");
            (metric, got).Should().Be(("m", labels[i]));
            got.Should().BeSameAs(labels[i]);
        }

        cache.Add(Key(4), "m", labels[4]);
        cache.TryGet(Key(0), out _, out _).Should().BeFalse("the oldest of the set made room for the fifth");
        for (var i = 1; i < 5; i++) cache.TryGet(Key(i), out _, out _).Should().BeTrue();
        cache.TryGet(Key(5), out var missing, out var none).Should().BeFalse();
        (missing, none).Should().Be(("", Labels.Empty));
    }

    [Theory]
    [InlineData(5_000, 4_995)]      // more than four of 5,000 in one of 131,072 sets: all but impossible
    [InlineData(100_000, 98_800)]   // Poisson, 0.76 series a set: 0.8% of series are in sets of five or more
    public void Nearly_every_series_of_a_fleet_sent_round_after_round_stays_cached(int series, int atLeast)
    {
        var cache = new RemoteWriteSeriesCache(1 << 19);   // the size of the shared cache
        var labels = Labels.Of(("job", "node"));
        var hits = 0;
        for (var round = 0; round < 3; round++)
        {
            // As the decoder does: a miss decodes the series and adds it.
            hits = 0;
            for (var i = 0; i < series; i++)
            {
                if (cache.TryGet(Key(i), out _, out _)) hits++;
                else cache.Add(Key(i), "m", labels);
            }
        }
        // In a set with more series than ways, each one evicts another that comes back later in the round, so they all
        // miss every round: with two ways and 131,072 slots that was 45% of 100,000 series.
        hits.Should().BeGreaterThan(atLeast);
    }
}
