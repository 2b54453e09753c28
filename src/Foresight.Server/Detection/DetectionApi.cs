using Foresight.Detection.Incidents;
using Foresight.Server.Detection;
using Foresight.Server.Http;
using Foresight.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Foresight.Server.Detection;

/// <summary>Anomalies and incidents found by live detection, scoped to the caller's tenant.</summary>
public static class DetectionApi
{
    /// <summary>Maps <c>GET /api/v1/anomalies</c> and <c>GET /api/v1/incidents</c>.</summary>
    public static IEndpointRouteBuilder MapDetectionApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/anomalies", Anomalies);
        app.MapGet("/api/v1/incidents", (HttpContext context, IncidentTracker tracker) =>
            TypedResults.Ok(new { incidents = tracker.List(TenantResolution.TenantOf(context)) }));
        return app;
    }

    private static IResult Anomalies(HttpContext context, DetectionPipeline pipeline, TimeProvider time, string? from, string? to, string? severity)
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
            .Select(a => new
            {
                seriesId = a.Point.SeriesId,
                series = a.Point.Series,
                service = a.Point.Service,
                timestamp = a.Point.Timestamp,
                value = a.Point.Value,
                score = a.Point.Score,
                expected = new[] { a.Point.ExpectedLow, a.Point.ExpectedHigh },
                severity = a.Severity.ToString().ToLowerInvariant(),
                detectors = a.Point.Detectors,
            });
        return TypedResults.Ok(new { anomalies = list });
    }
}
