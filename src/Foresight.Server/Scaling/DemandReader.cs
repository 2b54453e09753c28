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
    public static async ValueTask<double> InstantAsync(ITimeSeriesStore store, string tenant, IReadOnlyList<SeriesInfo> series, long now,
        CancellationToken cancellationToken)
    {
        var (sum, count) = await CurrentAsync(store, tenant, series, now, cancellationToken);
        return count > 0 ? sum : double.NaN;
    }

    /// <summary>Sum of the series' current values (latest finite point within the lookback) and how many have one.</summary>
    private static async ValueTask<(double Sum, int Count)> CurrentAsync(ITimeSeriesStore store, string tenant, IReadOnlyList<SeriesInfo> series, long now,
        CancellationToken cancellationToken)
    {
        double sum = 0;
        var count = 0;
        foreach (var (_, points) in await store.ReadManyAsync(tenant, Ids(series), now - (long)Lookback.TotalMilliseconds + 1, now + 1, cancellationToken))
        {
            for (var i = points.Count - 1; i >= 0; i--)
            {
                if (!double.IsFinite(points[i].Value)) continue;
                sum += points[i].Value;
                count++;
                break;
            }
        }
        return (sum, count);
    }

    /// <summary>Every series' points in [<paramref name="from"/>, <paramref name="to"/>), series without any left out.</summary>
    public static async ValueTask<List<List<Point>>> ReadAllAsync(ITimeSeriesStore store, string tenant, IReadOnlyList<SeriesInfo> series, long from, long to,
        CancellationToken cancellationToken)
    {
        var read = await store.ReadManyAsync(tenant, Ids(series), from, to, cancellationToken);
        return [.. read.Where(s => s.Points.Count > 0).Select(s => s.Points)];
    }

    private static long[] Ids(IReadOnlyList<SeriesInfo> series) => [.. series.Select(s => s.Id)];

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
    public static async ValueTask<ReplicaUsage?> UsageAsync(ITimeSeriesStore store, string tenant, IReadOnlyList<SeriesInfo> request, IReadOnlyList<SeriesInfo> usage,
        long now, CancellationToken cancellationToken)
    {
        if (request.Count == 0 || usage.Count == 0) return null;
        var (total, current) = await CurrentAsync(store, tenant, request, now, cancellationToken);
        var values = new List<double>();
        foreach (var (_, points) in await store.ReadManyAsync(tenant, Ids(usage), now - (long)UsageWindow.TotalMilliseconds, now + 1, cancellationToken))
        {
            foreach (var p in points) if (double.IsFinite(p.Value)) values.Add(p.Value);
        }
        if (current == 0 || values.Count == 0) return null;
        values.Sort();
        var p95 = values[Math.Clamp((int)Math.Ceiling(0.95 * values.Count) - 1, 0, values.Count - 1)];
        return new ReplicaUsage(total / current, p95);
    }
}
