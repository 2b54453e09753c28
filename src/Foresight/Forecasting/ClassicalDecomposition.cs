namespace Foresight.Forecasting;

/// <summary>
/// Classical multiplicative decomposition and the seasonality test used by the M4 competition's
/// benchmarks (Makridakis, Spiliotis &amp; Assimakopoulos, IJF 2020; the organisers' R code):
/// a 2×m centred moving average gives the trend, the per-position mean of x/trend the seasonal
/// indices (normalised to mean 1), exactly as R's <c>decompose(type = "multiplicative")</c>.
/// </summary>
public static class ClassicalDecomposition
{
    /// <summary>
    /// The M4 seasonality test: seasonal when the lag-m autocorrelation exceeds its 90% one-sided
    /// limit, |r_m| &gt; 1.645·√((1 + 2·Σ_{k&lt;m} r_k²)/n); never for fewer than 3 seasons of data.
    /// </summary>
    public static bool IsSeasonal(ReadOnlySpan<double> x, int m)
    {
        var n = x.Length;
        if (m <= 1 || n < 3 * m) return false;
        var acf = Autocorrelation(x, m);
        var sum = 1.0;
        for (var k = 1; k < m; k++) sum += 2 * acf[k] * acf[k];
        var limit = 1.645 / Math.Sqrt(n) * Math.Sqrt(sum);
        return Math.Abs(acf[m]) > limit;
    }

    /// <summary>Sample autocorrelations r_0..r_maxLag as R's <c>acf</c> computes them (biased, divided by n·variance).</summary>
    public static double[] Autocorrelation(ReadOnlySpan<double> x, int maxLag)
    {
        var n = x.Length;
        var mean = 0.0;
        foreach (var v in x) mean += v;
        mean /= n;
        var denominator = 0.0;
        foreach (var v in x) denominator += (v - mean) * (v - mean);
        var acf = new double[maxLag + 1];
        acf[0] = 1;
        if (denominator == 0) return acf;
        for (var k = 1; k <= maxLag && k < n; k++)
        {
            var s = 0.0;
            for (var t = 0; t + k < n; t++) s += (x[t] - mean) * (x[t + k] - mean);
            acf[k] = s / denominator;
        }
        return acf;
    }

    /// <summary>
    /// Multiplicative seasonal indices, one per cycle position (position of index t is t mod m),
    /// normalised to mean 1. Needs at least two full seasons; returns null otherwise or when the
    /// trend touches zero (multiplicative indices are then undefined).
    /// </summary>
    public static double[]? MultiplicativeIndices(ReadOnlySpan<double> x, int m)
    {
        var n = x.Length;
        if (m <= 1 || n < 2 * m) return null;
        var sums = new double[m];
        var counts = new int[m];
        for (var t = m / 2; t < n - m / 2; t++)
        {
            var trend = CentredMovingAverage(x, t, m);
            if (trend == 0) return null;
            sums[t % m] += x[t] / trend;
            counts[t % m]++;
        }
        var figure = new double[m];
        var total = 0.0;
        for (var p = 0; p < m; p++)
        {
            figure[p] = sums[p] / counts[p];
            total += figure[p];
        }
        var mean = total / m;
        for (var p = 0; p < m; p++) figure[p] /= mean;
        return figure;
    }

    /// <summary>
    /// Additive seasonal components as R's <c>decompose(type = "additive")</c> computes them: the
    /// per-position mean of x − (2×m centred moving average), centred to sum zero. Writes m values
    /// to <paramref name="figure"/>; false for fewer than two seasons.
    /// </summary>
    public static bool AdditiveIndices(ReadOnlySpan<double> x, int m, Span<double> figure)
    {
        var n = x.Length;
        if (m <= 1 || n < 2 * m || figure.Length < m) return false;
        Span<int> counts = m <= 256 ? stackalloc int[m] : new int[m];
        counts.Clear();
        figure[..m].Clear();
        for (var t = m / 2; t < n - m / 2; t++)
        {
            figure[t % m] += x[t] - CentredMovingAverage(x, t, m);
            counts[t % m]++;
        }
        var total = 0.0;
        for (var p = 0; p < m; p++)
        {
            figure[p] = counts[p] > 0 ? figure[p] / counts[p] : 0;
            total += figure[p];
        }
        var mean = total / m;
        for (var p = 0; p < m; p++) figure[p] -= mean;
        return true;
    }

    /// <summary>The centred moving average of order m at t (2×m for even m, as R's <c>decompose</c>); needs m/2 values each side.</summary>
    internal static double CentredMovingAverage(ReadOnlySpan<double> x, int t, int m)
    {
        var half = m / 2;
        double s;
        if (m % 2 == 0)
        {
            s = 0.5 * (x[t - half] + x[t + half]);
            for (var j = t - half + 1; j < t + half; j++) s += x[j];
        }
        else
        {
            s = 0;
            for (var j = t - half; j <= t + half; j++) s += x[j];
        }
        return s / m;
    }
}
