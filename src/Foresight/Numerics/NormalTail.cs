namespace Foresight.Numerics;

/// <summary>Tail probabilities of the normal distribution, accurate far into the tail.</summary>
internal static class NormalTail
{
    private const double SqrtPi = 1.772453850905516027298167483341145182798;

    /// <summary>P(X ≥ x) for X ~ N(mean, std²) when x ≥ mean, mirrored for x &lt; mean: the two-sided tail of |x − mean|, at most 0.5.</summary>
    public static double Upper(double x, double mean, double std)
    {
        if (x < mean) x = 2 * mean - x;   // mirrored the way NAB's normalProbability does, to match its scores bit for bit
        var z = (x - mean) / std;
        return 0.5 * Erfc(z / Math.Sqrt(2));
    }

    /// <summary>Φ(x), the standard normal CDF.</summary>
    public static double StandardCdf(double x) => 0.5 * Erfc(-x / Math.Sqrt(2));

    /// <summary>Φ⁻¹(p) for p in (0, 1), by bisection on <see cref="StandardCdf"/> to about 1e-13 (not a hot path).</summary>
    public static double InverseStandardCdf(double p)
    {
        if (!(p > 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "p must be in (0, 1)");
        double lo = -40, hi = 40;
        for (var i = 0; i < 60; i++)
        {
            var mid = 0.5 * (lo + hi);
            if (StandardCdf(mid) < p) lo = mid; else hi = mid;
        }
        return 0.5 * (lo + hi);
    }

    /// <summary>
    /// The complementary error function, to about 1e-15 relative error: a 25-term Taylor series of
    /// erf for |x| &lt; 1.5 and a 50-term continued fraction beyond (the scheme of CPython's
    /// <c>math.erfc</c>, which NAB's baselines called), 0 from x = 30 where it underflows.
    /// </summary>
    public static double Erfc(double x)
    {
        if (double.IsNaN(x)) return x;
        var ax = Math.Abs(x);
        if (ax < 1.5) return 1.0 - ErfSeries(x);
        var cf = ErfcContinuedFraction(ax);
        return x > 0 ? cf : 2.0 - cf;
    }

    private static double ErfSeries(double x)
    {
        var x2 = x * x;
        var acc = 0.0;
        var fk = 25 + 0.5;
        for (var i = 0; i < 25; i++)
        {
            acc = 2.0 + x2 * acc / fk;
            fk -= 1.0;
        }
        return acc * x * Math.Exp(-x2) / SqrtPi;
    }

    private static double ErfcContinuedFraction(double x)
    {
        if (x >= 30.0) return 0.0;
        var x2 = x * x;
        double a = 0.0, da = 0.5, p = 1.0, pLast = 0.0, q = da + x2, qLast = 1.0;
        for (var i = 0; i < 50; i++)
        {
            a += da;
            da += 2.0;
            var b = da + x2;
            (p, pLast) = (b * p - a * pLast, p);
            (q, qLast) = (b * q - a * qLast, q);
        }
        return p / q * x * Math.Exp(-x2) / SqrtPi;
    }
}
