using Foresight.Ingestion;
using Foresight.Server.Http;
using Foresight.Server.Observability;
using Foresight.Server.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;

namespace Foresight.Server.Ingestion;

public static partial class IngestApi
{
    internal const string Protobuf = "application/x-protobuf";

    /// <summary>
    /// Prometheus remote-write 1.0: a snappy block-compressed protobuf <c>WriteRequest</c>.
    /// 204 on success; 400 (which Prometheus does not retry) when the batch is refused.
    /// </summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> RemoteWrite(HttpContext context, IngestWriter writer, ServerMetrics metrics,
        RequestLimits limits, ILoggerFactory loggers)
    {
        var (body, error) = await RequestBody.ReadAsync(context.Request, limits.MaxBodyBytes, context.RequestAborted, opaqueEncoding: "snappy");
        if (error is not null) return error;
        using (body)
        {
            var logger = Logger(loggers);
            if (!RemoteWriteDecoder.TryDecode(body!.Span, out var series, out var samples, out var decodeError, (int)Math.Min(int.MaxValue, limits.MaxBodyBytes * 4)))
            {
                return Reject("remote_write", TenantResolution.TenantOf(context), Problems.BadRequest("Invalid remote-write request", decodeError), metrics, logger, decodeError, 0);
            }
            var (stored, problem) = await StoreAsync(context, writer, metrics, logger, "remote_write", series, samples);
            return stored is null ? problem! : TypedResults.NoContent();
        }
    }

    /// <summary>
    /// OTLP/HTTP metrics (<c>application/x-protobuf</c> or <c>application/json</c>), mapped to series as
    /// the OpenTelemetry-to-Prometheus compatibility specification says. Answers an
    /// <c>ExportMetricsServiceResponse</c> in the request's encoding, with partial success for
    /// data points the mapping cannot represent (delta temporality, exponential histograms). A batch the
    /// store cannot write gets 503 with <c>Retry-After</c>, since OTLP/HTTP clients retry only 429, 502,
    /// 503 and 504 (https://opentelemetry.io/docs/specs/otlp/#retryable-response-codes).
    /// </summary>
    internal static async Task<Results<ContentHttpResult, FileContentHttpResult, ProblemHttpResult>> Otlp(HttpContext context, IngestWriter writer,
        ServerMetrics metrics, RequestLimits limits, ILoggerFactory loggers)
    {
        var contentType = context.Request.ContentType ?? "";
        var json = contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase);
        if (!json && !contentType.StartsWith(Protobuf, StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem($"Content-Type '{contentType}' is not supported; OTLP/HTTP uses {Protobuf} or application/json.",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");
        }
        var (body, error) = await RequestBody.ReadAsync(context.Request, limits.MaxBodyBytes, context.RequestAborted);
        if (error is not null) return error;
        using (body)
        {
            var logger = Logger(loggers);
            var ok = json
                ? OtlpMetricsDecoder.TryDecodeJson(body!.Span, out var result, out var decodeError)
                : OtlpMetricsDecoder.TryDecodeProtobuf(body!.Span, out result, out decodeError);
            if (!ok)
            {
                return Reject("otlp", TenantResolution.TenantOf(context), Problems.BadRequest("Invalid OTLP metrics request", decodeError!), metrics, logger, decodeError!, 0);
            }
            if (result!.RejectedDataPoints > 0)
            {
                metrics.PointsRejected.Add(result.RejectedDataPoints, new KeyValuePair<string, object?>("protocol", "otlp"));
            }
            var (stored, problem) = await StoreAsync(context, writer, metrics, logger, "otlp", result.Series, result.Samples, retryableAs503: true);
            if (stored is null) return problem!;
            return json
                ? TypedResults.Text(OtlpExportResponse.ToJson(result), "application/json")
                : TypedResults.Bytes(OtlpExportResponse.ToProtobuf(result), Protobuf);
        }
    }
}
