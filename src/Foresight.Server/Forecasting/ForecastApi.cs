using System.Globalization;
using Foresight.Forecasting;
using Foresight.Series;
using Foresight.Server.Http;
using Foresight.Server.Security;
using Foresight.Server.Series;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Foresight.Server.Forecasting;

/// <summary>Forecasts of stored series, served from the background-refreshed cache.</summary>
public static class ForecastApi
{
    /// <summary>Longest horizon one request may ask for, in grid steps.</summary>
    public const int MaxHorizon = 10_000;

    internal static async Task<Results<Ok<ForecastResponse>, ProblemHttpResult>> GetForecast(HttpContext context, ITimeSeriesStore store, ForecastCache cache, long id, string? horizon, string? quantiles)
    {
        var tenant = TenantResolution.TenantOf(context);
        var series = await store.GetAsync(tenant, id, context.RequestAborted);
        if (series is null) return Problems.NotFound($"There is no series {id} for this tenant.");
        var h = ForecastCache.DefaultHorizon;
        if (horizon is not null && (!int.TryParse(horizon, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out h) || h < 1 || h > MaxHorizon))
            return Problems.BadRequest("Invalid query", $"horizon: '{horizon}' must be a whole number of steps from 1 to {MaxHorizon}");
        var levels = new List<double>();
        foreach (var text in (quantiles ?? "0.1,0.5,0.9").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var q) || !(q > 0 && q < 1))
            {
                return Problems.BadRequest("Invalid query", $"quantiles: '{text}' must be a number strictly between 0 and 1");
            }
            if (!levels.Contains(q)) levels.Add(q);   // a level asked for twice is answered once
        }
        var cached = await cache.GetAsync(tenant, id, h, context.RequestAborted);
        if (cached is null) return Problems.NotFound($"Series {id} has no data in the last {ForecastCache.HistoryWindow.TotalDays:0} days to forecast from.");
        var f = cached.Forecast;
        var mean = f.Outcome.Mean[..h];
        var values = ConformalIntervals.Quantiles(mean, f.Outcome.Errors, levels);
        return TypedResults.Ok(new ForecastResponse(
            new SeriesApi.SeriesDto(series.Id, series.Metric, series.Labels.ToDictionary()),
            f.Outcome.Description,
            cached.FittedAt,
            f.Step,
            h,
            f.Seasons,
            Enumerable.Range(0, h).Select(i => new[] { f.Timestamps[i], mean[i] }).ToList(),
            levels.Select((q, qi) => (q, qi)).ToDictionary(
                x => x.q.ToString(CultureInfo.InvariantCulture),
                x => Enumerable.Range(0, h).Select(i => new[] { f.Timestamps[i], values[x.qi][i] }).ToList())));
    }

    /// <summary>
    /// A forecast: <c>points</c> are [timestamp, mean]; <c>quantiles</c> maps each level to
    /// [timestamp, value]; <c>step</c> is the grid spacing in ms and <c>seasons</c> the detected periods in steps.
    /// </summary>
    public sealed record ForecastResponse(SeriesApi.SeriesDto Series, string Model, long FittedAt, long Step, int Horizon,
        IReadOnlyList<int> Seasons, List<double[]> Points, Dictionary<string, List<double[]>> Quantiles);
}
