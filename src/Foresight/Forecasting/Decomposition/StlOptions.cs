namespace Foresight.Forecasting;

/// <summary>
/// Settings of <see cref="Stl"/>. Every window is a loess span in observations; a window left null
/// takes the default of R's <c>stl</c> (Cleveland et al. 1990, section 3 and the netlib Fortran),
/// computed from the period. Windows are rounded up to the next odd number and to at least 3, as the
/// Fortran does.
/// </summary>
/// <remarks>
/// Defaults (R <c>stl</c>): seasonal window n_s = 7 (statsmodels' default; R makes you choose, and
/// R's "periodic" is approximated by a window far larger than the series, e.g. 10·n + 1), seasonal
/// degree 0; trend window n_t = nextodd(⌈1.5·period / (1 − 1.5/n_s)⌉), trend degree 1; low-pass window
/// n_l = nextodd(period), low-pass degree = trend degree; jumps ⌈window/10⌉; 2 inner and 0 outer
/// iterations, or 1 inner and 15 outer when <see cref="Robust"/>. Degree 0 for the cycle-subseries
/// follows R (statsmodels uses 1); with the short subseries of long periods a local constant is the
/// steadier choice, and it is what R's <c>mstl</c> uses.
/// </remarks>
public sealed class StlOptions
{
    /// <summary>Loess span n_s of the cycle-subseries smoothing (odd, ≥ 3; default 7). Larger is a more stable seasonal pattern.</summary>
    public int SeasonalWindow { get; init; } = 7;

    /// <summary>Local degree of the cycle-subseries loess: 0 (default, as R) or 1.</summary>
    public int SeasonalDegree { get; init; }

    /// <summary>Loess span n_t of the trend; null for nextodd(⌈1.5·period / (1 − 1.5/n_s)⌉).</summary>
    public int? TrendWindow { get; init; }

    /// <summary>Local degree of the trend loess: 1 (default) or 0.</summary>
    public int TrendDegree { get; init; } = 1;

    /// <summary>Loess span n_l of the low-pass filter; null for nextodd(period).</summary>
    public int? LowPassWindow { get; init; }

    /// <summary>Local degree of the low-pass loess; null for the trend degree (as R).</summary>
    public int? LowPassDegree { get; init; }

    /// <summary>Evaluate the seasonal loess every this many points and interpolate; null for ⌈n_s/10⌉. 1 is exact loess.</summary>
    public int? SeasonalJump { get; init; }

    /// <summary>Trend loess jump; null for ⌈n_t/10⌉.</summary>
    public int? TrendJump { get; init; }

    /// <summary>Low-pass loess jump; null for ⌈n_l/10⌉.</summary>
    public int? LowPassJump { get; init; }

    /// <summary>
    /// Robust fitting: an outer loop reweights each point by the bisquare of its remainder over six
    /// times the median absolute remainder, so outliers stop pulling the trend and the seasonal.
    /// </summary>
    public bool Robust { get; init; }

    /// <summary>Passes of the inner loop; null for 2, or 1 when robust.</summary>
    public int? InnerIterations { get; init; }

    /// <summary>Passes of the outer (robustness) loop; null for 0, or 15 when robust.</summary>
    public int? OuterIterations { get; init; }

    /// <summary>R's defaults with seasonal window 7.</summary>
    public static StlOptions Default { get; } = new();

    internal StlParameters Resolve(int period)
    {
        if (period < 2) throw new ArgumentOutOfRangeException(nameof(period), period, "STL needs a period of at least 2.");
        CheckDegree(SeasonalDegree, nameof(SeasonalDegree));
        CheckDegree(TrendDegree, nameof(TrendDegree));
        if (LowPassDegree is { } ld) CheckDegree(ld, nameof(LowPassDegree));
        var ns = NextOdd(SeasonalWindow);
        var nt = NextOdd(TrendWindow ?? (int)Math.Ceiling(1.5 * period / (1 - 1.5 / ns)));
        var nl = NextOdd(LowPassWindow ?? period);
        return new StlParameters(
            period, ns, SeasonalDegree, nt, TrendDegree, nl, LowPassDegree ?? TrendDegree,
            Jump(SeasonalJump, ns), Jump(TrendJump, nt), Jump(LowPassJump, nl),
            NonNegative(InnerIterations, Robust ? 1 : 2, nameof(InnerIterations), 1),
            NonNegative(OuterIterations, Robust ? 15 : 0, nameof(OuterIterations), 0));
    }

    private static int NextOdd(int window)
    {
        var w = Math.Max(3, window);
        return w % 2 == 0 ? w + 1 : w;
    }

    private static int Jump(int? jump, int window)
    {
        if (jump is { } j && j < 1) throw new ArgumentOutOfRangeException(nameof(jump), j, "Loess jumps must be at least 1.");
        return jump ?? (window + 9) / 10;
    }

    private static int NonNegative(int? value, int fallback, string name, int minimum)
    {
        var v = value ?? fallback;
        if (v < minimum) throw new ArgumentOutOfRangeException(name, v, $"Must be at least {minimum}.");
        return v;
    }

    private static void CheckDegree(int degree, string name)
    {
        if (degree is not (0 or 1)) throw new ArgumentOutOfRangeException(name, degree, "Loess degree must be 0 or 1.");
    }
}

/// <summary>STL settings with every default filled in for one period.</summary>
internal readonly record struct StlParameters(
    int Period,
    int SeasonalWindow, int SeasonalDegree,
    int TrendWindow, int TrendDegree,
    int LowPassWindow, int LowPassDegree,
    int SeasonalJump, int TrendJump, int LowPassJump,
    int Inner, int Outer);
