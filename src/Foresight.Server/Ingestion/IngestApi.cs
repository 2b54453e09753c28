using Foresight.Ingestion;
using Foresight.Series;
using Foresight.Server.Http;
using Foresight.Server.Observability;
using Foresight.Server.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;

namespace Foresight.Server.Ingestion;

/// <summary>
/// Ingestion endpoints: Foresight's JSON batches, Prometheus remote-write 1.0 and OTLP/HTTP
/// metrics. Each request is one batch, decoded whole (a body that does not decode stores nothing);
/// the store then keeps the good series and points and refuses the others, so one bad series never
/// holds back the rest. How each protocol reports a partial refusal follows its contract (see the
/// endpoints); a failure of the store itself stores nothing and is answered as retryable.
/// </summary>
public static partial class IngestApi
{
    /// <summary>
    /// <c>POST /api/v1/ingest</c>: a JSON batch; 200 with the points accepted and dropped. When points are
    /// refused, 400 with the refusals and, beside them, <c>accepted</c> and <c>dropped</c> for the points that
    /// were stored all the same (sending the batch again is harmless: the newest write of a timestamp wins).
    /// </summary>
    internal static async Task<Results<Ok<IngestResponse>, ProblemHttpResult>> IngestJson(HttpContext context, IngestWriter writer, ServerMetrics metrics,
        RequestLimits limits, ILoggerFactory loggers)
    {
        var (body, error) = await RequestBody.ReadAsync(context.Request, limits.MaxBodyBytes, context.RequestAborted);
        if (error is not null) return error;
        using (body)
        {
            var logger = Logger(loggers);
            if (!JsonIngestParser.TryParse(body!.Span, out var series, out var count, out var parseError))
            {
                return Reject("json", TenantResolution.TenantOf(context), Problems.BadRequest("Invalid ingest batch", parseError), metrics, logger, parseError, 0);
            }
            var (stored, problem) = await StoreAsync(context, writer, metrics, logger, "json", series, count);
            if (stored is null) return problem!;
            return stored.Accepted ? TypedResults.Ok(new IngestResponse(stored.PointsAccepted, stored.PointsDropped)) : Problems.Rejected(stored);
        }
    }

    /// <summary>
    /// Writes a decoded batch. Returns the store's result (what it stored and refused; refusals counted and
    /// logged), or, when the store could not write at all, the retryable problem to answer and no result.
    /// </summary>
    private static async Task<(AppendResult? Stored, ProblemHttpResult? Problem)> StoreAsync(HttpContext context, IngestWriter writer, ServerMetrics metrics,
        ILogger logger, string protocol, IReadOnlyList<SeriesWrite> series, int points, bool retryableAs503 = false)
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
            return (null, Reject(protocol, tenant, TypedResults.Problem($"{ex.Message}. Send the batch again once the server has space.",
                statusCode: retryableAs503 ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status507InsufficientStorage,
                title: "Batch not stored"), metrics, logger, ex.Message, points));
        }
        if (result.PointsAccepted > 0) metrics.PointsIngested.Add(result.PointsAccepted, new KeyValuePair<string, object?>("protocol", protocol));
        if (!result.Accepted)
        {
            var problem = Problems.Rejected(result);
            Reject(protocol, tenant, problem, metrics, logger, problem.ProblemDetails.Detail ?? "", result.PointsRejected);
        }
        return (result, null);
    }

    private static ProblemHttpResult Reject(string protocol, string tenant, ProblemHttpResult problem, ServerMetrics metrics, ILogger logger, string reason, int points)
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
