using System.Collections.Concurrent;
using Foresight.Forecasting;
using Foresight.Series;
using Foresight.Server.Concurrency;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Foresight.Server.Forecasting;

/// <summary>A cached forecast and what it was fitted on.</summary>
public sealed record CachedForecast(SeriesForecast Forecast, long FittedAt, long LastDataTimestamp);

/// <summary>
/// Forecasts of stored series, fitted when first asked for, then kept fresh in the background and served from
/// memory. A request for a series without a forecast, or for a longer horizon, has it fitted (by the
/// <see cref="ForecasterService"/>, off the request's thread) and cached; requests for the same series meanwhile
/// wait for that one fit. Every refresh interval (<c>ForesightServerOptions.ForecastRefreshInterval</c>) each
/// cached series whose newest point is newer than its forecast is refitted on its last <see cref="HistoryWindow"/>
/// of data, oldest forecasts first, at most <see cref="MaxPerRound"/> per round. Only series someone asked for are
/// refreshed: a fleet of 100,000 series cannot all be refitted every minute (one fit takes tens to hundreds of
/// milliseconds), and a forecast nobody reads would only cost memory.
/// </summary>
public sealed class ForecastCache(ITimeSeriesStore store, ForecasterService forecaster, TimeProvider time, TimeSpan refreshInterval,
    ILogger<ForecastCache> logger) : BackgroundService
{
    /// <summary>How much history a forecast is fitted on.</summary>
    public static readonly TimeSpan HistoryWindow = TimeSpan.FromDays(28);

    /// <summary>Horizon (grid steps) of the forecasts refreshed in the background.</summary>
    public const int DefaultHorizon = 48;

    /// <summary>Forecasts refitted per refresh round at most; with more due, each is refitted every ⌈due / 500⌉ rounds, oldest first.</summary>
    public const int MaxPerRound = 500;

    // Stamped with the horizon fitted (grid steps); a series without data in the window is not kept.
    private readonly SingleFlightCache<(string Tenant, long Id), int, CachedForecast?> _cache = new();

    /// <summary>How many requests waited for a fit another request or the refresh had started, instead of fitting again.</summary>
    internal long SharedFits => _cache.Shared;

    /// <summary>The cached forecast covering <paramref name="horizon"/> steps, fitting it now when missing; null when the series has no data in the window.</summary>
    public async ValueTask<CachedForecast?> GetAsync(string tenant, long id, int horizon, CancellationToken cancellationToken = default)
    {
        var fit = Math.Max(horizon, DefaultHorizon);
        return await _cache.GetAsync((tenant, id), fitted => fitted >= horizon, fit, () => FitAsync(tenant, id, fit), Keep).WaitAsync(cancellationToken);
    }

    /// <summary>Fits and caches one series' forecast (sharing a fit of it already running); null when the series has no data in the window.</summary>
    public async ValueTask<CachedForecast?> RefitAsync(string tenant, long id, int horizon, CancellationToken cancellationToken = default) =>
        await _cache.RefreshAsync((tenant, id), horizon, () => FitAsync(tenant, id, horizon), Keep).WaitAsync(cancellationToken);

    private static bool Keep(CachedForecast? forecast) => forecast is not null;

    /// <summary>Reads the series' window and fits it; shared by every caller waiting for it, so no caller's token cancels it.</summary>
    private async Task<CachedForecast?> FitAsync(string tenant, long id, int horizon)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var points = new List<Point>();
        if (!await store.ReadAsync(tenant, id, now - (long)HistoryWindow.TotalMilliseconds, long.MaxValue, points, CancellationToken.None) || points.Count == 0) return null;
        var forecast = await forecaster.ForecastAsync(points, horizon);
        return forecast is null ? null : new CachedForecast(forecast, now, points[^1].Timestamp);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(refreshInterval, time);
        do
        {
            try
            {
                await Task.Run(() => RefreshRoundAsync(stoppingToken), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.ForecastRefreshFailed(logger, ex);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task RefreshRoundAsync(CancellationToken ct)
    {
        // The series asked for whose fit has completed (one still running is as fresh as it gets).
        var due = new List<(string Tenant, long Id, CachedForecast Cached)>();
        foreach (var key in _cache.Keys)
        {
            if (_cache.TryGetCompleted(key, out _, out var cached) && cached is not null) due.Add((key.Tenant, key.Id, cached));
        }
        var refreshed = 0;
        var last = new List<Point>();
        foreach (var (tenant, id, cached) in due.OrderBy(d => d.Cached.FittedAt).Take(MaxPerRound))
        {
            ct.ThrowIfCancellationRequested();
            last.Clear();
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            await store.ReadAsync(tenant, id, cached.LastDataTimestamp + 1, now + 1, last, ct);
            if (last.Count == 0) continue;   // no new data since the last fit
            if (await RefitAsync(tenant, id, Math.Max(DefaultHorizon, cached.Forecast.Timestamps.Length), ct) is not null) refreshed++;
        }
        if (refreshed > 0) Log.ForecastsRefreshed(logger, refreshed);
    }
}
