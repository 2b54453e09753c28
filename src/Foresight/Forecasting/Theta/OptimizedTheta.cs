namespace Foresight.Forecasting;

/// <summary>
/// The optimised theta model (OTM) of Fiorucci et al. (IJF 2016): the theta method with θ chosen by
/// in-sample MSE together with α and ℓ₀, the trend line (A, B) fixed to the OLS line of the whole sample.
/// </summary>
/// <remarks>
/// <para>
/// Model (Fiorucci, Pellegrini, Louzada, Petropoulos &amp; Koehler, IJF 2016), zero-based i:
/// μ_i = ℓ_{i−1} + (1 − 1/θ)·[(1−α)^i·A_{i−1} + (1 − (1−α)^{i+1})/α·B_{i−1}] is the one-step prediction and
/// ℓ_i = α·y_i + (1−α)·ℓ_{i−1} the level, with A and B the intercept and slope of a linear trend line.
/// Forecasts run the recursion on with μ in place of the observation. Seasonality is removed first as in
/// <see cref="AutoTheta"/>. Estimation minimises the mean squared one-step error over all but the first three
/// observations with α ∈ [0.1, 0.99], ℓ₀ free and θ ∈ [1, 1e10] when optimised (statsforecast's bounds); ℓ₀ and
/// θ enter the errors linearly and are solved in closed form for each α, α by a grid and Nelder–Mead.
/// </para>
/// </remarks>
public sealed class OptimizedTheta : IForecastModel
{
    private static readonly ThetaVariant[] Candidates = [ThetaVariant.Optimized];

    /// <inheritdoc />
    public string Name => "otm";

    /// <summary>Fits the model on <paramref name="history"/>; the naive fallback for fewer than five points or a constant series.</summary>
    /// <param name="history">Observations, oldest first, at least one.</param>
    /// <param name="seasons">Seasonal periods, shortest first; only the first is used. Empty for none.</param>
    public ThetaFit Fit(ReadOnlySpan<double> history, IReadOnlyList<int> seasons) =>
        ThetaFitter.Fit(history, seasons, Candidates, autoSeasonality: true);

    /// <inheritdoc />
    public ModelForecast Forecast(ReadOnlySpan<double> history, int horizon, IReadOnlyList<int> seasons)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        return ThetaFitter.Forecast(Fit(history, seasons), horizon);
    }
}
