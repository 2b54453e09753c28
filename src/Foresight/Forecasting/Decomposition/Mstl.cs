namespace Foresight.Forecasting;

/// <summary>
/// MSTL, Multiple Seasonal-Trend decomposition using Loess (K. Bandara, R. J. Hyndman &amp;
/// C. Bergmeir, "MSTL: A Seasonal-Trend Decomposition Algorithm for Time Series with Multiple
/// Seasonal Patterns", 2021, arXiv:2107.13462; R <c>forecast::mstl</c>):
/// y = trend + Σ seasonal_i + remainder, one seasonal component per period.
/// </summary>
/// <remarks>
/// <para>The periods are sorted ascending, and a period is dropped unless the series holds more than
/// two full cycles of it (n &gt; 2·period, R's test). The seasonal components start at zero; each
/// iteration takes the periods in turn, adds that period's current seasonal back to the
/// deseasonalized series, re-extracts it with <see cref="Stl"/> and subtracts it again, so each
/// component is estimated on the data minus all the others. The trend is the last STL's trend and
/// the remainder what is left. With a single period one iteration suffices (a second would repeat
/// the same STL) and is all that is run.</para>
/// <para>Defaults follow R: 2 iterations, seasonal window 7 + 4·i for the i-th period (11, 15,
/// 19, …), the other STL settings R's <c>stl</c> defaults (see <see cref="StlOptions"/>). R's
/// optional Box-Cox transform is left out: transform the data before decomposing if needed. When no
/// period survives, R smooths the trend with Friedman's super smoother; here the trend is a local
/// linear loess with span 0.75·n (R <c>loess</c>'s default span) and there are no seasonals.</para>
/// </remarks>
public static class Mstl
{
    /// <summary>Decomposes <paramref name="y"/> (no NaN, at least one value) with the seasonal <paramref name="periods"/>.</summary>
    /// <param name="y">Observations, oldest first.</param>
    /// <param name="periods">Seasonal periods in steps, any order; periods below 2 and duplicates are ignored.</param>
    /// <param name="options">Iterations, seasonal windows and robustness; null for R's defaults.</param>
    public static MstlResult Decompose(ReadOnlySpan<double> y, IReadOnlyList<int> periods, MstlOptions? options = null)
    {
        options ??= MstlOptions.Default;
        if (options.Iterations < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Iterations, "MSTL needs at least one iteration.");
        if (y.IsEmpty) throw new ArgumentException("MSTL needs at least one observation.", nameof(y));
        var n = y.Length;
        var usable = UsablePeriods(n, periods);
        var trend = new double[n];
        var remainder = new double[n];
        if (usable.Length == 0)
        {
            var span = Math.Max(3, (int)Math.Ceiling(0.75 * n));
            Loess.Smooth(y, span, 1, 1, default, trend);
            for (var i = 0; i < n; i++) remainder[i] = y[i] - trend[i];
            return new MstlResult(trend, [], remainder, []);
        }

        var parameters = new StlParameters[usable.Length];
        for (var i = 0; i < usable.Length; i++)
        {
            var window = options.SeasonalWindows is { Count: > 0 } windows ? windows[Math.Min(i, windows.Count - 1)] : 7 + 4 * (i + 1);
            parameters[i] = new StlOptions { SeasonalWindow = window, Robust = options.Robust }.Resolve(usable[i]);
        }
        var seasonals = new double[usable.Length][];
        for (var i = 0; i < usable.Length; i++) seasonals[i] = new double[n];
        var iterations = usable.Length == 1 ? 1 : options.Iterations;

        // The remainder array holds the deseasonalized series until the end.
        var deseasonalized = remainder;
        y.CopyTo(deseasonalized);
        using var workspace = new StlWorkspace(n, usable[^1]);
        var weights = workspace.Weights(n);
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            for (var i = 0; i < usable.Length; i++)
            {
                var seasonal = seasonals[i];
                for (var t = 0; t < n; t++) deseasonalized[t] += seasonal[t];
                Stl.Run(deseasonalized, parameters[i], workspace, seasonal, trend, weights);
                for (var t = 0; t < n; t++) deseasonalized[t] -= seasonal[t];
            }
        }
        for (var t = 0; t < n; t++) remainder[t] = deseasonalized[t] - trend[t];
        return new MstlResult(trend, seasonals, remainder, usable);
    }

    /// <summary>The periods MSTL keeps for a series of length <paramref name="n"/>: ≥ 2, distinct, n &gt; 2·period, ascending.</summary>
    public static int[] UsablePeriods(int n, IReadOnlyList<int> periods)
    {
        var kept = new List<int>(periods.Count);
        foreach (var p in periods)
        {
            if (p >= 2 && n > 2 * p && !kept.Contains(p)) kept.Add(p);
        }
        kept.Sort();
        return [.. kept];
    }
}

/// <summary>Settings of <see cref="Mstl"/>; the defaults are R <c>forecast::mstl</c>'s.</summary>
public sealed class MstlOptions
{
    /// <summary>Passes over all seasonal components (≥ 1; default 2, as R and the MSTL paper).</summary>
    public int Iterations { get; init; } = 2;

    /// <summary>
    /// STL seasonal window per usable period, shortest period first (the last entry repeats for
    /// further periods); null for 7 + 4·i, i = 1, 2, …, i.e. 11, 15, 19, … as R's <c>s.window = 7 + 4 * seq(6)</c>.
    /// </summary>
    public IReadOnlyList<int>? SeasonalWindows { get; init; }

    /// <summary>
    /// Robust STL for every component (bisquare outer loop; about 8 times slower). Default false, as R.
    /// Robustness needs several cycles per period: with about five (168 on 960 hourly points) the first,
    /// unweighted pass spreads an outlier over its whole cycle-subseries, every point of it is then
    /// down-weighted to zero, and STL's rule for an all-zero window (keep the data point) lets the
    /// outlier into the seasonal.
    /// </summary>
    public bool Robust { get; init; }

    /// <summary>R's defaults.</summary>
    public static MstlOptions Default { get; } = new();
}

/// <summary>
/// An MSTL decomposition: y = <see cref="Trend"/> + Σ <see cref="Seasonals"/> + <see cref="Remainder"/>,
/// one seasonal component per entry of <see cref="Periods"/> (ascending; empty when no period fits).
/// </summary>
/// <param name="Trend">Trend-cycle component (from the final STL).</param>
/// <param name="Seasonals">Seasonal components, one per period, each of the series' length.</param>
/// <param name="Remainder">y − trend − Σ seasonals.</param>
/// <param name="Periods">The periods decomposed, ascending.</param>
public sealed record MstlResult(double[] Trend, double[][] Seasonals, double[] Remainder, int[] Periods)
{
    /// <summary>The seasonally adjusted series, trend + remainder (= y − Σ seasonals); a new array on every call.</summary>
    public double[] SeasonallyAdjusted
    {
        get
        {
            var adjusted = new double[Trend.Length];
            for (var i = 0; i < adjusted.Length; i++) adjusted[i] = Trend[i] + Remainder[i];
            return adjusted;
        }
    }
}
