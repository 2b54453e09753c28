using Foresight.Forecasting;
using Foresight.Scaling;
using Foresight.Series;

namespace Foresight.Server.Scaling;

/// <summary>
/// Reads a workload's demand from the store: the instant value (PromQL's <c>sum(selector)</c> at a
/// time: each series' latest point within <see cref="Lookback"/>, summed), the demand on a grid
/// (per step, the sum over series of each series' mean in the step) and the per-replica usage.
/// </summary>
internal static class DemandReader
{
    /// <summary>How old a series' latest point may be and still count as its current value (Prometheus' default lookback).</summary>
    public static readonly TimeSpan Lookback = TimeSpan.FromMinutes(5);

    /// <summary>The window of usage points whose 95th percentile is the usage of the request-size hint.</summary>
    public static readonly TimeSpan UsageWindow = TimeSpan.FromHours(1);

    /// <summary>Sum over <paramref name="series"/> of each one's latest finite point in (now - lookback, now]; NaN when none has one.</summary>
    public static double Instant(ITimeSeriesStore store, string tenant, IReadOnlyList<SeriesInfo> series, long now) =>
        Current(store, tenant, series, now, out var count) is var sum && count > 0 ? sum : double.NaN;

    /// <summary>Sum of the series' current values (latest finite point within the lookback) and how many have one.</summary>
    private static double Current(ITimeSeriesStore store, string tenant, IReadOnlyList<SeriesInfo> series, long now, out int count)
    {
        var points = new List<Point>();
        double sum = 0;
        count = 0;
        foreach (var s in series)
        {
            points.Clear();
            store.Read(tenant, s.Id, now - (long)Lookback.TotalMilliseconds + 1, now + 1, points);
            for (var i = points.Count - 1; i >= 0; i--)
            {
                if (!double.IsFinite(points[i].Value)) continue;
                sum += points[i].Value;
                count++;
                break;
            }
        }
        return sum;
    }

    /// <summary>Every series' points in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public static List<List<Point>> ReadAll(ITimeSeriesStore store, string tenant, IReadOnlyList<SeriesInfo> series, long from, long to)
    {
        var result = new List<List<Point>>(series.Count);
        foreach (var s in series)
        {
            var points = new List<Point>();
            store.Read(tenant, s.Id, from, to, points);
            if (points.Count > 0) result.Add(points);
        }
        return result;
    }

    /// <summary>
    /// The demand per grid step in [<paramref name="from"/>, <paramref name="to"/>) (both multiples of
    /// <paramref name="step"/>): the sum over series of each one's mean over its finite points in the
    /// step. Steps no series has a point in are left out (the forecaster interpolates them).
    /// </summary>
    public static List<(long Start, double Value)> Grid(IEnumerable<List<Point>> perSeries, long from, long to, long step)
    {
        var count = (int)Math.Max(0, (to - from) / step);
        var totals = new double[count];
        var seen = new bool[count];
        foreach (var points in perSeries)
        {
            var bucket = -1;
            double sum = 0;
            var n = 0;
            foreach (var p in points)
            {
                if (p.Timestamp < from || p.Timestamp >= to || !double.IsFinite(p.Value)) continue;
                var b = (int)((p.Timestamp - from) / step);
                if (b != bucket)
                {
                    Flush();
                    bucket = b;
                }
                sum += p.Value;
                n++;
            }
            Flush();

            void Flush()
            {
                if (n > 0)
                {
                    totals[bucket] += sum / n;
                    seen[bucket] = true;
                }
                sum = 0;
                n = 0;
            }
        }
        var result = new List<(long, double)>();
        for (var i = 0; i < count; i++)
        {
            if (seen[i]) result.Add((from + i * step, totals[i]));
        }
        return result;
    }

    /// <summary>
    /// The grid step for a demand series: <see cref="RegularSeries.ChooseStep"/> on the longest series
    /// with the forecaster's history cap (the data's spacing when the history fits, else 1 min, 5 min, ...),
    /// never below <see cref="MinStep"/>.
    /// </summary>
    public static long ChooseStep(IReadOnlyList<List<Point>> perSeries, int maxHistory)
    {
        var longest = perSeries.MaxBy(p => p.Count);
        if (longest is null || longest.Count < 2) return MinStep;
        return Math.Max(MinStep, RegularSeries.ChooseStep(longest, maxHistory));
    }

    /// <summary>Smallest grid step: finer steps model scrape noise rather than demand.</summary>
    public const long MinStep = 60_000;

    /// <summary>
    /// Per-replica request and usage for the request-size hint: the mean of the request series'
    /// current values and the 95th percentile of all usage points in the last <see cref="UsageWindow"/>.
    /// Null when either is unknown.
    /// </summary>
    public static ReplicaUsage? Usage(ITimeSeriesStore store, string tenant, IReadOnlyList<SeriesInfo> request, IReadOnlyList<SeriesInfo> usage, long now)
    {
        if (request.Count == 0 || usage.Count == 0) return null;
        var total = Current(store, tenant, request, now, out var current);
        var points = new List<Point>();
        var values = new List<double>();
        foreach (var s in usage)
        {
            points.Clear();
            store.Read(tenant, s.Id, now - (long)UsageWindow.TotalMilliseconds, now + 1, points);
            foreach (var p in points) if (double.IsFinite(p.Value)) values.Add(p.Value);
        }
        if (current == 0 || values.Count == 0) return null;
        values.Sort();
        var p95 = values[Math.Clamp((int)Math.Ceiling(0.95 * values.Count) - 1, 0, values.Count - 1)];
        return new ReplicaUsage(total / current, p95);
    }
}
