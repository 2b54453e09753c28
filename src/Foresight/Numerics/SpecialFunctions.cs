namespace Foresight.Numerics;

/// <summary>
/// The few special functions the capacity models need: log Γ (Lanczos, g = 7, 9 terms, about 1e-15),
/// the regularized incomplete gamma P(a, x) and beta I_x(a, b) (series and continued fractions as in
/// Numerical Recipes, 3rd ed., §6.2 and §6.4), and the Student t quantile by bisection on its CDF.
/// </summary>
internal static class SpecialFunctions
{
    private static readonly double[] Lanczos =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];

    /// <summary>ln Γ(x) for x &gt; 0.</summary>
    public static double LogGamma(double x)
    {
        if (x < 0.5) return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        x -= 1;
        var sum = Lanczos[0];
        for (var i = 1; i < Lanczos.Length; i++) sum += Lanczos[i] / (x + i);
        var t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }

    /// <summary>The regularized lower incomplete gamma P(a, x) = γ(a, x) / Γ(a), a &gt; 0, x ≥ 0: the CDF of Gamma(a, 1) at x.</summary>
    public static double GammaP(double a, double x) => GammaP(a, x, LogGamma(a));

    /// <summary>P(a, x) with ln Γ(a) supplied by a caller that evaluates many x for one a.</summary>
    public static double GammaP(double a, double x, double logGammaA)
    {
        if (x <= 0) return 0;
        if (double.IsPositiveInfinity(x)) return 1;
        var logPrefix = a * Math.Log(x) - x - logGammaA;
        if (x < a + 1)
        {
            // Series: γ(a, x) e^x x^-a = Σ x^n / (a (a+1) ... (a+n)).
            double term = 1 / a, sum = term, ap = a;
            for (var n = 0; n < 1000; n++)
            {
                ap += 1;
                term *= x / ap;
                sum += term;
                if (Math.Abs(term) < Math.Abs(sum) * 1e-16) break;
            }
            return Math.Min(1, sum * Math.Exp(logPrefix));
        }
        return Math.Max(0, 1 - Math.Exp(logPrefix) * GammaContinuedFraction(a, x));
    }

    private static double GammaContinuedFraction(double a, double x)
    {
        // Modified Lentz on Γ(a, x) e^x x^-a = 1 / (x + 1 - a - 1·(1-a) / (x + 3 - a - ...)).
        const double tiny = 1e-300;
        var b = x + 1 - a;
        var c = 1 / tiny;
        var d = 1 / b;
        var h = d;
        for (var i = 1; i < 1000; i++)
        {
            var an = -i * (i - a);
            b += 2;
            var delta = LentzStep(an, b, ref c, ref d);
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        return h;
    }

    /// <summary>The regularized incomplete beta I_x(a, b), a, b &gt; 0, x in [0, 1].</summary>
    public static double BetaRegularized(double a, double b, double x)
    {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        var logFront = LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x);
        if (x < (a + 1) / (a + b + 2)) return Math.Exp(logFront) * BetaContinuedFraction(a, b, x) / a;
        return 1 - Math.Exp(logFront) * BetaContinuedFraction(b, a, 1 - x) / b;
    }

    private static double BetaContinuedFraction(double a, double b, double x)
    {
        const double tiny = 1e-300;
        double qab = a + b, qap = a + 1, qam = a - 1, c = 1, d = 1 - qab * x / qap;
        if (Math.Abs(d) < tiny) d = tiny;
        d = 1 / d;
        var h = d;
        for (var m = 1; m < 1000; m++)
        {
            var m2 = 2 * m;
            h *= LentzStep(m * (b - m) * x / ((qam + m2) * (a + m2)), 1, ref c, ref d);
            var delta = LentzStep(-(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)), 1, ref c, ref d);
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        return h;
    }

    /// <summary>One step of the modified Lentz method for a continued fraction term a/(b + ...): updates C and D and returns the factor C·D.</summary>
    private static double LentzStep(double a, double b, ref double c, ref double d)
    {
        const double tiny = 1e-300;
        d = b + a * d;
        if (Math.Abs(d) < tiny) d = tiny;
        c = b + a / c;
        if (Math.Abs(c) < tiny) c = tiny;
        d = 1 / d;
        return c * d;
    }

    /// <summary>P(T ≤ t) for Student's t with <paramref name="dof"/> degrees of freedom.</summary>
    public static double StudentTCdf(double t, double dof)
    {
        var tail = 0.5 * BetaRegularized(dof / 2, 0.5, dof / (dof + t * t));
        return t >= 0 ? 1 - tail : tail;
    }

    /// <summary>The p-quantile of Student's t (p in (0, 1)), by bisection on the CDF to about 1e-12.</summary>
    public static double StudentTQuantile(double p, double dof)
    {
        if (!(p > 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "p must be in (0, 1)");
        if (!(dof > 0)) throw new ArgumentOutOfRangeException(nameof(dof), dof, "degrees of freedom must be positive");
        double lo = -1, hi = 1;
        while (StudentTCdf(lo, dof) > p) lo *= 2;
        while (StudentTCdf(hi, dof) < p) hi *= 2;
        for (var i = 0; i < 200 && hi - lo > 1e-12 * Math.Max(1, Math.Abs(lo)); i++)
        {
            var mid = 0.5 * (lo + hi);
            if (StudentTCdf(mid, dof) < p) lo = mid; else hi = mid;
        }
        return 0.5 * (lo + hi);
    }
}
