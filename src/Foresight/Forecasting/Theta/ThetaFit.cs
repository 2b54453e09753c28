using System.Globalization;

namespace Foresight.Forecasting;

/// <summary>The members of the theta family, named as in Fiorucci et al. (IJF 2016).</summary>
public enum ThetaVariant
{
    /// <summary>Fallback for series too short (&lt; 5 points) or constant: the last value.</summary>
    Naive,

    /// <summary>
    /// STM, the standard theta method (Assimakopoulos &amp; Nikolopoulos, IJF 2000) in the form the M4
    /// benchmark and forecast::thetaf use: SES plus half the OLS slope (Hyndman &amp; Billah, IJF 2003).
    /// </summary>
    Standard,

    /// <summary>OTM: θ, α and ℓ₀ chosen by in-sample MSE, trend line fixed to the whole-sample OLS line.</summary>
    Optimized,

    /// <summary>DSTM: θ = 2, trend line re-estimated at every step from the data seen so far.</summary>
    DynamicStandard,

    /// <summary>DOTM: θ optimised and the trend line updated at every step.</summary>
    DynamicOptimized,
}

/// <summary>
/// A fitted theta model: its parameters, the in-sample one-step fitted values and residual variance on
/// the original scale, and the state from which <see cref="Forecast"/> continues the recursion.
/// Produced by the <c>Fit</c> methods of <see cref="AutoTheta"/>, <see cref="StandardTheta"/>,
/// <see cref="OptimizedTheta"/>, <see cref="DynamicStandardTheta"/> and <see cref="DynamicOptimizedTheta"/>.
/// Immutable and thread-safe.
/// </summary>
public sealed class ThetaFit
{
    private readonly ThetaRecursion _state;
    private readonly ThetaSeasonality _seasonality;
    private readonly double[] _fitted;
    private readonly double _fallbackValue;

    internal ThetaFit(ThetaVariant variant, ThetaRecursion state, ThetaSeasonality seasonality, double initialLevel,
        double[] fitted, double mse, double residualVariance, double fallbackValue)
    {
        Variant = variant;
        _state = state;
        _seasonality = seasonality;
        _fitted = fitted;
        _fallbackValue = fallbackValue;
        Mse = mse;
        ResidualVariance = residualVariance;
        InitialLevel = initialLevel;
        var naive = variant == ThetaVariant.Naive;
        Alpha = naive ? double.NaN : state.Alpha;
        Theta = naive ? double.NaN : state.C >= 1 ? double.PositiveInfinity : 1 / (1 - state.C);
        Description = Describe();
    }

    /// <summary>Which member of the family this is (the winner, for <see cref="AutoTheta"/>).</summary>
    public ThetaVariant Variant { get; }

    /// <summary>Smoothing parameter α of the level (NaN for the naive fallback).</summary>
    public double Alpha { get; }

    /// <summary>θ of the theta line: 2 for STM and DSTM, optimised within [1, 1e10] for OTM and DOTM (NaN for naive).</summary>
    public double Theta { get; }

    /// <summary>Initial level ℓ₀ on the seasonally adjusted scale (NaN for naive).</summary>
    public double InitialLevel { get; }

    /// <summary>The seasonal adjustment applied before fitting.</summary>
    public ThetaSeasonalAdjustment SeasonalAdjustment => _seasonality.Kind;

    /// <summary>The period of <see cref="SeasonalAdjustment"/>; 1 when there is none.</summary>
    public int SeasonalPeriod => _seasonality.Period;

    /// <summary>
    /// One-step-ahead fitted values on the original scale, one per observation: element i predicts
    /// observation i from observations 0..i−1 (element 0 is the model's prediction from its initial state).
    /// </summary>
    public ReadOnlySpan<double> Fitted => _fitted;

    /// <summary>
    /// Mean squared one-step residual on the original scale over observations 3..n−1 (the first three
    /// are left out, as in the estimation); the σ² for Gaussian prediction intervals.
    /// </summary>
    public double ResidualVariance { get; }

    /// <summary>
    /// The selection criterion: mean squared one-step error on the seasonally adjusted scale over
    /// observations 3..n−1, the quantity <see cref="AutoTheta"/> compares across variants.
    /// </summary>
    public double Mse { get; }

    /// <summary>Human-readable summary, e.g. <c>DOTM(α=0.41, θ=1.73) on multiplicatively adjusted data (m=24)</c>.</summary>
    public string Description { get; }

    /// <summary>
    /// Point forecasts for the next <paramref name="horizon"/> steps: the recursion continued with its own
    /// predictions as observations, then seasonality restored. Always finite: should the recursion
    /// overflow, the last observation is repeated instead.
    /// </summary>
    public double[] Forecast(int horizon)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        var result = new double[horizon];
        if (Variant == ThetaVariant.Naive)
        {
            Array.Fill(result, _fallbackValue);
            return result;
        }
        _state.Forecast(result);
        var n = _fitted.Length;
        for (var h = 0; h < horizon; h++)
        {
            var value = _seasonality.Restore(result[h], n + h);
            if (!double.IsFinite(value))
            {
                Array.Fill(result, _fallbackValue);
                return result;
            }
            result[h] = value;
        }
        return result;
    }

    private string Describe()
    {
        if (Variant == ThetaVariant.Naive) return "naive (series too short or constant for theta)";
        var name = Variant switch
        {
            ThetaVariant.Standard => "STM",
            ThetaVariant.Optimized => "OTM",
            ThetaVariant.DynamicStandard => "DSTM",
            _ => "DOTM",
        };
        var adjustment = _seasonality.Kind switch
        {
            ThetaSeasonalAdjustment.Multiplicative => $" on multiplicatively adjusted data (m={_seasonality.Period})",
            ThetaSeasonalAdjustment.Additive => $" on additively adjusted data (m={_seasonality.Period})",
            _ => "",
        };
        return string.Create(CultureInfo.InvariantCulture, $"{name}(α={Alpha:G3}, θ={Theta:G3}){adjustment}");
    }
}
