namespace Foresight.Forecasting;

/// <summary>
/// Loess on an equally spaced grid (positions 0..n−1), exactly as the STL Fortran code of
/// Cleveland et al. (1990) computes it (<c>stless</c>/<c>stlest</c> in netlib's <c>stl.f</c>, which
/// R's <c>stl</c> calls): a window of <c>span</c> neighbours around each point, tricube weights
/// (1 − (d/h)³)³ with h the distance to the farther window edge (widened by (span − n)/2 when the
/// span exceeds the series), optional robustness weights, and a local constant (degree 0) or local
/// linear (degree 1) weighted least-squares fit. With <c>jump</c> &gt; 1 the fit is evaluated only
/// every <c>jump</c> points (and at the last point) and linearly interpolated between them.
/// </summary>
internal static class Loess
{
    /// <summary>
    /// Smooths <paramref name="y"/> into <paramref name="output"/> (same length).
    /// </summary>
    /// <param name="y">Values at positions 0..n−1.</param>
    /// <param name="span">Neighbours in each local fit (≥ 1; larger than n is allowed and widens the bandwidth).</param>
    /// <param name="degree">0 for a local constant, 1 for a local line.</param>
    /// <param name="jump">Evaluate every <c>jump</c> points and interpolate (≥ 1).</param>
    /// <param name="robustnessWeights">Empty for none, otherwise one weight per point.</param>
    /// <param name="output">Receives n smoothed values.</param>
    public static void Smooth(ReadOnlySpan<double> y, int span, int degree, int jump, ReadOnlySpan<double> robustnessWeights, Span<double> output)
    {
        var n = y.Length;
        if (n < 2)
        {
            if (n == 1) output[0] = y[0];
            return;
        }
        var step = Math.Max(1, Math.Min(jump, n - 1));
        int left, right;
        if (span >= n)
        {
            left = 0;
            right = n - 1;
            for (var i = 0; i < n; i += step) output[i] = EstimateOr(y, span, degree, i, left, right, robustnessWeights);
        }
        else if (step == 1)
        {
            var half = (span + 1) / 2;
            left = 0;
            right = span - 1;
            for (var i = 0; i < n; i++)
            {
                if (i >= half && right != n - 1)
                {
                    left++;
                    right++;
                }
                output[i] = EstimateOr(y, span, degree, i, left, right, robustnessWeights);
            }
            return;
        }
        else
        {
            var half = (span + 1) / 2;
            left = 0;
            right = span - 1;
            for (var i = 0; i < n; i += step)
            {
                if (i + 1 < half)
                {
                    left = 0;
                    right = span - 1;
                }
                else if (i + 1 >= n - half + 1)
                {
                    left = n - span;
                    right = n - 1;
                }
                else
                {
                    left = i + 1 - half;
                    right = i + span - half;
                }
                output[i] = EstimateOr(y, span, degree, i, left, right, robustnessWeights);
            }
        }
        if (step == 1) return;

        for (var i = 0; i < n - step; i += step)
        {
            var start = output[i];
            var delta = (output[i + step] - start) / step;
            for (var j = 1; j < step; j++) output[i + j] = start + delta * j;
        }
        var last = (n - 1) / step * step;
        if (last != n - 1)
        {
            // The last evaluated window is reused for the end point, as stl.f does.
            output[n - 1] = EstimateOr(y, span, degree, n - 1, left, right, robustnessWeights);
            if (last != n - 2)
            {
                var start = output[last];
                var delta = (output[n - 1] - start) / (n - 1 - last);
                for (var j = last + 1; j < n - 1; j++) output[j] = start + delta * (j - last);
            }
        }
    }

    private static double EstimateOr(ReadOnlySpan<double> y, int span, int degree, int i, int left, int right, ReadOnlySpan<double> robustnessWeights) =>
        TryEstimate(y, span, degree, i, left, right, robustnessWeights, out var value) ? value : y[i];

    /// <summary>
    /// The loess fit at position <paramref name="x"/> (may lie outside 0..n−1, for extrapolation)
    /// from the points <paramref name="left"/>..<paramref name="right"/> inclusive. False when every
    /// weight is zero (all neighbours down-weighted to nothing), as <c>stlest</c>'s <c>ok</c> flag.
    /// </summary>
    public static bool TryEstimate(ReadOnlySpan<double> y, int span, int degree, double x, int left, int right, ReadOnlySpan<double> robustnessWeights, out double value)
    {
        var n = y.Length;
        var h = Math.Max(x - left, right - x);
        if (span > n) h += (span - n) / 2;
        var h9 = 0.999 * h;
        var h1 = 0.001 * h;
        var invH = h > 0 ? 1 / h : 0;
        // Sums are taken in offsets d = j − x so the local line needs no large squares.
        double s0 = 0, s1 = 0, s2 = 0, t0 = 0, t1 = 0;
        var robust = !robustnessWeights.IsEmpty;
        for (var j = left; j <= right; j++)
        {
            var d = j - x;
            var r = Math.Abs(d);
            if (r > h9) continue;
            double w;
            if (r <= h1)
            {
                w = 1;
            }
            else
            {
                var q = r * invH;
                var u = 1 - q * q * q;
                w = u * u * u;
            }
            if (robust) w *= robustnessWeights[j];
            var wy = w * y[j];
            s0 += w;
            s1 += w * d;
            s2 += w * d * d;
            t0 += wy;
            t1 += wy * d;
        }
        if (s0 <= 0)
        {
            value = 0;
            return false;
        }
        var mean = t0 / s0;
        if (h > 0 && degree > 0)
        {
            var dBar = s1 / s0;
            var c = s2 / s0 - dBar * dBar;
            if (Math.Sqrt(c) > 0.001 * (n - 1))
            {
                var slope = (t1 / s0 - dBar * mean) / c;
                value = mean - dBar * slope;
                return true;
            }
        }
        value = mean;
        return true;
    }
}
