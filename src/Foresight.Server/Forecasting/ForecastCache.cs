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
/// Forecasts of stored series, kept fresh in the background and served from memory: every refresh interval
/// (<c>ForesightServerOptions.ForecastRefreshInterval</c>) each series whose newest point is
/// newer than its cached forecast is refitted on its last <see cref="HistoryWindow"/> of data
/// (oldest forecasts first, a bounded number per round). A request for a series without a forecast, or for a
/// longer horizon, has it fitted (by the <see cref="ForecasterService"/>, off the request's thread) and cached;
/// requests for the same series meanwhile wait for that one fit.
/// </summary>
public sealed class ForecastCache(ITimeSeriesStore store, ForecasterService forecaster, TimeProvider time, TimeSpan refreshInterval,
    ILogger<ForecastCache> logger) : BackgroundService
{
    /// <summary>How much history a forecast is fitted on.</summary>
    public static readonly TimeSpan HistoryWindow = TimeSpan.FromDays(28);

    /// <summary>Horizon (grid steps) of the forecasts refreshed in the background.</summary>
    public const int DefaultHorizon = 48;

    private const int MaxPerRound = 500;

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
        var due = new List<(string Tenant, SeriesInfo Series, long FittedAt)>();
        foreach (var tenant in await store.TenantsAsync(ct))
        {
            foreach (var s in await store.FindAsync(tenant, SeriesSelector.All, ct))
            {
                due.Add((tenant, s, _cache.TryGetCompleted((tenant, s.Id), out _, out var c) && c is not null ? c.FittedAt : long.MinValue));
            }
        }
        var refreshed = 0;
        var last = new List<Point>();
        foreach (var (tenant, series, _) in due.OrderBy(d => d.FittedAt).Take(MaxPerRound))
        {
            ct.ThrowIfCancellationRequested();
            var found = _cache.TryGetCompleted((tenant, series.Id), out _, out var cached) && cached is not null;
            if (found)
            {
                last.Clear();
                var now = time.GetUtcNow().ToUnixTimeMilliseconds();
                await store.ReadAsync(tenant, series.Id, cached!.LastDataTimestamp + 1, now + 1, last, ct);
                if (last.Count == 0) continue;   // no new data since the last fit
            }
            if (await RefitAsync(tenant, series.Id, Math.Max(DefaultHorizon, cached?.Forecast.Timestamps.Length ?? 0), ct) is not null) refreshed++;
        }
        if (refreshed > 0) Log.ForecastsRefreshed(logger, refreshed);
    }
}
