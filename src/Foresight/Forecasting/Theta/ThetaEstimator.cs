using System.Buffers;
using Foresight.Numerics;

namespace Foresight.Forecasting;

/// <summary>Estimated theta parameters: smoothing α, c = 1 − 1/θ, initial level ℓ₀, and the SSE they reach.</summary>
internal readonly record struct ThetaEstimate(double Alpha, double C, double Level0, double Sse);

/// <summary>
/// Least-squares estimation of the theta recursions (<see cref="ThetaRecursion"/>).
/// </summary>
/// <remarks>
/// The one-step error is linear in the initial level and in c = 1 − 1/θ:
/// e_i = r_i − (1−α)^i·δ − c·D_i, where r_i is the error of the recursion started at ℓ₀ = y₀ with
/// c = 0, δ = ℓ₀ − y₀ and D_i the bracketed trend term of μ_i, neither depending on ℓ₀ or c. For a given α the
/// SSE is therefore a convex quadratic in (δ, c) whose minimum over the box c ∈ [cMin, cMax] has a closed
/// form (variable projection, Golub &amp; Pereyra 1973). Only α is left to a numerical search: a 12-point
/// grid, then a bounded Nelder–Mead from the best grid point. The criterion is the one statsforecast's
/// Nelder–Mead over (ℓ₀, α, θ) minimises, searched in one dimension instead of three.
/// </remarks>
internal static class ThetaEstimator
{
    /// <summary>α bounds of the Fiorucci models as statsforecast sets them.</summary>
    public const double AlphaMin = 0.1, AlphaMax = 0.99;

    /// <summary>α bounds of forecast::ets for the SES inside thetaf.</summary>
    public const double SesAlphaMin = 1e-4, SesAlphaMax = 0.9999;

    /// <summary>c = 1 − 1/θ for θ ∈ [1, 1e10], statsforecast's θ bounds.</summary>
    public const double CMin = 0, CMax = 1 - 1e-10;

    /// <summary>Leading one-step errors left out of the criterion, as statsforecast does (e[3:]).</summary>
    public const int SkippedErrors = 3;

    private const int GridPoints = 12;

    /// <summary>
    /// Estimates α (within [alphaMin, alphaMax]), c (within [cMin, cMax]) and ℓ₀ minimising the SSE of
    /// the one-step errors from index <paramref name="start"/> on. <paramref name="a"/> and <paramref name="b"/>
    /// are the fixed trend line of the non-dynamic recursions.
    /// </summary>
    public static ThetaEstimate Estimate(double[] y, ThetaRecursionKind kind, double a, double b,
        double alphaMin, double alphaMax, double cMin, double cMax, int start)
    {
        var n = y.Length;
        var rented = ArrayPool<double>.Shared.Rent(2 * n);
        try
        {
            // The trend line never depends on α or c: lay it out once for every evaluation.
            var trendA = rented.AsSpan(0, n);
            var trendB = rented.AsSpan(n, n);
            TrendLine(y, kind, a, b, trendA, trendB);
            var sesDrift = kind == ThetaRecursionKind.SesDrift;
            var objective = new AlphaObjective { Y = y, Trend = rented, SesDrift = sesDrift, CMin = cMin, CMax = cMax, Start = start };
            var spacing = (alphaMax - alphaMin) / (GridPoints - 1);
            var bestAlpha = alphaMin;
            var bestSse = double.MaxValue;
            for (var k = 0; k < GridPoints; k++)
            {
                var alpha = alphaMin + k * spacing;
                var sse = Concentrated(y, trendA, trendB, sesDrift, alpha, cMin, cMax, start, out _, out _);
                if (sse < bestSse)
                {
                    bestSse = sse;
                    bestAlpha = alpha;
                }
            }
            Span<double> x = [bestAlpha];
            ReadOnlySpan<double> lower = [alphaMin];
            ReadOnlySpan<double> upper = [alphaMax];
            ReadOnlySpan<double> step = [spacing / 2];
            NelderMead.Minimize(ref objective, x, lower, upper, step, maxEvaluations: 200, tolerance: 1e-12, pointTolerance: 1e-7, restart: false);
            var finalSse = Concentrated(y, trendA, trendB, sesDrift, x[0], cMin, cMax, start, out var level0, out var c);
            if (bestSse < finalSse)
            {
                x[0] = bestAlpha;
                finalSse = Concentrated(y, trendA, trendB, sesDrift, x[0], cMin, cMax, start, out level0, out c);
            }
            return new ThetaEstimate(x[0], c, level0, finalSse);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// The trend line each one-step prediction uses: element i holds A_{i−1} and B_{i−1}, the line before
    /// observation i (for the non-dynamic recursions the fixed <paramref name="a"/>, <paramref name="b"/>).
    /// Taken from <see cref="ThetaRecursion"/> itself so estimation and fitting cannot disagree.
    /// </summary>
    public static void TrendLine(ReadOnlySpan<double> y, ThetaRecursionKind kind, double a, double b, Span<double> trendA, Span<double> trendB)
    {
        var s = ThetaRecursion.Start(kind, 0.5, 0, 0, a, b);
        for (var i = 0; i < y.Length; i++)
        {
            trendA[i] = s.A;
            trendB[i] = s.B;
            s.Update(y[i]);
        }
    }

    /// <summary>
    /// For a fixed α, the SSE minimised over ℓ₀ (free) and c (within [cMin, cMax]), in one pass over the
    /// data; +∞ when the sums overflow. <paramref name="trendA"/> and <paramref name="trendB"/> come from
    /// <see cref="TrendLine"/>.
    /// </summary>
    public static double Concentrated(ReadOnlySpan<double> y, ReadOnlySpan<double> trendA, ReadOnlySpan<double> trendB, bool sesDrift,
        double alpha, double cMin, double cMax, int start, out double level0, out double c)
    {
        var baseline = y[0];
        var q = 1 - alpha;
        var inverseAlpha = 1 / alpha;
        trendA = trendA[..y.Length];
        trendB = trendB[..y.Length];
        // Level of the recursion started at ℓ₀ = y₀ (before observation i), and w = (1−α)^i.
        var level = baseline;
        var w = 1.0;
        double sww = 0, swd = 0, sdd = 0, swr = 0, sdr = 0, srr = 0;
        for (var i = 0; i < y.Length; i++)
        {
            if (i >= start)
            {
                var d = sesDrift
                    ? trendB[i] * (1 - w) * inverseAlpha
                    : trendA[i] * w + trendB[i] * (1 - q * w) * inverseAlpha;
                var r = y[i] - level;
                sww += w * w;
                swd += w * d;
                sdd += d * d;
                swr += w * r;
                sdr += d * r;
                srr += r * r;
            }
            level = alpha * y[i] + q * level;
            w *= q;
        }

        double delta;
        if (sww > 0)
        {
            // Minimise over c the SSE with δ already optimal for that c, then clamp c into its box.
            var curvature = sdd - swd * swd / sww;
            c = curvature > 1e-10 * sdd ? (sdr - swr * swd / sww) / curvature : 0.5 * (cMin + cMax);
            c = Math.Clamp(c, cMin, cMax);
            delta = (swr - c * swd) / sww;
        }
        else
        {
            c = sdd > 0 ? Math.Clamp(sdr / sdd, cMin, cMax) : cMin;
            delta = 0;
        }
        level0 = baseline + delta;
        var sse = srr - 2 * delta * swr - 2 * c * sdr + delta * delta * sww + 2 * delta * c * swd + c * c * sdd;
        if (double.IsNaN(sse)) return double.PositiveInfinity;
        return Math.Max(sse, 0);
    }

    /// <summary>Intercept A (at t = 0) and slope B of the least-squares line through (t, y_t), t = 1..n.</summary>
    public static (double A, double B) LinearTrend(ReadOnlySpan<double> y)
    {
        var n = y.Length;
        double sumY = 0, sumTy = 0;
        for (var i = 0; i < n; i++)
        {
            sumY += y[i];
            sumTy += (i + 1) * y[i];
        }
        var meanY = sumY / n;
        var b = n > 1 ? 6 * (2 * sumTy / n - (n + 1) * meanY) / ((double)n * n - 1) : 0;
        return (meanY - (n + 1) * b / 2, b);
    }

    /// <summary>
    /// The concentrated SSE as a function of α. An overflowed SSE is reported as <see cref="double.MaxValue"/>,
    /// a poor but admissible point, rather than +∞ (inadmissible, which the simplex would contract through).
    /// </summary>
    private struct AlphaObjective : IObjectiveFunction
    {
        public double[] Y;
        public double[] Trend;
        public bool SesDrift;
        public double CMin, CMax;
        public int Start;

        public readonly double Evaluate(scoped ReadOnlySpan<double> x)
        {
            var sse = Concentrated(Y, Trend.AsSpan(0, Y.Length), Trend.AsSpan(Y.Length, Y.Length), SesDrift, x[0], CMin, CMax, Start, out _, out _);
            return double.IsFinite(sse) ? sse : double.MaxValue;
        }
    }
}
