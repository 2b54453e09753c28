using Foresight.Series;
using Foresight.Server.Observability;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Foresight.Server.Observability;

/// <summary>Self-observability: <c>/metrics</c>, <c>/healthz</c>, <c>/readyz</c>.</summary>
public static class OpsApi
{
    /// <summary>Maps the operational endpoints (no API key needed).</summary>
    public static IEndpointRouteBuilder MapOpsApi(this IEndpointRouteBuilder app, Func<bool> ready)
    {
        app.MapGet("/metrics", async (ServerMetrics metrics, ITimeSeriesStore store, CancellationToken cancellationToken) =>
            TypedResults.Text(metrics.Render(await store.GetStatsAsync(cancellationToken)), "text/plain; version=0.0.4; charset=utf-8"));
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" }));
        app.MapGet("/readyz", () => ready()
            ? Results.Ok(new { status = "ready" })
            : Results.Problem("The store is still opening.", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready"));
        return app;
    }
}
