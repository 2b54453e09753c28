namespace Foresight.Forecasting;

/// <summary>
/// The M4 competition's accuracy measures (Makridakis, Spiliotis &amp; Assimakopoulos, IJF 2020).
/// </summary>
public static class ForecastAccuracy
{
    /// <summary>sMAPE in percent: (1/h)·Σ 200·|y−ŷ| / (|y|+|ŷ|).</summary>
    public static double SMape(ReadOnlySpan<double> actual, ReadOnlySpan<double> forecast)
    {
        var sum = 0.0;
        for (var i = 0; i < actual.Length; i++)
        {
            var denominator = Math.Abs(actual[i]) + Math.Abs(forecast[i]);
            if (denominator > 0) sum += 200 * Math.Abs(actual[i] - forecast[i]) / denominator;
        }
        return sum / actual.Length;
    }

    /// <summary>
    /// MASE: the forecast's mean absolute error divided by the in-sample mean absolute error of
    /// the seasonal naive forecast of lag m, (1/(n−m))·Σ_{t&gt;m} |x_t − x_{t−m}| (m = 1 when the
    /// history is too short for lag m).
    /// </summary>
    public static double Mase(ReadOnlySpan<double> train, ReadOnlySpan<double> actual, ReadOnlySpan<double> forecast, int m)
    {
        if (m < 1 || train.Length <= m) m = 1;
        var scale = 0.0;
        for (var t = m; t < train.Length; t++) scale += Math.Abs(train[t] - train[t - m]);
        scale /= train.Length - m;
        var mae = 0.0;
        for (var i = 0; i < actual.Length; i++) mae += Math.Abs(actual[i] - forecast[i]);
        mae /= actual.Length;
        return scale > 0 ? mae / scale : mae == 0 ? 0 : double.PositiveInfinity;
    }

    /// <summary>OWA: the mean of sMAPE and MASE relative to Naive2's, ½·(sMAPE/sMAPE_N2 + MASE/MASE_N2).</summary>
    public static double Owa(double smape, double mase, double naive2Smape, double naive2Mase) =>
        0.5 * (smape / naive2Smape + mase / naive2Mase);

    /// <summary>Share of actual values inside [lower, upper].</summary>
    public static double Coverage(ReadOnlySpan<double> actual, ReadOnlySpan<double> lower, ReadOnlySpan<double> upper)
    {
        var inside = 0;
        for (var i = 0; i < actual.Length; i++) if (actual[i] >= lower[i] && actual[i] <= upper[i]) inside++;
        return (double)inside / actual.Length;
    }
}
