using Foresight.Numerics;
namespace Foresight.Forecasting;

/// <summary>
/// Exponential smoothing in the innovations state-space form ETS(Error, Trend, Season) of Hyndman,
/// Koehler, Ord &amp; Snyder ("Forecasting with Exponential Smoothing: The State Space Approach",
/// Springer 2008) and Hyndman, Koehler, Snyder &amp; Grose (IJF 18, 2002): fits one given model by
/// maximum likelihood. <see cref="AutoEts"/> chooses among models by AICc.
/// </summary>
/// <remarks>
/// <para>
/// Estimation minimises the concentrated Gaussian criterion n·log(Σε²) + 2·Σlog|ŷ| with the bounded
/// <see cref="NelderMead"/> simplex over the smoothing parameters and the initial level and trend,
/// under R <c>forecast::ets</c>'s "usual" bounds: 10⁻⁴ ≤ α ≤ 0.9999, 0 &lt; β ≤ α, 0 &lt; γ ≤ 1 − α,
/// 0.8 ≤ φ ≤ 0.98. The two linear constraints are removed by optimising β/α and γ/(1 − α) in a box.
/// </para>
/// <para>
/// Initial states start from the heuristic of Hyndman et al. (2002) (see <c>TryInitialStates</c>).
/// The seasonal initial states are kept at their heuristic values and not optimised: optimising m − 1
/// more dimensions is what makes R's <c>ets</c> slow on hourly data, for little accuracy. They still
/// count as estimated parameters in the information criteria, as in R.
/// </para>
/// </remarks>
public static partial class Ets
{
    internal const double AlphaLower = 1e-4;
    internal const double AlphaUpper = 0.9999;
    internal const double PhiLower = 0.8;
    internal const double PhiUpper = 0.98;
    private const int MaxParameters = 6;

    /// <summary>
    /// Fits <paramref name="spec"/> to <paramref name="y"/> by maximum likelihood.
    /// </summary>
    /// <param name="y">Observations, oldest first, finite; strictly positive for a multiplicative error or season.</param>
    /// <param name="spec">The model to fit.</param>
    /// <param name="season">Seasonal period in steps; ignored for non-seasonal models, ≥ 2 and at most n/2 for seasonal ones.</param>
    /// <exception cref="ArgumentException">The data cannot carry the model: too short (fewer than 3 points,
    /// or fewer than two seasons), not positive under a multiplicative component, or not finite.</exception>
    public static EtsFit Fit(ReadOnlySpan<double> y, EtsSpec spec, int season = 1)
    {
        Validate(y, spec, season);
        return FitCore(y, spec, spec.HasSeason ? season : 1)
            ?? throw new ArgumentException($"{spec} could not be initialised on this series.", nameof(y));
    }

    /// <summary>
    /// Runs <paramref name="spec"/> with given parameters and initial states, without estimation:
    /// the fitted values, likelihood and forecasts of that exact model.
    /// </summary>
    /// <param name="y">Observations, oldest first.</param>
    /// <param name="spec">The model.</param>
    /// <param name="season">Seasonal period in steps (1 for a non-seasonal model).</param>
    /// <param name="parameters">Smoothing parameters (not checked against the usual bounds).</param>
    /// <param name="initialLevel">Level before the first observation, l(0).</param>
    /// <param name="initialTrend">Trend before the first observation, b(0); ignored without a trend.</param>
    /// <param name="initialSeason">Seasonal states by position t mod m (m values); empty without a season.</param>
    public static EtsFit Evaluate(ReadOnlySpan<double> y, EtsSpec spec, int season, EtsParameters parameters,
        double initialLevel, double initialTrend = 0, ReadOnlySpan<double> initialSeason = default)
    {
        Validate(y, spec, season);
        var m = spec.HasSeason ? season : 1;
        if (spec.HasSeason && initialSeason.Length != m)
        {
            throw new ArgumentException($"Expected {m} initial seasonal states.", nameof(initialSeason));
        }
        return Complete(y, spec, m, parameters, initialLevel, spec.HasTrend ? initialTrend : 0, initialSeason);
    }

    private static void Validate(ReadOnlySpan<double> y, EtsSpec spec, int season)
    {
        if (y.Length < 3) throw new ArgumentException("ETS needs at least 3 observations.", nameof(y));
        var positive = true;
        foreach (var v in y)
        {
            if (!double.IsFinite(v)) throw new ArgumentException("Observations must be finite.", nameof(y));
            positive &= v > 0;
        }
        if (!positive && (spec.Error == EtsError.Multiplicative || spec.Season == EtsSeason.Multiplicative))
        {
            throw new ArgumentException($"{spec} needs strictly positive data.", nameof(y));
        }
        if (spec.HasSeason && (season < 2 || y.Length < 2 * season))
        {
            throw new ArgumentException($"{spec} needs a period ≥ 2 and at least two full seasons of data.", nameof(season));
        }
    }

    /// <summary>Estimates one model; null when its initial states cannot be computed or no admissible point was found.</summary>
    internal static EtsFit? FitCore(ReadOnlySpan<double> y, EtsSpec spec, int m)
    {
        Span<double> s0 = spec.HasSeason ? (m <= 64 ? stackalloc double[m] : new double[m]) : [];
        if (!TryInitialStates(y, spec, m, s0, out var l0, out var b0)) return null;

        Span<double> season = spec.HasSeason ? (m <= 64 ? stackalloc double[m] : new double[m]) : [];
        var objective = new Objective(y, spec, m, l0, b0, s0, season, LevelScale(y, spec, m));

        Span<double> x = stackalloc double[MaxParameters];
        Span<double> lower = stackalloc double[MaxParameters];
        Span<double> upper = stackalloc double[MaxParameters];
        Span<double> step = stackalloc double[MaxParameters];
        var d = 0;
        // R's starting values (forecast:::initparam): α small for seasonal models, β and γ a tenth and a twentieth of their range, φ near its top.
        Add(ref d, x, lower, upper, step, AlphaLower + 0.2 * (AlphaUpper - AlphaLower) / m, AlphaLower, AlphaUpper, 0.1);
        if (spec.HasTrend) Add(ref d, x, lower, upper, step, 0.1, 1e-4, 1.0, 0.1);
        if (spec.HasSeason) Add(ref d, x, lower, upper, step, 0.05, 1e-4, 1.0, 0.05);
        if (spec.Trend == EtsTrend.Damped) Add(ref d, x, lower, upper, step, 0.978, PhiLower, PhiUpper, 0.05);
        Add(ref d, x, lower, upper, step, 0, -10, 10, 0.1);
        if (spec.HasTrend) Add(ref d, x, lower, upper, step, 0, -10, 10, 0.1);

        var point = x[..d];
        var result = NelderMead.Minimize(ref objective, point, lower[..d], upper[..d], step[..d],
            maxEvaluations: 250 * d, tolerance: 1e-6);
        if (!double.IsFinite(result.Value)) return null;
        var parameters = objective.Decode(point, out var level0, out var trend0);
        return Complete(y, spec, m, parameters, level0, trend0, s0);
    }

    private static void Add(ref int d, Span<double> x, Span<double> lower, Span<double> upper, Span<double> step,
        double start, double lo, double hi, double edge)
    {
        x[d] = start;
        lower[d] = lo;
        upper[d] = hi;
        step[d] = edge;
        d++;
    }

    /// <summary>Unit in which the initial level and trend move during optimisation: the spread of the first points.</summary>
    private static double LevelScale(ReadOnlySpan<double> y, EtsSpec spec, int m)
    {
        var count = Math.Min(y.Length, spec.HasSeason ? Math.Max(10, 2 * m) : 10);
        double min = y[0], max = y[0];
        for (var t = 1; t < count; t++)
        {
            min = Math.Min(min, y[t]);
            max = Math.Max(max, y[t]);
        }
        var scale = 0.5 * (max - min);
        return scale > 0 ? scale : Math.Max(1e-3 * Math.Abs(y[0]), 1e-8);
    }

    /// <summary>Final pass of a model: fitted values, final states and information criteria.</summary>
    private static EtsFit Complete(ReadOnlySpan<double> y, EtsSpec spec, int m, EtsParameters parameters,
        double l0, double b0, ReadOnlySpan<double> s0)
    {
        var n = y.Length;
        var fitted = new double[n];
        var season = spec.HasSeason ? new double[m] : [];
        var criterion = Run(y, spec, m, parameters, l0, b0, s0, season, fitted, out var level, out var trend, out var sse);

        // Parameters as R counts them: smoothing parameters, initial states (m − 1 free seasonal ones), and σ².
        var k = 1 + (spec.HasTrend ? 1 : 0) + (spec.HasSeason ? 1 : 0) + (spec.Trend == EtsTrend.Damped ? 1 : 0);
        k += 1 + (spec.HasTrend ? 1 : 0) + (spec.HasSeason ? m - 1 : 0);
        k += 1;
        var logLikelihood = -0.5 * (criterion + n * (Math.Log(2 * Math.PI) + 1));
        var aic = -2 * logLikelihood + 2 * k;
        var aicc = n - k - 1 > 0 ? aic + 2.0 * k * (k + 1) / (n - k - 1) : double.PositiveInfinity;
        var bic = aic + k * (Math.Log(n) - 2);
        var sigma2 = n > k ? sse / (n - k) : double.NaN;
        var phi = spec.Trend == EtsTrend.Damped ? parameters.Phi : 1.0;
        var normalised = parameters with
        {
            Beta = spec.HasTrend ? parameters.Beta : 0,
            Gamma = spec.HasSeason ? parameters.Gamma : 0,
            Phi = phi,
        };
        return new EtsFit(spec, m, n, normalised, l0, spec.HasTrend ? b0 : 0, s0.ToArray(), level, trend, season,
            fitted, sigma2, logLikelihood, aic, aicc, bic, k);
    }

    /// <summary>
    /// The likelihood as a function of the optimiser's box coordinates:
    /// [α, β/α, γ/(1 − α), φ, (l0 − l̂0)/scale, (b0 − b̂0)/(scale/10)] with absent components left out.
    /// </summary>
    private ref struct Objective(ReadOnlySpan<double> y, EtsSpec spec, int m, double l0, double b0,
        ReadOnlySpan<double> s0, Span<double> season, double scale) : IObjectiveFunction
    {
        private readonly ReadOnlySpan<double> _y = y;
        private readonly ReadOnlySpan<double> _s0 = s0;
        private readonly Span<double> _season = season;

        public readonly EtsParameters Decode(ReadOnlySpan<double> x, out double level0, out double trend0)
        {
            var alpha = x[0];
            var i = 1;
            var beta = spec.HasTrend ? alpha * x[i++] : 0;
            var gamma = spec.HasSeason ? (1 - alpha) * x[i++] : 0;
            var phi = spec.Trend == EtsTrend.Damped ? x[i++] : 1;
            level0 = l0 + scale * x[i++];
            trend0 = spec.HasTrend ? b0 + 0.1 * scale * x[i] : 0;
            return new EtsParameters(alpha, beta, gamma, phi);
        }

        public readonly double Evaluate(scoped ReadOnlySpan<double> x)
        {
            var p = Decode(x, out var level0, out var trend0);
            return Run(_y, spec, m, p, level0, trend0, _s0, _season, [], out _, out _, out _);
        }
    }
}
