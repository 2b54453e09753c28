using Foresight.Forecasting;
using Foresight.Series;

namespace Foresight.Server.Forecasting;

/// <summary>What a model fit of <see cref="ForecasterService"/> is for.</summary>
public enum ForecastFit
{
    /// <summary>A stored series' forecast, as <c>GET /api/v1/series/{id}/forecast</c> serves it (<see cref="ForecastCache"/>).</summary>
    Series,

    /// <summary>A scaling workload's demand forecaster, built from its history (<see cref="Foresight.Scaling.DemandForecaster"/>).</summary>
    Demand,
}

/// <summary>
/// The server's model fitting: every forecast fitted in the server starts here, the API's series forecasts
/// (<see cref="SeriesForecasting.Forecast"/>: the automatic forecaster over the series' own grid) and the
/// scaling workloads' demand forecasters (<see cref="Foresight.Scaling.DemandForecaster"/>, whose model and
/// grid are its own, so <c>eval scaling</c> and the server decide alike). Fits run on the thread pool, never on
/// the thread of a request or of a workload's decision loop; demand builds, which keep a core busy for seconds
/// each, run at most half the cores at a time. <see cref="FitStarting"/> hears every fit (tests count them).
/// </summary>
/// <remarks>
/// A demand forecaster refits its model once a day inside <see cref="Foresight.Scaling.DemandForecaster.Observe"/>,
/// on its workload's loop; those refits are part of its online state and stay there.
/// </remarks>
public sealed class ForecasterService
{
    private readonly SemaphoreSlim _builds = new(Math.Max(1, Environment.ProcessorCount / 2));

    /// <summary>Raised as each fit starts, on the thread that runs it.</summary>
    public event Action<ForecastFit>? FitStarting;

    /// <summary>
    /// Forecasts <paramref name="horizon"/> grid steps past the last of <paramref name="points"/> with the automatic
    /// forecaster (no quantile levels: callers derive them from the outcome's errors); null when no point is finite.
    /// </summary>
    public Task<SeriesForecast?> ForecastAsync(IReadOnlyList<Point> points, int horizon, CancellationToken cancellationToken = default) =>
        Task.Run(() =>
        {
            FitStarting?.Invoke(ForecastFit.Series);
            return SeriesForecasting.Forecast(points, horizon, []);
        }, cancellationToken);

    /// <summary>
    /// Runs <paramref name="build"/> (reading a workload's history and building its demand forecaster) on the thread
    /// pool once fewer than half the cores' worth of builds run; decisions go on without a forecast meanwhile.
    /// </summary>
    public async Task<T> BuildDemandAsync<T>(Func<CancellationToken, Task<T>> build, CancellationToken cancellationToken)
    {
        await _builds.WaitAsync(cancellationToken);
        try
        {
            return await Task.Run(() =>
            {
                FitStarting?.Invoke(ForecastFit.Demand);
                return build(cancellationToken);
            }, cancellationToken);
        }
        finally
        {
            _builds.Release();
        }
    }
}
