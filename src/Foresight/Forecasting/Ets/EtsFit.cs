namespace Foresight.Forecasting;

/// <summary>
/// A fitted ETS model (Hyndman et al. 2008): the specification, estimated parameters, initial and
/// final states, information criteria and in-sample one-step fitted values. Immutable; forecasting
/// from it costs O(horizon).
/// </summary>
/// <remarks>
/// The likelihood is the Gaussian one of Hyndman et al. (2008, §5.2) with σ² concentrated out:
/// log L = −n/2·(log(2π·Σε²/n) + 1) − Σlog|ŷ| (the last term only under multiplicative error, where ε
/// is the relative error). AIC = −2 log L + 2k, AICc = AIC + 2k(k+1)/(n−k−1), BIC = AIC + k(log n − 2),
/// with k counting the smoothing parameters, the initial states (m − 1 free seasonal ones) and σ², as R's
/// <c>forecast::ets</c> does.
/// </remarks>
public sealed class EtsFit
{
    private readonly double[] _initialSeason;
    private readonly double[] _season;
    private readonly double[] _fitted;

    internal EtsFit(EtsSpec spec, int period, int length, EtsParameters parameters, double initialLevel,
        double initialTrend, double[] initialSeason, double level, double trend, double[] season, double[] fitted,
        double sigma2, double logLikelihood, double aic, double aicc, double bic, int parameterCount)
    {
        Spec = spec;
        Period = period;
        Length = length;
        Parameters = parameters;
        InitialLevel = initialLevel;
        InitialTrend = initialTrend;
        _initialSeason = initialSeason;
        Level = level;
        Trend = trend;
        _season = season;
        _fitted = fitted;
        Sigma2 = sigma2;
        LogLikelihood = logLikelihood;
        Aic = aic;
        Aicc = aicc;
        Bic = bic;
        ParameterCount = parameterCount;
    }

    /// <summary>The model, e.g. ETS(A,Ad,N).</summary>
    public EtsSpec Spec { get; }

    /// <summary>Seasonal period m (1 for a non-seasonal model).</summary>
    public int Period { get; }

    /// <summary>Number of observations fitted.</summary>
    public int Length { get; }

    /// <summary>Smoothing parameters; β and γ are 0 and φ is 1 where the model has no such component.</summary>
    public EtsParameters Parameters { get; }

    /// <summary>Level before the first observation, l(0).</summary>
    public double InitialLevel { get; }

    /// <summary>Trend before the first observation, b(0); 0 without a trend.</summary>
    public double InitialTrend { get; }

    /// <summary>Initial seasonal states by position t mod m (empty without a season).</summary>
    public ReadOnlySpan<double> InitialSeason => _initialSeason;

    /// <summary>Level after the last observation.</summary>
    public double Level { get; }

    /// <summary>Trend after the last observation; 0 without a trend.</summary>
    public double Trend { get; }

    /// <summary>Seasonal states after the last observation, by position t mod m (empty without a season).</summary>
    public ReadOnlySpan<double> Season => _season;

    /// <summary>In-sample one-step-ahead fitted values ŷ(t | t−1), one per observation.</summary>
    public ReadOnlySpan<double> Fitted => _fitted;

    /// <summary>
    /// Residual variance Σε²/(n − k) as R reports it (relative errors under multiplicative error).
    /// NaN when there are no more observations than parameters.
    /// </summary>
    public double Sigma2 { get; }

    /// <summary>Maximised Gaussian log-likelihood.</summary>
    public double LogLikelihood { get; }

    /// <summary>Akaike information criterion.</summary>
    public double Aic { get; }

    /// <summary>AIC corrected for small samples; the criterion <see cref="AutoEts"/> minimises (+∞ when n ≤ k + 1).</summary>
    public double Aicc { get; }

    /// <summary>Bayesian (Schwarz) information criterion.</summary>
    public double Bic { get; }

    /// <summary>Number of estimated parameters k, including the initial states and σ².</summary>
    public int ParameterCount { get; }

    /// <summary>Point forecasts (conditional means of the additive-error form) for steps 1..<paramref name="horizon"/>.</summary>
    public double[] Forecast(int horizon)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(horizon);
        var result = new double[horizon];
        Forecast(result);
        return result;
    }

    /// <summary>Writes point forecasts for steps 1..destination.Length into <paramref name="destination"/>.</summary>
    public void Forecast(Span<double> destination) =>
        Ets.ForecastFromStates(Spec, Period, Length, Parameters.Phi, Level, Trend, _season, destination);

    /// <summary>The model name with its period when seasonal, e.g. <c>ETS(M,Ad,M) m=24</c>.</summary>
    public override string ToString() => Spec.HasSeason ? $"{Spec} m={Period}" : Spec.ToString();
}
