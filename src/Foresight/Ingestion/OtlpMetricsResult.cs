using Foresight.Series;

namespace Foresight.Ingestion;

/// <summary>What an OTLP metrics export request turned into.</summary>
/// <param name="Series">The Prometheus-model series, one per distinct metric name and label set, in first-seen order.</param>
/// <param name="Samples">Total points in <paramref name="Series"/> (a histogram data point yields several).</param>
/// <param name="AcceptedDataPoints">OTLP data points translated (including those dropped for carrying the "no recorded value" flag).</param>
/// <param name="RejectedDataPoints">OTLP data points that could not be translated; the <c>rejected_data_points</c> of OTLP partial success.</param>
/// <param name="RejectionMessage">Why data points were rejected (the first few distinct reasons, naming metric and location); null when none were.</param>
public sealed record OtlpMetricsResult(List<SeriesWrite> Series, int Samples, int AcceptedDataPoints, int RejectedDataPoints,
    string? RejectionMessage)
{
    /// <summary>True when some data points were rejected, so the response should carry <c>partial_success</c>.</summary>
    public bool IsPartial => RejectedDataPoints > 0;
}

/// <summary>
/// Switches of the OTLP-to-Prometheus translation. The defaults are what the OpenTelemetry
/// compatibility specification requires by default; the switches are the configuration options
/// it says exporters SHOULD provide.
/// </summary>
public sealed record OtlpTranslationOptions
{
    /// <summary>The defaults.</summary>
    public static OtlpTranslationOptions Default { get; } = new();

    /// <summary>Append <c>_total</c> to monotonic cumulative sums (default true).</summary>
    public bool AddTotalSuffix { get; init; } = true;

    /// <summary>Label every series with <c>otel_scope_name</c> and <c>otel_scope_version</c> of its instrumentation scope (default true).</summary>
    public bool AddScopeLabels { get; init; } = true;

    /// <summary>Emit a <c>target_info</c> series (value 1) carrying the resource attributes other than the service triplet (default true).</summary>
    public bool EmitTargetInfo { get; init; } = true;
}
