using Foresight.Ingestion;
using Foresight.Series;
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

    /// <summary>The protobuf message of remote-write 1.0, as the <c>proto</c> parameter of its Content-Type names it.</summary>
    internal const string RemoteWriteV1Message = "prometheus.WriteRequest";

    /// <summary>The protobuf message of remote-write 2.0, which this server does not take.</summary>
    internal const string RemoteWriteV2Message = "io.prometheus.write.v2.Request";

    /// <summary>
    /// Prometheus remote-write 1.0: a snappy block-compressed protobuf <c>WriteRequest</c>. 204 when every
    /// sample was stored. When some are refused (out of order, out of bounds, an invalid series) the others
    /// are stored and the answer is 400 naming the refused ones, as Prometheus' receiver answers out-of-order
    /// and out-of-bounds samples: its sender drops a batch answered 4xx and retries 5xx, so a batch that can
    /// never pass is not retried forever and holds back nothing behind it. 5xx only when the store could not
    /// write at all (nothing stored, a retry stores it). <c>X-Prometheus-Remote-Write-Samples-Written</c>
    /// says how many samples were stored, as remote-write 2.0 receivers do. A body that declares more than the
    /// limit (32 MiB) decompressed is 400, checked in the snappy header before anything is allocated; a
    /// remote-write 2.0 message or an encoding other than snappy is 415 (see <see cref="RemoteWriteMediaProblem"/>).
    /// </summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> RemoteWrite(HttpContext context, IngestWriter writer, ServerMetrics metrics,
        RequestLimits limits, ILoggerFactory loggers)
    {
        if (RemoteWriteMediaProblem(context.Request) is { } unsupported)
        {
            return Reject("remote_write", TenantResolution.TenantOf(context), unsupported, metrics, Logger(loggers), unsupported.ProblemDetails.Detail ?? "", 0);
        }
        var (body, error) = await RequestBody.ReadAsync(context.Request, limits.MaxBodyBytes, context.RequestAborted, opaqueEncoding: "snappy");
        if (error is not null) return error;
        using (body)
        {
            var logger = Logger(loggers);
            if (!RemoteWriteDecoder.TryDecode(body!.Span, out var series, out var samples, out var invalid, out var decodeError,
                    (int)Math.Min(int.MaxValue, limits.MaxBodyBytes)))
            {
                return Reject("remote_write", TenantResolution.TenantOf(context), Problems.BadRequest("Invalid remote-write request", decodeError), metrics, logger, decodeError, 0);
            }
            var (stored, problem) = await StoreAsync(context, writer, metrics, logger, "remote_write", series, samples);
            if (stored is null) return problem!;
            if (invalid.Count > 0) stored = WithInvalidSeries(context, stored, invalid, metrics, logger);
            context.Response.Headers["X-Prometheus-Remote-Write-Samples-Written"] = stored.PointsAccepted.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return stored.Accepted ? TypedResults.NoContent() : Problems.Rejected(stored);
        }
    }

    /// <summary>
    /// Adds the series the decoder left out (not valid) to the store's refusals, listed first, and counts and
    /// logs them as the store's are.
    /// </summary>
    private static AppendResult WithInvalidSeries(HttpContext context, AppendResult stored, List<RemoteWriteDecoder.InvalidSeries> invalid,
        ServerMetrics metrics, ILogger logger)
    {
        var refused = invalid.Sum(s => s.Samples);
        var first = invalid.Take(AppendValidator.MaxListedRejections)
            .Select(s => new PointRejection(-1, "", -1, s.Reason)).ToList();
        var result = stored with
        {
            PointsRejected = stored.PointsRejected + refused,
            Rejections = [.. first, .. stored.Rejections],
        };
        Reject("remote_write", TenantResolution.TenantOf(context), Problems.BadRequest("Invalid series", invalid[0].Reason), metrics, logger,
            invalid[0].Reason + (invalid.Count > 1 ? $" (and {invalid.Count - 1} more series)" : ""), Math.Max(refused, invalid.Count));
        return result;
    }

    /// <summary>
    /// The 415 a remote-write request gets for what this endpoint does not take, as Prometheus' own receiver answers
    /// with 2.0 off (https://prometheus.io/docs/specs/remote_write_spec_2_0/#protocol): a media type other than
    /// <c>application/x-protobuf</c>, a <c>proto</c> parameter other than <c>prometheus.WriteRequest</c> (a 2.0 sender
    /// then falls back to 1.0), or a <c>Content-Encoding</c> other than snappy. No Content-Type, or no encoding, is taken
    /// as 1.0 and snappy, as Prometheus does for old senders. Null when the request is remote-write 1.0.
    /// </summary>
    internal static ProblemHttpResult? RemoteWriteMediaProblem(HttpRequest request)
    {
        var contentType = request.ContentType;
        if (!string.IsNullOrWhiteSpace(contentType))
        {
            var parts = contentType.Split(';', StringSplitOptions.TrimEntries);
            if (!parts[0].Equals(Protobuf, StringComparison.OrdinalIgnoreCase))
            {
                return UnsupportedMedia($"Content-Type '{contentType}' is not remote-write: this endpoint takes {Protobuf} " +
                                        $"(remote-write 1.0, proto={RemoteWriteV1Message}).");
            }
            foreach (var parameter in parts.Skip(1))
            {
                var eq = parameter.IndexOf('=');
                if (eq < 0 || !parameter[..eq].Trim().Equals("proto", StringComparison.OrdinalIgnoreCase)) continue;
                var message = parameter[(eq + 1)..].Trim().Trim('"');
                if (message == RemoteWriteV1Message) break;
                var version = message == RemoteWriteV2Message ? "Remote-write 2.0" : "The protobuf message";
                return UnsupportedMedia($"{version} ({message}) is not supported by this server; it takes remote-write 1.0 " +
                                        $"({Protobuf};proto={RemoteWriteV1Message}). Send 1.0: set protobuf_message: {RemoteWriteV1Message} " +
                                        "in Prometheus' remote_write (the default), or let the sender fall back.");
            }
        }
        var encoding = request.Headers.ContentEncoding.ToString().Trim();
        if (encoding.Length > 0 && !encoding.Equals("snappy", StringComparison.OrdinalIgnoreCase))
        {
            return UnsupportedMedia($"Content-Encoding '{encoding}' is not supported by remote-write: snappy (block format) is its only encoding.");
        }
        return null;
    }

    private static ProblemHttpResult UnsupportedMedia(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");

    /// <summary>
    /// OTLP/HTTP metrics (<c>application/x-protobuf</c> or <c>application/json</c>), mapped to series as
    /// the OpenTelemetry-to-Prometheus compatibility specification says. Answers an
    /// <c>ExportMetricsServiceResponse</c> in the request's encoding, with partial success for
    /// data points the mapping cannot represent (delta temporality, exponential histograms) and for samples
    /// the store refuses (each counted as one rejected data point; the rest is stored, and OTLP clients do not
    /// retry a partial success). A batch the
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
            var (rejected, message) = (result.RejectedDataPoints, result.RejectionMessage);
            if (!stored.Accepted)
            {
                rejected += stored.PointsRejected;
                var detail = Problems.Rejected(stored).ProblemDetails;
                var refusal = $"{stored.PointsRejected} samples refused by the store: {detail.Detail}";
                message = string.IsNullOrEmpty(message) ? refusal : $"{message}; {refusal}";
            }
            return json
                ? TypedResults.Text(OtlpExportResponse.ToJson(rejected, message), "application/json")
                : TypedResults.Bytes(OtlpExportResponse.ToProtobuf(rejected, message), Protobuf);
        }
    }
}
