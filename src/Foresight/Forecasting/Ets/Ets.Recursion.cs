namespace Foresight.Forecasting;

public static partial class Ets
{
    /// <summary>
    /// Runs the state-space recursions of one ETS model over <paramref name="y"/> and returns the
    /// likelihood criterion L* = n·log(Σε²/n) + 2·Σlog|ŷ(t)| (the second sum only for multiplicative
    /// error), i.e. −2·log-likelihood up to the constant n·(log 2π + 1) (Hyndman et al. 2008, §5.2).
    /// Returns +∞ when the states leave the region where the model is defined (a non-positive
    /// forecast under multiplicative error or season) or the result is not finite.
    /// </summary>
    /// <remarks>
    /// The updates are written in the form of R's <c>forecast</c> package (<c>etscalc</c>), which holds
    /// for both error types because, given y(t), additive and multiplicative errors move the states
    /// identically: with q = l + φb and p = y deseasonalised, l' = q + α(p − q), b' = φb + β(p − q),
    /// s' = s + γ(y ⊖ q − s). The seasonal states sit in a circular buffer indexed by t mod m, so a step
    /// costs O(1) whatever the period. Nothing is allocated.
    /// </remarks>
    /// <param name="y">Observations.</param>
    /// <param name="spec">Model.</param>
    /// <param name="m">Seasonal period (ignored without a season).</param>
    /// <param name="p">Smoothing parameters.</param>
    /// <param name="l0">Initial level.</param>
    /// <param name="b0">Initial trend (ignored without a trend).</param>
    /// <param name="s0">Initial seasonal states by position t mod m (empty without a season).</param>
    /// <param name="season">Scratch of length m (empty without a season); holds the final seasonal states on return.</param>
    /// <param name="fitted">Empty, or length n to receive the one-step fitted values.</param>
    /// <param name="level">Final level.</param>
    /// <param name="trend">Final trend.</param>
    /// <param name="sse">Σε² (relative errors under multiplicative error).</param>
    internal static double Run(ReadOnlySpan<double> y, EtsSpec spec, int m, in EtsParameters p,
        double l0, double b0, ReadOnlySpan<double> s0, Span<double> season, Span<double> fitted,
        out double level, out double trend, out double sse)
    {
        if (spec.Season == EtsSeason.None)
        {
            return RunNonSeasonal(y, spec, p, l0, b0, fitted, out level, out trend, out sse);
        }
        var n = y.Length;
        var l = l0;
        var b = spec.HasTrend ? b0 : 0.0;
        var phi = spec.Trend == EtsTrend.Damped ? p.Phi : 1.0;
        var alpha = p.Alpha;
        var beta = p.Beta;
        var gamma = p.Gamma;
        var multiplicativeError = spec.Error == EtsError.Multiplicative;
        var seasonType = spec.Season;
        var storeFitted = fitted.Length == n;
        if (seasonType != EtsSeason.None) s0.CopyTo(season);

        var sum = 0.0;
        var logSum = 0.0;
        var product = 1.0;
        var j = 0;
        level = l;
        trend = b;
        sse = double.NaN;
        for (var t = 0; t < n; t++)
        {
            var phib = phi * b;
            var q = l + phib;
            var yt = y[t];
            double f, deseasonalised, s = 0;
            switch (seasonType)
            {
                case EtsSeason.None:
                    f = q;
                    deseasonalised = yt;
                    break;
                case EtsSeason.Additive:
                    s = season[j];
                    f = q + s;
                    deseasonalised = yt - s;
                    break;
                default:
                    s = season[j];
                    if (!(q > 0) || !(s > 0)) return double.PositiveInfinity;
                    f = q * s;
                    deseasonalised = yt / s;
                    break;
            }
            if (storeFitted) fitted[t] = f;

            double e;
            if (multiplicativeError)
            {
                if (!(f > 0)) return double.PositiveInfinity;
                e = (yt - f) / f;
                // log|ŷ| summed through a running product: one log per many steps instead of one per step.
                product *= f;
                if (product > 1e200 || product < 1e-200)
                {
                    logSum += Math.Log(product);
                    product = 1.0;
                }
            }
            else
            {
                e = yt - f;
            }
            sum += e * e;

            var correction = deseasonalised - q;
            l = q + alpha * correction;
            b = phib + beta * correction;
            switch (seasonType)
            {
                case EtsSeason.Additive:
                    season[j] = s + gamma * (yt - q - s);
                    break;
                case EtsSeason.Multiplicative:
                    season[j] = s + gamma * (yt / q - s);
                    break;
            }
            if (++j == m) j = 0;
        }
        if (multiplicativeError) logSum += Math.Log(product);
        level = l;
        trend = b;
        sse = sum;
        var criterion = n * Math.Log(Math.Max(sum / n, 1e-300)) + 2 * logSum;
        return double.IsFinite(criterion) ? criterion : double.PositiveInfinity;
    }

    /// <summary>
    /// The non-seasonal models (the MSTL path, run many times): the same recursions with the
    /// dependency chain from one level to the next shortened to fused multiply-adds.
    /// </summary>
    private static double RunNonSeasonal(ReadOnlySpan<double> y, EtsSpec spec, in EtsParameters p,
        double l0, double b0, Span<double> fitted, out double level, out double trend, out double sse)
    {
        var n = y.Length;
        var l = l0;
        var b = spec.HasTrend ? b0 : 0.0;
        var phi = spec.Trend == EtsTrend.Damped ? p.Phi : 1.0;
        var alpha = p.Alpha;
        var beta = spec.HasTrend ? p.Beta : 0.0;
        var multiplicativeError = spec.Error == EtsError.Multiplicative;
        var storeFitted = fitted.Length == n;
        var sum = 0.0;
        var logSum = 0.0;
        var product = 1.0;
        level = l;
        trend = b;
        sse = double.NaN;
        for (var t = 0; t < n; t++)
        {
            var phib = phi * b;
            var f = l + phib;
            var yt = y[t];
            if (storeFitted) fitted[t] = f;
            var correction = yt - f;
            if (multiplicativeError)
            {
                if (!(f > 0)) return double.PositiveInfinity;
                var e = correction / f;
                sum = Math.FusedMultiplyAdd(e, e, sum);
                product *= f;
                if (product > 1e200 || product < 1e-200)
                {
                    logSum += Math.Log(product);
                    product = 1.0;
                }
            }
            else
            {
                sum = Math.FusedMultiplyAdd(correction, correction, sum);
            }
            l = Math.FusedMultiplyAdd(alpha, correction, f);
            b = Math.FusedMultiplyAdd(beta, correction, phib);
        }
        if (multiplicativeError) logSum += Math.Log(product);
        level = l;
        trend = b;
        sse = sum;
        var criterion = n * Math.Log(Math.Max(sum / n, 1e-300)) + 2 * logSum;
        return double.IsFinite(criterion) ? criterion : double.PositiveInfinity;
    }

    /// <summary>Point forecasts from final states: (l + φ_h·b) ⊕ s, with φ_h = h (undamped) or φ + … + φ^h.</summary>
    internal static void ForecastFromStates(EtsSpec spec, int m, int n, double phi, double level, double trend,
        ReadOnlySpan<double> season, Span<double> destination)
    {
        var damping = 0.0;
        var power = 1.0;
        for (var h = 1; h <= destination.Length; h++)
        {
            double q;
            switch (spec.Trend)
            {
                case EtsTrend.None:
                    q = level;
                    break;
                case EtsTrend.Additive:
                    q = level + h * trend;
                    break;
                default:
                    power *= phi;
                    damping += power;
                    q = level + damping * trend;
                    break;
            }
            destination[h - 1] = spec.Season switch
            {
                EtsSeason.None => q,
                EtsSeason.Additive => q + season[(n + h - 1) % m],
                _ => q * season[(n + h - 1) % m],
            };
        }
    }
}
