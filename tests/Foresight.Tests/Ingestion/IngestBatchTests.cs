using Foresight.Ingestion;
using Foresight.Series;

namespace Foresight.Tests.Ingestion;

public sealed class IngestBatchTests
{
    [Fact]
    public void A_batch_holds_each_series_points_in_order_and_keeps_none_of_the_lists_it_was_made_from()
    {
        var a = new SeriesInfo(1, "t", "a", Labels.Empty);
        var b = new SeriesInfo(2, "t", "b", Labels.Of(("k", "v")));
        var c = new SeriesInfo(3, "t", "c", Labels.Empty);
        List<Point> first = [new(10, 1), new(20, 2), new(30, 3)];
        Point[] third = [new(5, -1)];
        var batch = new IngestBatch("t", [new AppendedSeries(a, first), new AppendedSeries(b, []), new AppendedSeries(c, third)]);
        first[0] = new Point(99, 99);
        first.Add(new Point(40, 4));
        third[0] = new Point(6, 6);

        (batch.Tenant, batch.Count, batch.Points).Should().Be(("t", 3, 4));
        batch.SeriesAt(1).Should().BeSameAs(b);
        batch.PointsOf(0).ToArray().Should().Equal(new Point(10, 1), new Point(20, 2), new Point(30, 3));
        batch.PointsOf(1).IsEmpty.Should().BeTrue();
        batch.PointsOf(2).ToArray().Should().Equal(new Point(5, -1));
        batch.Series.Select(s => (s.Series.Id, s.Points.ToArray())).Should().BeEquivalentTo(
            [(1L, new[] { new Point(10, 1), new Point(20, 2), new Point(30, 3) }), (2L, Array.Empty<Point>()), (3L, new[] { new Point(5, -1) })],
            o => o.WithStrictOrdering());
        batch.Series[2].Points[0].Should().Be(new Point(5, -1));
    }
}
