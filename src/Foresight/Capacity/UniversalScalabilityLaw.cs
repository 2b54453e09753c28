using Foresight.Numerics;
namespace Foresight.Capacity;

/// <summary>Settings of a <see cref="UniversalScalabilityLaw"/> fit.</summary>
public sealed record UslOptions
{
    /// <summary>Two-sided confidence level of the parameter intervals and the throughput band, in (0, 1). Default 0.95.</summary>
    public double ConfidenceLevel { get; init; } = 0.95;
}

/// <summary>A fitted parameter with its standard error and two-sided confidence interval.</summary>
/// <param name="Value">The least-squares estimate.</param>
/// <param name="StandardError">sqrt of its diagonal entry in s²(JᵀJ)⁻¹.</param>
/// <param name="Lower">Value − t·StandardError (Student t with n − 3 degrees of freedom).</param>
/// <param name="Upper">Value + t·StandardError.</param>
public readonly record struct ParameterEstimate(double Value, double StandardError, double Lower, double Upper)
{
    /// <summary>True when <paramref name="value"/> lies in [Lower, Upper].</summary>
    public bool Contains(double value) => value >= Lower && value <= Upper;
}

/// <summary>The fitted throughput at one concurrency, with the confidence band of the curve there.</summary>
public readonly record struct UslPrediction(double Concurrency, double Throughput, double Lower, double Upper);

/// <summary>
/// A fitted Universal Scalability Law X(N) = λN / (1 + σ(N−1) + κN(N−1)): λ the throughput of one
/// unit of concurrency without contention, σ the contention (serial fraction, Amdahl), κ the
/// coherency (crosstalk) penalty that makes throughput fall past the knee.
/// </summary>
public sealed class UslModel
{
    private readonly double[,] _covariance;
    private readonly double _t;

    internal UslModel(double[] theta, double[,] covariance, double residualStandardError, int degreesOfFreedom, double confidenceLevel)
    {
        _covariance = covariance;
        ResidualStandardError = residualStandardError;
        DegreesOfFreedom = degreesOfFreedom;
        ConfidenceLevel = confidenceLevel;
        _t = SpecialFunctions.StudentTQuantile(0.5 + confidenceLevel / 2, degreesOfFreedom);
        Lambda = Estimate(theta[0], 0);
        Sigma = Estimate(theta[1], 1);
        Kappa = Estimate(theta[2], 2);
    }

    /// <summary>λ: throughput at concurrency 1 without contention (observations' throughput unit).</summary>
    public ParameterEstimate Lambda { get; }

    /// <summary>σ: contention, in [0, 1].</summary>
    public ParameterEstimate Sigma { get; }

    /// <summary>κ: coherency, ≥ 0.</summary>
    public ParameterEstimate Kappa { get; }

    /// <summary>s = sqrt(SSE / (n − 3)), in throughput units.</summary>
    public double ResidualStandardError { get; }

    /// <summary>n − 3.</summary>
    public int DegreesOfFreedom { get; }

    /// <summary>The level of the intervals.</summary>
    public double ConfidenceLevel { get; }

    /// <summary>The knee N* = sqrt((1 − σ)/κ), where X(N) peaks; +∞ when κ = 0.</summary>
    public double Knee => Kappa.Value > 0 ? Math.Sqrt((1 - Sigma.Value) / Kappa.Value) : double.PositiveInfinity;

    /// <summary>⌊N*⌋, the largest whole concurrency not past the knee (usl4j's <c>maxConcurrency</c>); +∞ when κ = 0.</summary>
    public double MaxConcurrency => Math.Floor(Knee);

    /// <summary>X(⌊N*⌋), the throughput at <see cref="MaxConcurrency"/>; λ/σ (the asymptote) when κ = 0, +∞ when σ = κ = 0.</summary>
    public double MaxThroughput =>
        double.IsFinite(Knee) ? Throughput(MaxConcurrency) : Sigma.Value > 0 ? Lambda.Value / Sigma.Value : double.PositiveInfinity;

    /// <summary>X(N) of the fitted curve.</summary>
    public double Throughput(double concurrency) => Evaluate(concurrency, Lambda.Value, Sigma.Value, Kappa.Value);

    /// <summary>X(N) with its confidence band by the delta method: ± t·sqrt(gᵀ Cov g), g = ∂X/∂(λ, σ, κ).</summary>
    public UslPrediction Predict(double concurrency)
    {
        var n = concurrency;
        var d = 1 + Sigma.Value * (n - 1) + Kappa.Value * n * (n - 1);
        Span<double> g = [n / d, -Lambda.Value * n * (n - 1) / (d * d), -Lambda.Value * n * n * (n - 1) / (d * d)];
        var variance = 0.0;
        for (var i = 0; i < 3; i++)
            for (var j = 0; j < 3; j++) variance += g[i] * _covariance[i, j] * g[j];
        var x = Throughput(n);
        var half = _t * Math.Sqrt(Math.Max(variance, 0));
        return new UslPrediction(n, x, x - half, x + half);
    }

    /// <inheritdoc />
    public override string ToString() =>
        FormattableString.Invariant($"USL λ={Lambda.Value:G6} σ={Sigma.Value:G6} κ={Kappa.Value:G6} knee={Knee:0.##} Xmax={MaxThroughput:G6}");

    internal static double Evaluate(double n, double lambda, double sigma, double kappa) =>
        lambda * n / (1 + sigma * (n - 1) + kappa * n * (n - 1));

    private ParameterEstimate Estimate(double value, int index)
    {
        var se = Math.Sqrt(Math.Max(_covariance[index, index], 0));
        return new ParameterEstimate(value, se, value - _t * se, value + _t * se);
    }
}

/// <summary>
/// Fits Gunther's Universal Scalability Law X(N) = λN / (1 + σ(N−1) + κN(N−1)) to (concurrency or
/// replicas, throughput) observations by nonlinear least squares (Levenberg–Marquardt, started from the
/// linearised fit with λ = X(N_min)/N_min), with σ in [0, 1] and κ ≥ 0. Each parameter gets a Student t
/// interval from the asymptotic covariance s²(JᵀJ)⁻¹ with n − 3 degrees of freedom.
/// </summary>
/// <remarks>
/// References: N. J. Gunther, <i>Guerrilla Capacity Planning</i>, Springer 2007, ch. 4–6 (the law,
/// its knee N* = sqrt((1 − σ)/κ) and the regression method); B. Schwartz, <i>Practical Scalability
/// Analysis with the Universal Scalability Law</i>, VividCortex 2015 (the "Cisco" benchmark whose fit,
/// σ ≈ 0.02671591, κ ≈ 7.690945e-4, λ ≈ 995.6486, this implementation reproduces as usl4j's tests do).
/// </remarks>
public static class UniversalScalabilityLaw
{
    /// <summary>Fits the law; false with a message when the data cannot support the three parameters.</summary>
    /// <param name="concurrency">Concurrency (clients, threads, replicas) of each observation, &gt; 0.</param>
    /// <param name="throughput">Throughput at each, &gt; 0, same length.</param>
    /// <param name="model">The fit, or null on failure.</param>
    /// <param name="error">What was wrong with the data, or empty.</param>
    /// <param name="options">Settings; null for the defaults.</param>
    public static bool TryFit(ReadOnlySpan<double> concurrency, ReadOnlySpan<double> throughput, out UslModel? model, out string error, UslOptions? options = null)
    {
        options ??= new UslOptions();
        if (!(options.ConfidenceLevel > 0 && options.ConfidenceLevel < 1))
            throw new ArgumentOutOfRangeException(nameof(options), options.ConfidenceLevel, "the confidence level must be in (0, 1)");
        model = null;
        if (concurrency.Length != throughput.Length)
        {
            error = $"concurrency has {concurrency.Length} values but throughput has {throughput.Length}; they must pair up";
            return false;
        }
        for (var i = 0; i < concurrency.Length; i++)
        {
            if (!(double.IsFinite(concurrency[i]) && concurrency[i] > 0) || !(double.IsFinite(throughput[i]) && throughput[i] > 0))
            {
                error = $"observation {i} (concurrency {concurrency[i]}, throughput {throughput[i]}): both must be positive finite numbers";
                return false;
            }
        }
        var distinct = new HashSet<double>(concurrency.ToArray()).Count;
        if (concurrency.Length < 4 || distinct < 3)
        {
            error = $"the USL has 3 parameters: it needs at least 4 observations at 3 or more distinct concurrency levels (got {concurrency.Length} at {distinct})";
            return false;
        }

        var theta = StartingPoint(concurrency, throughput);
        double[] lower = [1e-300, 0, 0], upper = [double.PositiveInfinity, 1, double.PositiveInfinity];
        var fit = LevenbergMarquardt.Fit(Model, concurrency, throughput, theta, lower, upper);
        var dof = concurrency.Length - 3;
        var s2 = fit.ResidualSumOfSquares / dof;
        var inverse = DenseMatrix.Inverse(fit.Normal);
        if (inverse is null || !double.IsFinite(fit.ResidualSumOfSquares))
        {
            error = "the observations do not determine λ, σ and κ (the fit's Jacobian is singular); measure over a wider range of concurrency";
            return false;
        }
        for (var i = 0; i < 3; i++)
            for (var j = 0; j < 3; j++) inverse[i, j] *= s2;
        model = new UslModel(theta, inverse, Math.Sqrt(s2), dof, options.ConfidenceLevel);
        error = "";
        return true;
    }

    private static double Model(double n, ReadOnlySpan<double> theta, Span<double> gradient)
    {
        double lambda = theta[0], sigma = theta[1], kappa = theta[2];
        var d = 1 + sigma * (n - 1) + kappa * n * (n - 1);
        gradient[0] = n / d;
        gradient[1] = -lambda * n * (n - 1) / (d * d);
        gradient[2] = -lambda * n * n * (n - 1) / (d * d);
        return lambda * n / d;
    }

    /// <summary>λ from the smallest concurrency, then σ and κ from the linear regression of λN/X − 1 on (N − 1, N(N − 1)).</summary>
    private static double[] StartingPoint(ReadOnlySpan<double> concurrency, ReadOnlySpan<double> throughput)
    {
        var first = 0;
        for (var i = 1; i < concurrency.Length; i++) if (concurrency[i] < concurrency[first]) first = i;
        var lambda = throughput[first] / concurrency[first];
        double s11 = 0, s12 = 0, s22 = 0, b1 = 0, b2 = 0;
        for (var i = 0; i < concurrency.Length; i++)
        {
            var n = concurrency[i];
            double u = n - 1, v = n * (n - 1), z = lambda * n / throughput[i] - 1;
            s11 += u * u; s12 += u * v; s22 += v * v; b1 += u * z; b2 += v * z;
        }
        double[,] a = { { s11, s12 }, { s12, s22 } };
        double[] b = [b1, b2];
        var ok = DenseMatrix.Solve(a, b);
        return [lambda, ok ? Math.Clamp(b[0], 0, 1) : 0.01, ok ? Math.Max(b[1], 0) : 1e-6];
    }
}
