namespace Foresight.Forecasting;

/// <summary>How the error enters an ETS model: added to the one-step forecast, or proportional to it.</summary>
public enum EtsError
{
    /// <summary>y(t) = ŷ(t) + ε(t).</summary>
    Additive,

    /// <summary>y(t) = ŷ(t)·(1 + ε(t)); only for strictly positive data.</summary>
    Multiplicative,
}

/// <summary>The trend component of an ETS model.</summary>
public enum EtsTrend
{
    /// <summary>No trend: the forecast is flat at the level.</summary>
    None,

    /// <summary>Additive (Holt's linear) trend: the forecast is l + h·b.</summary>
    Additive,

    /// <summary>Additive damped trend (Gardner &amp; McKenzie): the forecast is l + (φ + … + φ^h)·b.</summary>
    Damped,
}

/// <summary>The seasonal component of an ETS model.</summary>
public enum EtsSeason
{
    /// <summary>No seasonality.</summary>
    None,

    /// <summary>Additive seasonal states added to the level.</summary>
    Additive,

    /// <summary>Multiplicative seasonal states scaling the level; only for strictly positive data.</summary>
    Multiplicative,
}

/// <summary>
/// One member of the ETS(Error, Trend, Season) family of innovations state-space models
/// (Hyndman, Koehler, Ord &amp; Snyder, "Forecasting with Exponential Smoothing: The State Space
/// Approach", Springer 2008, Tables 2.2 and 2.3). Multiplicative trends are not part of the family
/// here: they forecast explosively and R's <c>forecast::ets</c> excludes them by default.
/// </summary>
/// <param name="Error">Additive or multiplicative error.</param>
/// <param name="Trend">None, additive or additive damped trend.</param>
/// <param name="Season">None, additive or multiplicative seasonality.</param>
public readonly record struct EtsSpec(EtsError Error, EtsTrend Trend, EtsSeason Season)
{
    /// <summary>ETS(A,N,N): simple exponential smoothing.</summary>
    public static EtsSpec SimpleExponentialSmoothing => new(EtsError.Additive, EtsTrend.None, EtsSeason.None);

    /// <summary>True when the model has a trend state.</summary>
    public bool HasTrend => Trend != EtsTrend.None;

    /// <summary>True when the model has seasonal states.</summary>
    public bool HasSeason => Season != EtsSeason.None;

    /// <summary>The conventional name, e.g. <c>ETS(M,Ad,A)</c>.</summary>
    public override string ToString()
    {
        var e = Error == EtsError.Additive ? "A" : "M";
        var t = Trend switch { EtsTrend.None => "N", EtsTrend.Additive => "A", _ => "Ad" };
        var s = Season switch { EtsSeason.None => "N", EtsSeason.Additive => "A", _ => "M" };
        return $"ETS({e},{t},{s})";
    }
}

/// <summary>
/// Smoothing parameters of an ETS model in the error-correction form of Hyndman et al. (2008):
/// the level moves by α·ε, the trend by β·ε, the seasonal state by γ·ε (additive error; the
/// multiplicative forms scale ε by the relevant state), and φ damps the trend.
/// </summary>
/// <param name="Alpha">Level smoothing, 0 &lt; α &lt; 1.</param>
/// <param name="Beta">Trend smoothing, 0 &lt; β ≤ α; 0 when there is no trend.</param>
/// <param name="Gamma">Seasonal smoothing, 0 &lt; γ &lt; 1 − α; 0 when there is no season.</param>
/// <param name="Phi">Damping, 0.8 ≤ φ ≤ 0.98 when fitted; 1 for an undamped or absent trend.</param>
public readonly record struct EtsParameters(double Alpha, double Beta = 0, double Gamma = 0, double Phi = 1);
