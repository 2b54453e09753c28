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
    public void A_label_pair_finds_its_series_as_the_series_that_carry_it_come_and_go()
    {
        // One series, two, three, then back down to none and up again: a pair moves between one series and a list.
        var index = new SeriesIndex<Item>();
        var items = Enumerable.Range(0, 3).Select(id => new Item(new SeriesInfo(id, "t", "up", Labels.Of(("job", "a"), ("pod", $"p{id}"))))).ToList();
        SeriesSelector.TryParse("{job=\"a\"}", out var job, out _).Should().BeTrue();
        SeriesSelector.TryParse("{pod=\"p1\"}", out var pod, out _).Should().BeTrue();
        var held = new List<Item>();
        void Check(string when)
        {
            index.Find("t", job!, i => i.Info).Should().Equal(held, when);
            index.Find("t", pod!, i => i.Info).Should().Equal(held.Where(i => i.Info.Id == 1), when);
        }
        foreach (var item in items)
        {
            index.Add(item.Info, item);
            held.Add(item);
            Check($"after adding {item.Info.Id}");
        }
        foreach (var id in new[] { 1, 0, 2 })
        {
            index.Remove(items[id].Info, items[id]);
            held.Remove(items[id]);
            Check($"after removing {id}");
        }
        index.Add(items[1].Info, items[1]);
        held.Add(items[1]);
        Check("after adding 1 again");
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
