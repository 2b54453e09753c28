namespace Foresight.Forecasting;

/// <summary>Shared machinery of the theta models: validation, fallbacks, seasonal adjustment, fitting and selection.</summary>
internal static class ThetaFitter
{
    /// <summary>Shorter series get the naive fallback.</summary>
    public const int MinimumLength = 5;

    public static ThetaFit Fit(ReadOnlySpan<double> history, IReadOnlyList<int> seasons, ReadOnlySpan<ThetaVariant> candidates,
        bool autoSeasonality)
    {
        if (history.IsEmpty) throw new ArgumentException("The history must hold at least one value.", nameof(history));
        ArgumentNullException.ThrowIfNull(seasons);
        var n = history.Length;
        if (n < MinimumLength || IsConstant(history) || !AllFinite(history)) return Naive(history);

        var m = seasons.Count > 0 ? seasons[0] : 1;
        var seasonality = autoSeasonality ? ThetaSeasonality.ChooseAuto(history, m) : ThetaSeasonality.ChooseM4(history, m);
        var y = new double[n];
        for (var i = 0; i < n; i++) y[i] = seasonality.Remove(history[i], i);
        if (!AllFinite(y))
        {
            seasonality = ThetaSeasonality.NoneSeasonality;
            history.CopyTo(y);
        }

        var (a, b) = ThetaEstimator.LinearTrend(y);
        var best = ThetaVariant.Naive;
        var bestMse = double.PositiveInfinity;
        var bestState = default(ThetaRecursion);
        foreach (var variant in candidates)
        {
            var start = Start(variant, y, a, b);
            var state = start;
            var mse = state.Run(y, default, ThetaEstimator.SkippedErrors) / (n - ThetaEstimator.SkippedErrors);
            if (mse < bestMse)
            {
                bestMse = mse;
                best = variant;
                bestState = start;
            }
        }
        if (best == ThetaVariant.Naive) return Naive(history);

        var initialLevel = bestState.Level;
        var fitted = new double[n];
        bestState.Run(y, fitted, 0);
        var sse = 0.0;
        for (var i = 0; i < n; i++)
        {
            fitted[i] = seasonality.Restore(fitted[i], i);
            if (i < ThetaEstimator.SkippedErrors) continue;
            var e = history[i] - fitted[i];
            sse += e * e;
        }
        return new ThetaFit(best, bestState, seasonality, initialLevel, fitted, bestMse,
            sse / (n - ThetaEstimator.SkippedErrors), history[^1]);
    }

    public static ModelForecast Forecast(ThetaFit fit, int horizon) => new(fit.Forecast(horizon), fit.Description);

    /// <summary>Estimates one variant and returns its recursion at the initial state.</summary>
    private static ThetaRecursion Start(ThetaVariant variant, double[] y, double a, double b)
    {
        switch (variant)
        {
            case ThetaVariant.Standard:
            {
                // thetaf: SES fitted by SSE over every one-step error, then drift b/2.
                var ses = ThetaEstimator.Estimate(y, ThetaRecursionKind.SesDrift, 0, b,
                    ThetaEstimator.SesAlphaMin, ThetaEstimator.SesAlphaMax, 0, 0, start: 0);
                return ThetaRecursion.Start(ThetaRecursionKind.SesDrift, ses.Alpha, 0.5, ses.Level0, 0, b);
            }
            case ThetaVariant.Optimized:
                return FromEstimate(ThetaEstimator.Estimate(y, ThetaRecursionKind.Standard, a, b, ThetaEstimator.AlphaMin,
                    ThetaEstimator.AlphaMax, ThetaEstimator.CMin, ThetaEstimator.CMax, ThetaEstimator.SkippedErrors), ThetaRecursionKind.Standard, a, b);
            case ThetaVariant.DynamicStandard:
                return FromEstimate(ThetaEstimator.Estimate(y, ThetaRecursionKind.Dynamic, 0, 0, ThetaEstimator.AlphaMin,
                    ThetaEstimator.AlphaMax, 0.5, 0.5, ThetaEstimator.SkippedErrors), ThetaRecursionKind.Dynamic, 0, 0);
            case ThetaVariant.DynamicOptimized:
                return FromEstimate(ThetaEstimator.Estimate(y, ThetaRecursionKind.Dynamic, 0, 0, ThetaEstimator.AlphaMin,
                    ThetaEstimator.AlphaMax, ThetaEstimator.CMin, ThetaEstimator.CMax, ThetaEstimator.SkippedErrors), ThetaRecursionKind.Dynamic, 0, 0);
            default:
                throw new ArgumentOutOfRangeException(nameof(variant), variant, "Not a fittable theta variant.");
        }
    }

    private static ThetaRecursion FromEstimate(ThetaEstimate e, ThetaRecursionKind kind, double a, double b) =>
        ThetaRecursion.Start(kind, e.Alpha, e.C, e.Level0, a, b);

    private static ThetaFit Naive(ReadOnlySpan<double> history)
    {
        var last = 0.0;
        for (var i = history.Length - 1; i >= 0; i--)
        {
            if (double.IsFinite(history[i]))
            {
                last = history[i];
                break;
            }
        }
        var n = history.Length;
        var fitted = new double[n];
        var sse = 0.0;
        var count = 0;
        for (var i = 0; i < n; i++)
        {
            fitted[i] = history[Math.Max(i - 1, 0)];
            if (i < ThetaEstimator.SkippedErrors) continue;
            var e = history[i] - fitted[i];
            sse += e * e;
            count++;
        }
        var mse = count > 0 ? sse / count : 0;
        return new ThetaFit(ThetaVariant.Naive, default, ThetaSeasonality.NoneSeasonality, double.NaN, fitted, mse, mse, last);
    }

    private static bool IsConstant(ReadOnlySpan<double> x)
    {
        foreach (var v in x)
        {
            if (v != x[0]) return false;
        }
        return true;
    }

    private static bool AllFinite(ReadOnlySpan<double> x)
    {
        foreach (var v in x)
        {
            if (!double.IsFinite(v)) return false;
        }
        return true;
    }
}
