using Foresight.Ingestion;
using Foresight.Series;
using Foresight.Server.Http;
using Foresight.Server.Observability;
using Foresight.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Foresight.Server.Ingestion;

/// <summary>
/// Ingestion endpoints: Foresight's JSON batches, Prometheus remote-write 1.0 and OTLP/HTTP
/// metrics. Each request is one batch: validated whole, stored whole or not at all.
/// </summary>
public static partial class IngestApi
{
    /// <summary>Maps <c>POST /api/v1/ingest</c>, <c>POST /api/v1/write</c> and <c>POST /v1/metrics</c>.</summary>
    public static IEndpointRouteBuilder MapIngestApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/ingest", IngestJson).DisableAntiforgery();
        MapProtocols(app);
        return app;
    }

    static partial void MapProtocols(IEndpointRouteBuilder app);

    private static async Task<IResult> IngestJson(HttpContext context, IngestWriter writer, ServerMetrics metrics,
        RequestLimits limits, ILoggerFactory loggers)
    {
        var (body, error) = await RequestBody.ReadAsync(context.Request, limits.MaxBodyBytes, context.RequestAborted);
        if (error is not null) return error;
        using (body)
        {
            if (!JsonIngestParser.TryParse(body!.Span, out var series, out var count, out var parseError))
            {
                return Reject("json", TenantResolution.TenantOf(context), Problems.BadRequest("Invalid ingest batch", parseError), metrics, Logger(loggers), parseError, 0);
            }
            return await StoreAsync(context, writer, metrics, Logger(loggers), "json", series, count, r => TypedResults.Ok(new IngestResponse(r.PointsAccepted, r.PointsDropped)));
        }
    }

    private static async Task<IResult> StoreAsync(HttpContext context, IngestWriter writer, ServerMetrics metrics, ILogger logger, string protocol,
        IReadOnlyList<SeriesWrite> series, int points, Func<AppendResult, IResult> onSuccess, bool retryableAs503 = false)
    {
        var tenant = TenantResolution.TenantOf(context);
        AppendResult result;
        try
        {
            result = await writer.WriteAsync(tenant, series, context.RequestAborted);
        }
        catch (StoreWriteException ex)
        {
            // 507 Insufficient Storage (RFC 4918 §11.5): the request was fine, the server could not keep it. OTLP
            // exporters retry only 429, 502, 503 and 504 and drop anything else, so they get 503 with a Retry-After.
            if (retryableAs503) context.Response.Headers.RetryAfter = "30";
            return Reject(protocol, tenant, TypedResults.Problem($"{ex.Message}. Send the batch again once the server has space.",
                statusCode: retryableAs503 ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status507InsufficientStorage,
                title: "Batch not stored"), metrics, logger, ex.Message, points);
        }
        if (!result.Accepted)
        {
            var problem = Problems.Rejected(result);
            return Reject(protocol, tenant, problem, metrics, logger, problem.ProblemDetails.Detail ?? "", points);
        }
        metrics.PointsIngested.Add(result.PointsAccepted, new KeyValuePair<string, object?>("protocol", protocol));
        return onSuccess(result);
    }

    private static IResult Reject(string protocol, string tenant, IResult problem, ServerMetrics metrics, ILogger logger, string reason, int points)
    {
        metrics.PointsRejected.Add(Math.Max(points, 1), new KeyValuePair<string, object?>("protocol", protocol));
        Log.IngestRejected(logger, protocol, tenant, reason);
        return problem;
    }

    /// <summary>The category ingest rejections are logged under.</summary>
    private static ILogger Logger(ILoggerFactory loggers) => loggers.CreateLogger("Foresight.Server.Ingestion");

    /// <summary>Response of a JSON ingest: points stored and points dropped by policy (staleness markers, NaN with policy drop).</summary>
    public sealed record IngestResponse(int Accepted, int Dropped);
}
