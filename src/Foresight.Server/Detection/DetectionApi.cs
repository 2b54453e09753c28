using Foresight.Detection.Incidents;
using Foresight.Server.Http;
using Foresight.Server.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Foresight.Server.Detection;

/// <summary>Anomalies and incidents found by live detection, scoped to the caller's tenant.</summary>
public static class DetectionApi
{
    /// <summary><c>GET /api/v1/incidents</c>: the tenant's open and recent incidents.</summary>
    internal static Ok<IncidentListResponse> Incidents(HttpContext context, IncidentTracker tracker) =>
        TypedResults.Ok(new IncidentListResponse(tracker.List(TenantResolution.TenantOf(context))));

    /// <summary><c>GET /api/v1/anomalies?from=&amp;to=&amp;severity=</c>: anomalous points of the last day (or the range), at or above a severity.</summary>
    internal static Results<Ok<AnomalyListResponse>, ProblemHttpResult> Anomalies(HttpContext context, DetectionPipeline pipeline, TimeProvider time, string? from, string? to, string? severity)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (!QueryValues.TryLong(to, now + 1, out var toMs)) return Problems.BadRequest("Invalid query", $"to: '{to}' is not an integer Unix time in milliseconds");
        if (!QueryValues.TryLong(from, toMs - 86_400_000, out var fromMs)) return Problems.BadRequest("Invalid query", $"from: '{from}' is not an integer Unix time in milliseconds");
        if (fromMs >= toMs) return Problems.BadRequest("Invalid query", $"from ({fromMs}) must be before to ({toMs})");
        var minimum = Severity.Low;
        if (severity is not null && (!Enum.TryParse(severity, ignoreCase: true, out minimum) || !Enum.IsDefined(minimum) || int.TryParse(severity, out _)))
        {
            return Problems.BadRequest("Invalid query", $"severity: '{severity}' is not one of low, medium, high, critical");
        }
        var list = pipeline.Anomalies(TenantResolution.TenantOf(context), fromMs, toMs, minimum)
            .Select(a => new AnomalyDto(a.Point.SeriesId, a.Point.Series, a.Point.Service, a.Point.Timestamp, a.Point.Value, a.Point.Score,
                [a.Point.ExpectedLow, a.Point.ExpectedHigh], a.Severity.ToString().ToLowerInvariant(), a.Point.Detectors))
            .ToList();
        return TypedResults.Ok(new AnomalyListResponse(list));
    }

    /// <summary>An anomalous point: its series, time, value and score, the expected range [low, high], severity and the detectors that fired.</summary>
    public sealed record AnomalyDto(long SeriesId, string Series, string Service, long Timestamp, double Value, double Score, double[] Expected,
        string Severity, IReadOnlyList<string> Detectors);

    /// <summary><c>{"anomalies":[...]}</c>, oldest first.</summary>
    public sealed record AnomalyListResponse(List<AnomalyDto> Anomalies);

    /// <summary><c>{"incidents":[...]}</c></summary>
    public sealed record IncidentListResponse(IReadOnlyList<Incident> Incidents);
}
