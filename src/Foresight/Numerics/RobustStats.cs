namespace Foresight.Numerics;

/// <summary>Order statistics of a small sample, sorted in place in caller-owned scratch (no allocation).</summary>
internal static class RobustStats
{
    /// <summary>The q-quantile (linear interpolation between order statistics) of an ascending span.</summary>
    public static double Quantile(ReadOnlySpan<double> sorted, double q)
    {
        if (sorted.IsEmpty) return double.NaN;
        var h = q * (sorted.Length - 1);
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /// <summary>
    /// Median, MAD (unscaled), first and third quartiles of <paramref name="sample"/>; sorts it and
    /// uses <paramref name="scratch"/> (at least as long) for the absolute deviations.
    /// </summary>
    public static (double Median, double Mad, double Q1, double Q3) Describe(Span<double> sample, Span<double> scratch)
    {
        sample.Sort();
        var median = Quantile(sample, 0.5);
        var dev = scratch[..sample.Length];
        for (var i = 0; i < sample.Length; i++) dev[i] = Math.Abs(sample[i] - median);
        dev.Sort();
        return (median, Quantile(dev, 0.5), Quantile(sample, 0.25), Quantile(sample, 0.75));
    }
}
