using Foresight.Series;

namespace Foresight.Forecasting;

/// <summary>
/// A series on a regular grid: <c>Values[i]</c> is the value at <c>Start + i·Step</c>. Models
/// need equally spaced, gap-free input; <see cref="From"/> builds it from stored points.
/// </summary>
/// <param name="Start">Timestamp of the first value (Unix ms).</param>
/// <param name="Step">Spacing in milliseconds.</param>
/// <param name="Values">The values, no NaN.</param>
public sealed record RegularSeries(long Start, long Step, double[] Values)
{
    /// <summary>Steps a forecasting resolution may take, smallest first.</summary>
    public static readonly long[] StandardSteps = [60_000, 300_000, 900_000, 3_600_000, 86_400_000];

    /// <summary>Timestamp of value <paramref name="i"/> (also valid past the end, for forecasts).</summary>
    public long TimeAt(int i) => Start + i * Step;

    /// <summary>The median spacing of sorted points (0 with fewer than two points).</summary>
    public static long MedianSpacing(IReadOnlyList<Point> points)
    {
        if (points.Count < 2) return 0;
        var deltas = new long[points.Count - 1];
        for (var i = 1; i < points.Count; i++) deltas[i - 1] = points[i].Timestamp - points[i - 1].Timestamp;
        Array.Sort(deltas);
        return deltas[deltas.Length / 2];
    }

    /// <summary>
    /// The resolution to forecast at: the data's own spacing when two weeks of it (or the whole
    /// history, if shorter) fit in <paramref name="maxPoints"/> steps, so the grid holds many daily
    /// cycles at the data's own resolution; otherwise the smallest standard step (1 min, 5 min, 15 min,
    /// 1 h, 1 d) for which they do. A weekly cycle is kept only from three weeks on the grid
    /// (<see cref="SeasonalityDetector.Detect"/>): at steps of 5 minutes or less the grid's
    /// <see cref="MaxPoints"/> steps span about two weeks, so forecasts at those steps model the day, not the week.
    /// </summary>
    public static long ChooseStep(IReadOnlyList<Point> points, int maxPoints = MaxPoints)
    {
        var spacing = Math.Max(1, MedianSpacing(points));
        if (points.Count < 2) return spacing;
        var span = Math.Min(points[^1].Timestamp - points[0].Timestamp, 14 * 86_400_000L);
        if (span / spacing <= maxPoints) return spacing;
        foreach (var step in StandardSteps) if (step >= spacing && span / step <= maxPoints) return step;
        return Math.Max(spacing, span / maxPoints);
    }

    /// <summary>Most grid points a forecast is fitted on; older history is left out.</summary>
    public const int MaxPoints = 4100;

    /// <summary>
    /// Most steps a grid from <see cref="From"/> should span: it is built whole before any trimming, so commands
    /// refuse a longer span (9.5 years of 1-minute steps; almost always a stray timestamp) instead of exhausting memory.
    /// </summary>
    public const int MaxSpan = 5_000_000;

    /// <summary>The last <paramref name="count"/> values (all when fewer).</summary>
    public RegularSeries TakeLast(int count) =>
        Values.Length <= count ? this : new RegularSeries(TimeAt(Values.Length - count), Step, Values[^count..]);

    /// <summary>
    /// Averages sorted points into buckets of <paramref name="step"/> aligned to multiples of the
    /// step, skips NaN and infinities, and fills empty buckets by linear interpolation between
    /// their neighbours (a leading or trailing gap takes the nearest value). Null when no finite point exists.
    /// </summary>
    public static RegularSeries? From(IReadOnlyList<Point> points, long step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(step, 0);
        long first = long.MaxValue, last = long.MinValue;
        foreach (var p in points)
        {
            if (!double.IsFinite(p.Value)) continue;
            first = Math.Min(first, p.Timestamp);
            last = Math.Max(last, p.Timestamp);
        }
        if (first == long.MaxValue) return null;
        var start = Floor(first, step);
        var count = (int)((Floor(last, step) - start) / step) + 1;
        var sums = new double[count];
        var counts = new int[count];
        foreach (var p in points)
        {
            if (!double.IsFinite(p.Value)) continue;
            var i = (int)((Floor(p.Timestamp, step) - start) / step);
            sums[i] += p.Value;
            counts[i]++;
        }
        var values = new double[count];
        var previous = -1;
        for (var i = 0; i < count; i++)
        {
            if (counts[i] == 0) continue;
            values[i] = sums[i] / counts[i];
            if (previous >= 0 && i - previous > 1)
            {
                for (var j = previous + 1; j < i; j++) values[j] = values[previous] + (values[i] - values[previous]) * (j - previous) / (i - previous);
            }
            previous = i;
        }
        return new RegularSeries(start, step, values);
    }

    private static long Floor(long t, long step) => t - ((t % step) + step) % step;
}
