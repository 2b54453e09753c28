namespace Foresight.Forecasting;

/// <summary>
/// A forecasting model: fits a history of equally spaced observations and returns point
/// forecasts for the next <c>horizon</c> steps. Implementations are stateless and thread-safe
/// (one instance serves many series in parallel); the fit lives only inside the call.
/// </summary>
/// <remarks>
/// Contract for every model: the history is finite (callers fill gaps first), has at least one
/// value, and may be shorter than two seasons, in which case the model must fall back to a
/// simpler form rather than throw. The returned array has exactly <c>horizon</c> finite values.
/// </remarks>
public interface IForecastModel
{
    /// <summary>Short, stable name used on the command line and in reports (e.g. <c>ets</c>, <c>theta</c>).</summary>
    string Name { get; }

    /// <summary>Fits <paramref name="history"/> and forecasts <paramref name="horizon"/> steps ahead.</summary>
    /// <param name="history">Observations, oldest first, no NaN.</param>
    /// <param name="horizon">Steps to forecast (≥ 1).</param>
    /// <param name="seasons">Seasonal periods in steps, shortest first (e.g. [24, 168] for hourly data); empty for none.</param>
    ModelForecast Forecast(ReadOnlySpan<double> history, int horizon, IReadOnlyList<int> seasons);
}

/// <summary>A model's forecast: point forecasts and, where the model has them, its own description.</summary>
/// <param name="Mean">Point forecasts, one per step.</param>
/// <param name="Description">What was fitted, e.g. <c>ETS(A,Ad,N) on MSTL(24,168) adjusted data</c>.</param>
public sealed record ModelForecast(double[] Mean, string Description);
