namespace Foresight.Query;

/// <summary>How the points inside one step are reduced to one value.</summary>
public enum Aggregation
{
    /// <summary>Arithmetic mean.</summary>
    Avg,
    /// <summary>Smallest value.</summary>
    Min,
    /// <summary>Largest value.</summary>
    Max,
    /// <summary>Sum of values.</summary>
    Sum,
    /// <summary>Number of points.</summary>
    Count,
    /// <summary>Median (nearest-rank on sorted values, linear interpolation between ranks).</summary>
    P50,
    /// <summary>95th percentile.</summary>
    P95,
    /// <summary>99th percentile.</summary>
    P99,
}

/// <summary>
/// Reduces a sorted run of points to one value per step. Step buckets are aligned to
/// <c>from</c>: bucket k covers [from + k·step, from + (k+1)·step) and is reported at its start.
/// Empty buckets are omitted. Percentiles interpolate linearly between order statistics
/// (definition 7 of Hyndman &amp; Fan, 1996, the one NumPy and R use by default).
/// </summary>
public static class Downsampler
{
    /// <summary>Parses <c>avg|min|max|sum|count|p50|p95|p99</c> (case-insensitive).</summary>
    public static bool TryParse(string? text, out Aggregation aggregation)
    {
        aggregation = Aggregation.Avg;
        if (string.IsNullOrEmpty(text)) return true;
        return Enum.TryParse(text, ignoreCase: true, out aggregation) && Enum.IsDefined(aggregation)
            && !int.TryParse(text, out _);
    }

    /// <summary>Aggregates <paramref name="points"/> (sorted by timestamp) into step buckets.</summary>
    public static List<Series.Point> Downsample(IReadOnlyList<Series.Point> points, long from, long step, Aggregation aggregation)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(step, 0);
        var result = new List<Series.Point>();
        var scratch = new List<double>();
        var i = 0;
        while (i < points.Count)
        {
            var bucket = Math.DivRem(points[i].Timestamp - from, step, out var rem);
            if (rem < 0) bucket--;
            var start = from + bucket * step;
            var end = start + step;
            scratch.Clear();
            while (i < points.Count && points[i].Timestamp < end)
            {
                scratch.Add(points[i].Value);
                i++;
            }
            result.Add(new Series.Point(start, Reduce(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(scratch), aggregation)));
        }
        return result;
    }

    /// <summary>Reduces a non-empty span of values; NaN values are ignored (NaN when all are NaN).</summary>
    public static double Reduce(Span<double> values, Aggregation aggregation)
    {
        if (aggregation == Aggregation.Count) return values.Length;
        var n = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (!double.IsNaN(values[i])) values[n++] = values[i];
        }
        if (n == 0) return double.NaN;
        values = values[..n];
        switch (aggregation)
        {
            case Aggregation.Min:
            {
                var m = values[0];
                foreach (var v in values) if (v < m) m = v;
                return m;
            }
            case Aggregation.Max:
            {
                var m = values[0];
                foreach (var v in values) if (v > m) m = v;
                return m;
            }
            case Aggregation.Sum:
            case Aggregation.Avg:
            {
                var s = 0.0;
                foreach (var v in values) s += v;
                return aggregation == Aggregation.Sum ? s : s / n;
            }
            default:
            {
                var q = aggregation switch { Aggregation.P50 => 0.5, Aggregation.P95 => 0.95, _ => 0.99 };
                values.Sort();
                var h = (n - 1) * q;
                var lo = (int)Math.Floor(h);
                var hi = Math.Min(lo + 1, n - 1);
                return values[lo] + (h - lo) * (values[hi] - values[lo]);
            }
        }
    }
}
