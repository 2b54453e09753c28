using Foresight.Numerics;
namespace Foresight.Capacity;

/// <summary>
/// Distribution of a response time R = W + S where the wait W is 0 with probability 1 − C and
/// exponential with rate θ otherwise, and the service S is gamma with shape k and rate β (exponential
/// when k = 1). Closed forms, no quadrature:
/// P(R ≤ t) = (1 − C)·G(t) + C·(G(t) − I(t)), I(t) = e^{−θt}∫₀ᵗ g(s)e^{θs} ds, where
/// I(t) = (β/(β−θ))^k e^{−θt} P(k, (β−θ)t) when β &gt; θ and, when θ ≥ β (δ = θ − β),
/// I(t) = (βt)^k e^{−βt}/Γ(k) · Σₙ Poisson(n; δt)/(n + k), a sum of positive terms.
/// </summary>
internal static class ResponseTime
{
    /// <summary>P(R ≤ t) for the exponential-service case (M/M/c): 1 − [(1 − C)e^{−μt} + C·e^{−μt}(1 + μt·φ((θ − μ)t))], φ(x) = (1 − e^{−x})/x.</summary>
    /// <remarks>The hypoexponential tail (θe^{−μt} − μe^{−θt})/(θ − μ) rewritten through φ, which is stable as θ → μ and equals the Erlang-2 tail (1 + μt)e^{−μt} there.</remarks>
    public static double ExponentialCdf(double t, double waitProbability, double waitRate, double serviceRate)
    {
        if (t <= 0) return 0;
        var serviceTail = Math.Exp(-serviceRate * t);
        var sumTail = serviceTail * (1 + serviceRate * t * Phi((waitRate - serviceRate) * t));
        return 1 - ((1 - waitProbability) * serviceTail + waitProbability * sumTail);
    }

    /// <summary>P(R ≤ t) for gamma service with shape <paramref name="shape"/> and rate <paramref name="rate"/>.</summary>
    public static double GammaCdf(double t, double waitProbability, double waitRate, double shape, double rate) =>
        GammaCdf(t, waitProbability, waitRate, shape, rate, SpecialFunctions.LogGamma(shape));

    /// <summary>As above with ln Γ(shape) precomputed (the quantile search evaluates one distribution many times).</summary>
    public static double GammaCdf(double t, double waitProbability, double waitRate, double shape, double rate, double logGammaShape)
    {
        if (t <= 0) return 0;
        var service = SpecialFunctions.GammaP(shape, rate * t, logGammaShape);
        if (waitProbability <= 0) return service;
        double integral;
        if (rate > waitRate)
        {
            var gap = rate - waitRate;
            integral = Math.Exp(-waitRate * t + shape * Math.Log(rate / gap)) * SpecialFunctions.GammaP(shape, gap * t, logGammaShape);
        }
        else
        {
            var mean = (waitRate - rate) * t;
            integral = Math.Exp(shape * Math.Log(rate * t) - rate * t - logGammaShape) * PoissonWeightedReciprocal(mean, shape);
        }
        return Math.Clamp(service - waitProbability * integral, 0, 1);
    }

    /// <summary>
    /// The t with cdf(t) = q: a bracket grown by doubling from <paramref name="scale"/>·ln(1/(1 − q)) (the exponential quantile of that mean), then the Illinois
    /// variant of regula falsi (Dowell &amp; Jarratt, BIT 11, 1971), superlinear and never leaving the bracket,
    /// to 1e-9 relative.
    /// </summary>
    public static double Quantile(Func<double, double> cdf, double q, double scale)
    {
        double lo = 0, flo = -q, hi = scale * Math.Max(1, -Math.Log(1 - q)), fhi = cdf(hi) - q;
        for (var i = 0; i < 200 && fhi < 0; i++) { lo = hi; flo = fhi; hi *= 2; fhi = cdf(hi) - q; }
        var side = 0;
        for (var i = 0; i < 200 && hi - lo > 1e-9 * hi; i++)
        {
            var t = (lo * fhi - hi * flo) / (fhi - flo);
            if (!(t > lo && t < hi)) t = 0.5 * (lo + hi);
            var f = cdf(t) - q;
            if (f == 0) return t;
            if (f < 0)
            {
                lo = t; flo = f;
                if (side == -1) fhi /= 2;
                side = -1;
            }
            else
            {
                hi = t; fhi = f;
                if (side == 1) flo /= 2;
                side = 1;
            }
            if (Math.Abs(f) < 1e-13) return t;
        }
        return 0.5 * (lo + hi);
    }

    private static double Phi(double x) => Math.Abs(x) < 1e-5 ? 1 - x / 2 + x * x / 6 : (1 - Math.Exp(-x)) / x;   // below 1e-5 the series; above, cancellation costs at most ~1e-11

    /// <summary>Σₙ e^{−m} mⁿ/n! / (n + k), summed outward from the mode so e^{−m} never underflows.</summary>
    private static double PoissonWeightedReciprocal(double m, double k)
    {
        if (m <= 0) return 1 / k;
        var mode = Math.Floor(m);
        var logMode = mode * Math.Log(m) - m - SpecialFunctions.LogGamma(mode + 1);
        var pMode = Math.Exp(logMode);
        var sum = pMode / (mode + k);
        var p = pMode;
        for (var n = mode + 1; ; n++)
        {
            p *= m / n;
            var term = p / (n + k);
            sum += term;
            if (term < 1e-17 * sum) break;
        }
        p = pMode;
        for (var n = mode; n > 0; n--)
        {
            p *= n / m;
            var term = p / (n - 1 + k);
            sum += term;
            if (term < 1e-17 * sum) break;
        }
        return sum;
    }
}
