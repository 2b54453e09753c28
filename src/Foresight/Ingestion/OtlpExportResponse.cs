using Foresight.Ingestion.Otlp;
using Google.Protobuf;

namespace Foresight.Ingestion;

/// <summary>
/// Builds the OTLP <c>ExportMetricsServiceResponse</c> an OTLP/HTTP server returns with status 200
/// (https://opentelemetry.io/docs/specs/otlp/#partial-success): empty when everything was
/// accepted, otherwise <c>partial_success</c> with the number of rejected data points and why.
/// </summary>
public static class OtlpExportResponse
{
    /// <summary>The binary protobuf response (<c>Content-Type: application/x-protobuf</c>).</summary>
    public static byte[] ToProtobuf(OtlpMetricsResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return ToProtobuf(result.RejectedDataPoints, result.RejectionMessage);
    }

    /// <summary>The binary protobuf response for an explicit rejected count and message (either may be zero/null).</summary>
    public static byte[] ToProtobuf(long rejectedDataPoints, string? errorMessage) => Create(rejectedDataPoints, errorMessage).ToByteArray();

    /// <summary>The OTLP/JSON response (<c>Content-Type: application/json</c>), e.g. <c>{"partialSuccess":{"rejectedDataPoints":"2","errorMessage":"..."}}</c>.</summary>
    public static string ToJson(OtlpMetricsResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return ToJson(result.RejectedDataPoints, result.RejectionMessage);
    }

    /// <summary>The OTLP/JSON response for an explicit rejected count and message.</summary>
    public static string ToJson(long rejectedDataPoints, string? errorMessage) => JsonFormatter.Default.Format(Create(rejectedDataPoints, errorMessage));

    private static ExportMetricsServiceResponse Create(long rejectedDataPoints, string? errorMessage)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rejectedDataPoints);
        var response = new ExportMetricsServiceResponse();
        if (rejectedDataPoints > 0 || !string.IsNullOrEmpty(errorMessage))
        {
            response.PartialSuccess = new ExportMetricsPartialSuccess
            {
                RejectedDataPoints = rejectedDataPoints,
                ErrorMessage = errorMessage ?? "",
            };
        }
        return response;
    }
}
