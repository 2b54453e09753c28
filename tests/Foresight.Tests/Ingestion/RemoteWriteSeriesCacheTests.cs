using System.Text;
using Foresight.Ingestion;
using Foresight.Series;

namespace Foresight.Tests.Ingestion;

public sealed class RemoteWriteSeriesCacheTests
{
    private static byte[] Key(int i) => Encoding.UTF8.GetBytes($"__name__node_cpu_seconds_total instance10.0.{i / 250}.{i % 250}:9100 jobnode pod-{i}");

    [Fact]
    public void A_set_keeps_its_two_newest_series_and_drops_the_oldest()
    {
        var cache = new RemoteWriteSeriesCache(2);   // one set of two ways: every key falls in it
        var (a, b, c) = (Labels.Of(("k", "a")), Labels.Of(("k", "b")), Labels.Of(("k", "c")));
        cache.Add(Key(1), "m", a);
        cache.Add(Key(2), "m", b);
        cache.TryGet(Key(1), out _, out var got).Should().BeTrue("two series share the set");
        got.Should().BeSameAs(a);
        cache.TryGet(Key(2), out var metric, out got).Should().BeTrue();
        (metric, got).Should().Be(("m", b));

        cache.Add(Key(3), "m", c);
        cache.TryGet(Key(1), out _, out _).Should().BeFalse("the oldest of the set made room for the third");
        cache.TryGet(Key(2), out _, out _).Should().BeTrue();
        cache.TryGet(Key(3), out _, out got).Should().BeTrue();
        got.Should().BeSameAs(c);
        cache.TryGet(Key(4), out metric, out got).Should().BeFalse();
        (metric, got).Should().Be(("", Labels.Empty));
    }

    [Fact]
    public void Nearly_every_one_of_5000_series_stays_cached_where_one_slot_per_hash_lost_about_4_percent()
    {
        var cache = new RemoteWriteSeriesCache(1 << 17);
        var labels = Labels.Of(("job", "node"));
        for (var i = 0; i < 5000; i++) cache.Add(Key(i), "m", labels);
        var hits = Enumerable.Range(0, 5000).Count(i => cache.TryGet(Key(i), out _, out _));
        // Lost only where three of the 5,000 share one of the 65,536 sets: about 5 expected, 50 all but impossible.
        hits.Should().BeGreaterThan(4950);
    }
}
