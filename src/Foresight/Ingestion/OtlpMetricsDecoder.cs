using System.Diagnostics.CodeAnalysis;
using System.Text;
using Foresight.Ingestion.Otlp;
using Google.Protobuf;

namespace Foresight.Ingestion;

/// <summary>
/// Decodes OTLP/HTTP metrics export requests (https://opentelemetry.io/docs/specs/otlp/), binary
/// protobuf or OTLP/JSON, and translates them to the Prometheus data model as the OpenTelemetry
/// "Prometheus and OpenMetrics Compatibility" specification prescribes
/// (https://opentelemetry.io/docs/specs/otel/compatibility/prometheus_and_openmetrics/).
/// </summary>
/// <remarks>
/// <para>Mapping, per the specification's "OTLP Metric points to Prometheus":</para>
/// <list type="bullet">
/// <item>Names: invalid characters → '_', runs of '_' collapsed; the unit spelled out and appended
/// (<c>s</c> → <c>_seconds</c>, <c>By</c> → <c>_bytes</c>, <c>ms</c> → <c>_milliseconds</c>,
/// <c>By/s</c> → <c>_bytes_per_second</c>, <c>{request}</c> dropped) unless the name already
/// contains it; unit <c>1</c> on a gauge → <c>_ratio</c>; monotonic cumulative sums → <c>_total</c>.</item>
/// <item>Gauges and non-monotonic cumulative sums → one gauge series per attribute set;
/// monotonic cumulative sums → counters.</item>
/// <item>Cumulative histograms → <c>_bucket{le}</c> with cumulative counts ending in
/// <c>le="+Inf"</c> (= count), <c>_sum</c> (when the point has a sum) and <c>_count</c>.</item>
/// <item>Summaries → <c>{quantile}</c> series, <c>_sum</c> and <c>_count</c>.</item>
/// <item>Attributes → labels (names sanitized; values of colliding names joined with ';' in
/// order of the original keys); <c>otel_scope_name</c>/<c>otel_scope_version</c> from the scope;
/// resource <c>service.namespace</c>/<c>service.name</c> → <c>job</c>,
/// <c>service.instance.id</c> → <c>instance</c>; other resource attributes → a <c>target_info</c>
/// series of value 1 (with <c>job</c>/<c>instance</c>) at the resource's latest point time.</item>
/// <item><c>time_unix_nano</c> → Unix milliseconds (truncated).</item>
/// </list>
/// <para>Rejected with a reason (OTLP partial success): delta or unspecified-temporality sums and
/// histograms (the specification allows dropping them; we keep no state to accumulate deltas),
/// exponential histograms (Prometheus native histograms are not stored by the engine), points
/// without a timestamp or value, and histograms whose buckets do not match their bounds. Points
/// flagged "no recorded value" are dropped and counted as accepted. Not produced: <c>_created</c>
/// series, exemplars, <c>otel_scope_info</c>.</para>
/// </remarks>
public static class OtlpMetricsDecoder
{
    private static readonly JsonParser Json = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    /// <summary>Decodes a binary protobuf <c>ExportMetricsServiceRequest</c> (<c>application/x-protobuf</c>).</summary>
    /// <param name="body">The request body, uncompressed.</param>
    /// <param name="result">The translated series and counts; partial rejections are reported inside it.</param>
    /// <param name="error">Why the whole request is unreadable; null on success.</param>
    /// <param name="options">Translation switches; null for <see cref="OtlpTranslationOptions.Default"/>.</param>
    public static bool TryDecodeProtobuf(ReadOnlySpan<byte> body, [NotNullWhen(true)] out OtlpMetricsResult? result,
        [NotNullWhen(false)] out string? error, OtlpTranslationOptions? options = null)
    {
        ExportMetricsServiceRequest request;
        try
        {
            request = ExportMetricsServiceRequest.Parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException ex)
        {
            result = null;
            error = $"body is not a protobuf ExportMetricsServiceRequest: {ex.Message}";
            return false;
        }
        result = Translate(request, options);
        error = null;
        return true;
    }

    /// <summary>
    /// Decodes an OTLP/JSON <c>ExportMetricsServiceRequest</c> (<c>application/json</c>): the
    /// proto3 JSON mapping with lowerCamelCase names, 64-bit integers as strings (numbers are
    /// accepted too), enums as integers; unknown fields are ignored as OTLP requires.
    /// </summary>
    /// <param name="utf8Json">The request body as UTF-8.</param>
    /// <param name="result">The translated series and counts; partial rejections are reported inside it.</param>
    /// <param name="error">Why the whole request is unreadable, with the parser's location; null on success.</param>
    /// <param name="options">Translation switches; null for <see cref="OtlpTranslationOptions.Default"/>.</param>
    public static bool TryDecodeJson(ReadOnlySpan<byte> utf8Json, [NotNullWhen(true)] out OtlpMetricsResult? result,
        [NotNullWhen(false)] out string? error, OtlpTranslationOptions? options = null)
    {
        ExportMetricsServiceRequest request;
        try
        {
            request = Json.Parse<ExportMetricsServiceRequest>(Encoding.UTF8.GetString(utf8Json));
        }
        catch (Exception ex) when (ex is InvalidJsonException or InvalidProtocolBufferException or FormatException)
        {
            result = null;
            error = $"body is not an OTLP/JSON ExportMetricsServiceRequest: {ex.Message}";
            return false;
        }
        result = Translate(request, options);
        error = null;
        return true;
    }

    internal static OtlpMetricsResult Translate(ExportMetricsServiceRequest request, OtlpTranslationOptions? options) =>
        new OtlpTranslator(options ?? OtlpTranslationOptions.Default).Translate(request);
}
