namespace Foresight.Forecasting;

/// <summary>
/// Prediction quantiles from out-of-sample errors (split conformal prediction for time series:
/// Vovk, Gammerman &amp; Shafer, "Algorithmic Learning in a Random World", 2005; Stankeviciute,
/// Alaa &amp; van der Schaar, NeurIPS 2021). The rolling-origin folds give signed errors
/// e = y − ŷ for every horizon step; the τ-quantile forecast at step h is ŷ_h plus the empirical
/// τ-quantile of the errors of steps near h (a window, since errors grow smoothly with h), with the
/// finite-sample level ⌈(n+1)τ⌉/n.
/// </summary>
public static class ConformalIntervals
{
    /// <summary>
    /// Quantile forecasts: result[q][h] for each requested level in <paramref name="quantiles"/> (0..1).
    /// <paramref name="errors"/> holds one row per fold with one signed error per horizon step;
    /// with no folds the quantiles equal the point forecast.
    /// </summary>
    public static double[][] Quantiles(ReadOnlySpan<double> mean, IReadOnlyList<double[]> errors, IReadOnlyList<double> quantiles, int window = 4)
    {
        var horizon = mean.Length;
        var result = new double[quantiles.Count][];
        for (var q = 0; q < quantiles.Count; q++) result[q] = new double[horizon];
        var pool = new List<double>();
        for (var h = 0; h < horizon; h++)
        {
            pool.Clear();
            foreach (var fold in errors)
            {
                var lo = Math.Max(0, h - window);
                var hi = Math.Min(Math.Min(fold.Length, horizon) - 1, h + window);
                for (var j = lo; j <= hi; j++) if (double.IsFinite(fold[j])) pool.Add(fold[j]);
            }
            pool.Sort();
            for (var q = 0; q < quantiles.Count; q++)
            {
                result[q][h] = mean[h] + (pool.Count == 0 ? 0 : EmpiricalQuantile(pool, quantiles[q]));
            }
        }
        // Quantiles of different levels must not cross, and must widen away from the median.
        for (var h = 0; h < horizon; h++)
        {
            var order = Enumerable.Range(0, quantiles.Count).OrderBy(i => quantiles[i]).ToArray();
            for (var k = 1; k < order.Length; k++)
            {
                if (result[order[k]][h] < result[order[k - 1]][h]) result[order[k]][h] = result[order[k - 1]][h];
            }
        }
        return result;
    }

    /// <summary>The conformal τ-quantile of sorted values: order statistic ⌈(n+1)τ⌉ (clamped), mirrored for τ &lt; ½.</summary>
    public static double EmpiricalQuantile(IReadOnlyList<double> sorted, double tau)
    {
        var n = sorted.Count;
        if (tau >= 0.5)
        {
            var k = (int)Math.Ceiling((n + 1) * tau);
            return sorted[Math.Clamp(k, 1, n) - 1];
        }
        var lowK = (int)Math.Floor((n + 1) * tau);
        return sorted[Math.Clamp(lowK, 1, n) - 1];
    }
}
