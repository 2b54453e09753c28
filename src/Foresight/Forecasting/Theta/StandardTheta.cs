namespace Foresight.Forecasting;

/// <summary>
/// The standard theta method (STM) of Assimakopoulos &amp; Nikolopoulos (IJF 2000) as the M4 benchmark
/// "Theta" and R's <c>forecast::thetaf</c> compute it, using Hyndman &amp; Billah's (IJF 2003) result that
/// it equals simple exponential smoothing with drift.
/// </summary>
/// <remarks>
/// <para>
/// When the series is seasonal by the M4 test on the first season m
/// (<see cref="ClassicalDecomposition.IsSeasonal"/>) it is divided by classical multiplicative
/// indices (<see cref="ClassicalDecomposition.MultiplicativeIndices"/>). On the adjusted series x of length n,
/// SES is fitted by least squares over α ∈ [1e-4, 0.9999] and the initial level (as <c>ses</c>/<c>ets</c>
/// do), b is the OLS slope of x on time, and the forecast is the theta line with θ = 2:
/// ŷ(n+h) = ℓ_n + (b/2)·(h − 1 + (1 − (1−α)^n)/α), multiplied back by the index of its cycle position.
/// The one-step fitted values apply the same formula at every origin.
/// </para>
/// <para>
/// Standalone, the multiplicative adjustment follows thetaf (none when an index is below 1e-4); inside
/// <see cref="AutoTheta"/> STM is fitted on AutoTheta's adjusted series instead. R's thetaf scores
/// sMAPE 18.14 / OWA 1.006 on M4 Hourly with m = 24: a yardstick, not a strong model for hourly data.
/// </para>
/// </remarks>
public sealed class StandardTheta : IForecastModel
{
    private static readonly ThetaVariant[] Candidates = [ThetaVariant.Standard];

    /// <inheritdoc />
    public string Name => "stm";

    /// <summary>Fits STM on <paramref name="history"/>; the naive fallback for fewer than five points or a constant series.</summary>
    /// <param name="history">Observations, oldest first, at least one.</param>
    /// <param name="seasons">Seasonal periods, shortest first; only the first is used. Empty for none.</param>
    public ThetaFit Fit(ReadOnlySpan<double> history, IReadOnlyList<int> seasons) =>
        ThetaFitter.Fit(history, seasons, Candidates, autoSeasonality: false);

    /// <inheritdoc />
    public ModelForecast Forecast(ReadOnlySpan<double> history, int horizon, IReadOnlyList<int> seasons)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        return ThetaFitter.Forecast(Fit(history, seasons), horizon);
    }
}
