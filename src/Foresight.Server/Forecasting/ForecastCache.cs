using System.Collections.Concurrent;
using Foresight.Forecasting;
using Foresight.Series;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Foresight.Server.Forecasting;

/// <summary>A cached forecast and what it was fitted on.</summary>
public sealed record CachedForecast(SeriesForecast Forecast, long FittedAt, long LastDataTimestamp);

/// <summary>
/// Forecasts of stored series, kept fresh in the background and served from memory: every
/// refresh interval (<c>ForesightServerOptions.ForecastRefreshInterval</c>) each series whose newest point is
/// newer than its cached forecast is refitted on its last <see cref="HistoryWindow"/> of data
/// (oldest forecasts first, a bounded number per round). A request for a series without a fresh
/// enough forecast, or for a longer horizon, is fitted on the spot and cached.
/// </summary>
public sealed class ForecastCache(ITimeSeriesStore store, TimeProvider time, TimeSpan refreshInterval, ILogger<ForecastCache> logger) : BackgroundService
{
    /// <summary>How much history a forecast is fitted on.</summary>
    public static readonly TimeSpan HistoryWindow = TimeSpan.FromDays(28);

    /// <summary>Horizon (grid steps) of the forecasts refreshed in the background.</summary>
    public const int DefaultHorizon = 48;

    private const int MaxPerRound = 500;
    private readonly ConcurrentDictionary<(string Tenant, long Id), CachedForecast> _cache = new();

    /// <summary>The cached forecast covering <paramref name="horizon"/> steps, fitting it now when missing.</summary>
    public async ValueTask<CachedForecast?> GetAsync(string tenant, long id, int horizon, CancellationToken cancellationToken = default)
    {
        if (_cache.TryGetValue((tenant, id), out var cached) && cached.Forecast.Timestamps.Length >= horizon) return cached;
        return await RefitAsync(tenant, id, Math.Max(horizon, DefaultHorizon), cancellationToken);
    }

    /// <summary>Fits and caches one series' forecast; null when the series has no data in the window.</summary>
    public async ValueTask<CachedForecast?> RefitAsync(string tenant, long id, int horizon, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var points = new List<Point>();
        if (!await store.ReadAsync(tenant, id, now - (long)HistoryWindow.TotalMilliseconds, long.MaxValue, points, cancellationToken) || points.Count == 0) return null;
        var forecast = SeriesForecasting.Forecast(points, horizon, []);
        if (forecast is null) return null;
        var entry = new CachedForecast(forecast, now, points[^1].Timestamp);
        _cache[(tenant, id)] = entry;
        return entry;
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
                due.Add((tenant, s, _cache.TryGetValue((tenant, s.Id), out var c) ? c.FittedAt : long.MinValue));
            }
        }
        var refreshed = 0;
        var last = new List<Point>();
        foreach (var (tenant, series, _) in due.OrderBy(d => d.FittedAt).Take(MaxPerRound))
        {
            ct.ThrowIfCancellationRequested();
            if (_cache.TryGetValue((tenant, series.Id), out var cached))
            {
                last.Clear();
                var now = time.GetUtcNow().ToUnixTimeMilliseconds();
                await store.ReadAsync(tenant, series.Id, cached.LastDataTimestamp + 1, now + 1, last, ct);
                if (last.Count == 0) continue;   // no new data since the last fit
            }
            if (await RefitAsync(tenant, series.Id, Math.Max(DefaultHorizon, cached?.Forecast.Timestamps.Length ?? 0), ct) is not null) refreshed++;
        }
        if (refreshed > 0) Log.ForecastsRefreshed(logger, refreshed);
    }
}
