using Foresight.Forecasting;
using Foresight.Numerics;

namespace Foresight.Classification;

/// <summary>Statistics behind <see cref="WorkloadFeatures"/>, on NaN-free spans unless stated.</summary>
internal static class FeatureMath
{
    /// <summary>Means of consecutive groups of <paramref name="size"/> samples, ignoring NaN; gaps (all-NaN groups) are carried forward.</summary>
    public static double[] BucketMeans(ReadOnlySpan<double> x, int size)
    {
        var result = new double[(x.Length + size - 1) / size];
        for (var b = 0; b < result.Length; b++)
        {
            var sum = 0.0;
            var count = 0;
            for (var i = b * size; i < Math.Min(x.Length, (b + 1) * size); i++)
            {
                if (!double.IsFinite(x[i])) continue;
                sum += Math.Max(0, x[i]);
                count++;
            }
            result[b] = count > 0 ? sum / count : double.NaN;
        }
        var last = double.NaN;
        foreach (var v in result)
        {
            if (double.IsFinite(v))
            {
                last = v;
                break;
            }
        }
        for (var b = 0; b < result.Length; b++)
        {
            if (double.IsFinite(result[b])) last = result[b];
            else result[b] = last;
        }
        return result;
    }

    public static double Mean(ReadOnlySpan<double> x)
    {
        var s = 0.0;
        foreach (var v in x) s += v;
        return x.IsEmpty ? double.NaN : s / x.Length;
    }

    /// <summary>Coefficient of variation (population standard deviation over mean); NaN for a zero mean.</summary>
    public static double CoefficientOfVariation(ReadOnlySpan<double> x)
    {
        var mean = Mean(x);
        if (!(mean > 0)) return double.NaN;
        var ss = 0.0;
        foreach (var v in x) ss += (v - mean) * (v - mean);
        return Math.Sqrt(ss / x.Length) / mean;
    }

    /// <summary>The q-quantile with linear interpolation, on a sorted copy.</summary>
    public static double Quantile(ReadOnlySpan<double> x, double q) => RobustStats.Quantile(Sorted(x), q);

    /// <summary>An ascending copy.</summary>
    public static double[] Sorted(ReadOnlySpan<double> x)
    {
        var sorted = x.ToArray();
        Array.Sort(sorted);
        return sorted;
    }

    /// <summary>Pearson correlation; NaN when either side is constant.</summary>
    public static double Correlation(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        var mx = Mean(x);
        var my = Mean(y);
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx > 0 && syy > 0 ? sxy / Math.Sqrt(sxx * syy) : double.NaN;
    }

    /// <summary>Least-squares slope of y on x; NaN when x is constant.</summary>
    public static double Slope(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        var mx = Mean(x);
        var my = Mean(y);
        double sxy = 0, sxx = 0;
        for (var i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        return sxx > 0 ? sxy / sxx : double.NaN;
    }

    /// <summary>
    /// Seasonal strength of Wang, Smith &amp; Hyndman (2006) as <c>tsfeatures</c> defines it,
    /// max(0, 1 − Var(R)/Var(S + R)), on an additive classical decomposition with period
    /// <paramref name="m"/> (trend: 2×m centred moving average). 0 for no seasonality, near 1 when the
    /// profile explains almost all of the detrended variation; NaN for fewer than two seasons.
    /// </summary>
    public static double SeasonalStrength(ReadOnlySpan<double> x, int m)
    {
        Span<double> figure = stackalloc double[m];
        if (!ClassicalDecomposition.AdditiveIndices(x, m, figure)) return double.NaN;
        double varDetrended = 0, varRemainder = 0, meanD = 0, meanR = 0;
        var count = 0;
        for (var t = m / 2; t < x.Length - m / 2; t++)
        {
            var d = x[t] - ClassicalDecomposition.CentredMovingAverage(x, t, m);
            meanD += d;
            meanR += d - figure[t % m];
            count++;
        }
        meanD /= count;
        meanR /= count;
        for (var t = m / 2; t < x.Length - m / 2; t++)
        {
            var d = x[t] - ClassicalDecomposition.CentredMovingAverage(x, t, m);
            varDetrended += (d - meanD) * (d - meanD);
            varRemainder += (d - figure[t % m] - meanR) * (d - figure[t % m] - meanR);
        }
        return varDetrended > 0 ? Math.Max(0, 1 - varRemainder / varDetrended) : 0;
    }

    /// <summary>Share of samples more than 1.5× their centred moving average over <paramref name="window"/> samples and above 5% of the peak: time spent in short bursts.</summary>
    public static double BurstShare(ReadOnlySpan<double> x, int window, double peak)
    {
        var prefix = new double[x.Length + 1];
        for (var i = 0; i < x.Length; i++) prefix[i + 1] = prefix[i] + x[i];
        var bursts = 0;
        for (var i = 0; i < x.Length; i++)
        {
            var lo = Math.Max(0, i - window / 2);
            var hi = Math.Min(x.Length, i + window / 2 + 1);
            var local = (prefix[hi] - prefix[lo]) / (hi - lo);
            if (x[i] > 1.5 * local && x[i] - local > 0.05 * peak) bursts++;
        }
        return (double)bursts / x.Length;
    }

    /// <summary>
    /// On-periods of <paramref name="x"/> with hysteresis: on when it rises above 60% of the peak,
    /// off when it falls below 30%. Returns the number of on-periods and their mean length in samples
    /// (a run still open at either end counts).
    /// </summary>
    public static (int Runs, double MeanLength) OnRuns(ReadOnlySpan<double> x, double peak)
    {
        var on = x.Length > 0 && x[0] >= 0.3 * peak;
        var runs = on ? 1 : 0;
        var onSamples = 0;
        foreach (var v in x)
        {
            if (!on && v > 0.6 * peak)
            {
                on = true;
                runs++;
            }
            else if (on && v < 0.3 * peak) on = false;
            if (on) onSamples++;
        }
        return (runs, runs > 0 ? (double)onSamples / runs : 0);
    }
}
