using System.Collections;
using Foresight.Series;

namespace Foresight.Ingestion;

/// <summary>
/// One accepted batch on the ingest feed: its tenant and, per series, the points the store kept, held compactly
/// for the time it waits in a consumer's queue (up to <see cref="IngestFeedOptions.CapacityPoints"/> points, long
/// enough to reach the oldest GC generation): the series in one array, their points one after another in another
/// (16 bytes a point, 12 a series), so a queued batch is three arrays instead of the request's list of point lists
/// (about 40 bytes a point at four points a series, in some 1,500 objects per 2,000-sample remote-write request).
/// Read series by index (<see cref="Count"/>, <see cref="SeriesAt"/>, <see cref="PointsOf"/>), or through
/// <see cref="Series"/>, a view that builds each <see cref="AppendedSeries"/> as it is read. Immutable.
/// </summary>
public sealed class IngestBatch
{
    private readonly SeriesInfo[] _series;
    // Series i's points are _points[_ends[i - 1].._ends[i]] (from 0 for the first).
    private readonly int[] _ends;
    private readonly Point[] _points;

    /// <summary>Copies <paramref name="series"/> (the store's <see cref="AppendResult.Stored"/>) into the batch; the lists are not kept.</summary>
    public IngestBatch(string tenant, IReadOnlyList<AppendedSeries> series)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(series);
        Tenant = tenant;
        _series = new SeriesInfo[series.Count];
        _ends = new int[series.Count];
        var total = 0;
        for (var i = 0; i < series.Count; i++) total += series[i].Points.Count;
        _points = new Point[total];
        var at = 0;
        for (var i = 0; i < series.Count; i++)
        {
            var (info, points) = series[i];
            _series[i] = info;
            if (points is List<Point> list)
            {
                list.CopyTo(_points, at);
                at += list.Count;
            }
            else
            {
                foreach (var p in points) _points[at++] = p;
            }
            _ends[i] = at;
        }
    }

    /// <summary>The tenant the batch was written to.</summary>
    public string Tenant { get; }

    /// <summary>Points in the batch.</summary>
    public int Points => _points.Length;

    /// <summary>Series in the batch.</summary>
    public int Count => _series.Length;

    /// <summary>The <paramref name="index"/>th series of the batch.</summary>
    public SeriesInfo SeriesAt(int index) => _series[index];

    /// <summary>The points stored for the <paramref name="index"/>th series, in the order they were written.</summary>
    public ReadOnlySpan<Point> PointsOf(int index) => _points.AsSpan(Start(index), _ends[index] - Start(index));

    /// <summary>The batch as a list of series and their points; each element is built when read (its points a view of the batch's).</summary>
    public IReadOnlyList<AppendedSeries> Series => new SeriesView(this);

    private int Start(int index) => index == 0 ? 0 : _ends[index - 1];

    private sealed class SeriesView(IngestBatch batch) : IReadOnlyList<AppendedSeries>
    {
        public int Count => batch._series.Length;

        public AppendedSeries this[int index]
        {
            get
            {
                var start = batch.Start(index);
                return new AppendedSeries(batch._series[index], new ArraySegment<Point>(batch._points, start, batch._ends[index] - start));
            }
        }

        public IEnumerator<AppendedSeries> GetEnumerator()
        {
            for (var i = 0; i < Count; i++) yield return this[i];
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
