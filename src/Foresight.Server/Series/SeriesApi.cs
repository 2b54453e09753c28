using Foresight.Query;
using Foresight.Series;
using Foresight.Server.Http;
using Foresight.Server.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Foresight.Server.Series;

/// <summary>Series discovery and point queries, scoped to the caller's tenant.</summary>
public static class SeriesApi
{
    /// <summary>Largest number of points one query returns; ask for a step to read more history.</summary>
    public const int MaxPoints = 500_000;

    internal static async Task<Results<SeriesListResult, ProblemHttpResult>> ListSeries(HttpContext context, ITimeSeriesStore store, string? match)
    {
        SeriesSelector? selector;
        if (string.IsNullOrWhiteSpace(match)) selector = SeriesSelector.All;
        else if (!SeriesSelector.TryParse(match, out selector, out var error))
        {
            return Problems.BadRequest("Invalid series selector", $"match: {error}");
        }
        var series = await store.FindAsync(TenantResolution.TenantOf(context), selector, context.RequestAborted);
        return new SeriesListResult(series);
    }

    internal static async Task<Results<PointsResult, ProblemHttpResult>> ReadPoints(HttpContext context, ITimeSeriesStore store, TimeProvider time, long id,
        string? from, string? to, string? step, string? agg)
    {
        var tenant = TenantResolution.TenantOf(context);
        var series = await store.GetAsync(tenant, id, context.RequestAborted);
        if (series is null) return Problems.NotFound($"There is no series {id} for this tenant.");
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (!QueryValues.TryLong(to, now + 1, out var toMs)) return Problems.BadRequest("Invalid query", $"to: '{to}' is not an integer Unix time in milliseconds");
        if (!QueryValues.TryLong(from, toMs - 3_600_000, out var fromMs)) return Problems.BadRequest("Invalid query", $"from: '{from}' is not an integer Unix time in milliseconds");
        if (fromMs >= toMs) return Problems.BadRequest("Invalid query", $"from ({fromMs}) must be before to ({toMs})");
        if (!QueryValues.TryLong(step, 0, out var stepMs) || stepMs < 0 || (step is not null && stepMs == 0)) return Problems.BadRequest("Invalid query", $"step: '{step}' must be a positive integer of milliseconds");
        if (!Downsampler.TryParse(agg, out var aggregation))
        {
            return Problems.BadRequest("Invalid query", $"agg: '{agg}' is not one of avg, min, max, sum, count, p50, p95, p99");
        }
        if (agg is not null && stepMs == 0) return Problems.BadRequest("Invalid query", "agg needs a step (e.g. step=60000)");
        if (stepMs > 0 && ((double)toMs - fromMs) / stepMs > MaxPoints)   // in double: to − from can exceed a long
        {
            return Problems.BadRequest("Too many points", $"from..to at step {stepMs} ms gives more than {MaxPoints} buckets; use a larger step");
        }

        var points = new List<Point>();
        await store.ReadAsync(tenant, id, fromMs, toMs, points, context.RequestAborted);
        if (stepMs > 0) points = Downsampler.Downsample(points, fromMs, stepMs, aggregation);
        else if (points.Count > MaxPoints)
        {
            return Problems.BadRequest("Too many points", $"the range holds {points.Count} points, more than {MaxPoints}; pass a step and an agg");
        }
        return new PointsResult(series, points);
    }

    /// <summary>One series in a listing.</summary>
    public sealed record SeriesDto(long Id, string Metric, Dictionary<string, string> Labels);

    /// <summary>
    /// <c>{"series":{...},"points":[[ts,value],...]}</c>, oldest first; a value that is NaN or infinite is the string
    /// <c>"NaN"</c>, <c>"+Inf"</c> or <c>"-Inf"</c>. Written by <see cref="PointsResult"/>; this record gives the OpenAPI schema.
    /// </summary>
    public sealed record PointsResponse(SeriesDto Series, List<double[]> Points);

    /// <summary><c>{"series":[...]}</c>. Written by <see cref="SeriesListResult"/>; this record gives the OpenAPI schema.</summary>
    public sealed record SeriesListResponse(List<SeriesDto> Series);
}
