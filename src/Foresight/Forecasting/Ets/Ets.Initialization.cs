namespace Foresight.Forecasting;

public static partial class Ets
{
    /// <summary>
    /// Heuristic initial states of Hyndman, Koehler, Snyder &amp; Grose (IJF 2002, §2.6), as R's
    /// <c>forecast:::initstate</c> computes them: for a seasonal model, a classical decomposition of
    /// the first three seasons (two at least) gives the seasonal states; the level and trend are the
    /// intercept and slope of a straight line fitted to the first max(10, 2m) seasonally adjusted
    /// points (their mean when there is no trend).
    /// </summary>
    /// <returns>False when the seasonal states cannot be computed (fewer than two seasons, or a
    /// multiplicative decomposition of data whose trend touches zero).</returns>
    internal static bool TryInitialStates(ReadOnlySpan<double> y, EtsSpec spec, int m, Span<double> s0,
        out double l0, out double b0)
    {
        l0 = 0;
        b0 = 0;
        var n = y.Length;
        if (n == 0) return false;
        var k = n;
        if (spec.HasSeason)
        {
            if (m < 2 || n < 2 * m) return false;
            k = Math.Min(n, 3 * m);
            var head = y[..k];
            if (spec.Season == EtsSeason.Multiplicative)
            {
                var indices = ClassicalDecomposition.MultiplicativeIndices(head, m);
                if (indices is null) return false;
                for (var i = 0; i < m; i++) s0[i] = Math.Max(indices[i], 1e-2);
            }
            else
            {
                ClassicalDecomposition.AdditiveIndices(head, m, s0);
            }
        }

        var count = Math.Min(Math.Max(10, 2 * m), k);
        if (!spec.HasSeason) count = Math.Min(10, n);
        // Least squares of the adjusted values on t = 1..count: intercept = state at t = 0.
        double sumT = 0, sumY = 0, sumTT = 0, sumTY = 0;
        for (var t = 0; t < count; t++)
        {
            var v = spec.Season switch
            {
                EtsSeason.None => y[t],
                EtsSeason.Additive => y[t] - s0[t % m],
                _ => y[t] / s0[t % m],
            };
            double x = t + 1;
            sumT += x;
            sumY += v;
            sumTT += x * x;
            sumTY += x * v;
        }
        var mean = sumY / count;
        if (!spec.HasTrend || count < 2)
        {
            l0 = mean;
            return double.IsFinite(l0);
        }
        var denominator = count * sumTT - sumT * sumT;
        b0 = (count * sumTY - sumT * sumY) / denominator;
        l0 = (sumY - b0 * sumT) / count;
        // Under multiplicative error the first forecast l0 + b0 must not be zero.
        if (Math.Abs(l0 + b0) < 1e-8)
        {
            l0 *= 1 + 1e-3;
            b0 *= 1 + 1e-3;
        }
        return double.IsFinite(l0) && double.IsFinite(b0);
    }
}
