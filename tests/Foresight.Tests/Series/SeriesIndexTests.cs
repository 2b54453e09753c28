using Foresight.Series;

namespace Foresight.Tests.Series;

public sealed class SeriesIndexTests
{
    private sealed record Item(SeriesInfo Info);

    [Fact]
    public void Every_selector_finds_what_a_scan_of_the_tenants_series_finds_in_the_same_order()
    {
        var random = new Random(3);
        var index = new SeriesIndex<Item>();
        var all = new List<Item>();
        for (var id = 0; id < 2_000; id++)
        {
            var tenant = id % 7 == 0 ? "b" : "a";
            var labels = Labels.Of(("job", $"j{random.Next(3)}"), ("pod", $"p{id}"), ("zone", random.Next(4) == 0 ? "" : $"z{random.Next(2)}"));
            var item = new Item(new SeriesInfo(id, tenant, random.Next(2) == 0 ? "up" : "cpu_seconds_total", labels));
            index.Add(item.Info, item);
            all.Add(item);
        }
        // Undo of a failed creation: gone from every posting.
        foreach (var gone in all.Where(i => i.Info.Id % 10 == 3).ToList())
        {
            index.Remove(gone.Info, gone);
            all.Remove(gone);
        }
        index.Count.Should().Be(all.Count);

        string[] selectors =
        [
            "up", "up{job=\"j1\"}", "{job=\"j2\",zone=\"z1\"}", "{pod=\"p13\"}", "{pod=\"p14\"}", "{zone=\"\",job=\"j0\"}",
            "cpu_seconds_total{zone!=\"z0\"}", "{job=~\"j[01]\"}", "{__name__=~\"c.*\",job!~\"j1\"}", "up{job=\"nope\"}", "nope", "",
        ];
        foreach (var tenant in new[] { "a", "b", "c" })
        {
            foreach (var text in selectors)
            {
                SeriesSelector.TryParse(text, out var selector, out var error).Should().BeTrue(error);
                var expected = all.Where(i => i.Info.Tenant == tenant && selector!.Matches(i.Info.Metric, i.Info.Labels)).ToList();
                index.Find(tenant, selector!, i => i.Info).Should().Equal(expected, $"{text} in tenant {tenant}");
            }
        }
        index.Tenants().Should().Equal("a", "b");
    }

    [Fact]
    public void A_selector_with_an_equality_matcher_looks_only_at_that_label_pairs_series()
    {
        var index = new SeriesIndex<Item>();
        var looked = 0;
        for (var id = 0; id < 1_000; id++)
        {
            var item = new Item(new SeriesInfo(id, "a", "up", Labels.Of(("pod", $"p{id}"))));
            index.Add(item.Info, item);
        }
        SeriesSelector.TryParse("up{pod=\"p500\"}", out var selector, out _).Should().BeTrue();
        index.Find("a", selector!, i => { looked++; return i.Info; }).Should().ContainSingle().Which.Info.Id.Should().Be(500);
        looked.Should().Be(1, "the posting of pod=\"p500\" holds one series; a scan would have looked at 1,000");
    }
}
