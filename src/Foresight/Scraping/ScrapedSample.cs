using Foresight.Series;

namespace Foresight.Scraping;

/// <summary>One sample line of a Prometheus text exposition, as parsed (before target labels are added).</summary>
/// <param name="Metric">The metric name, e.g. <c>http_requests_total</c> or <c>http_request_duration_seconds_bucket</c>.</param>
/// <param name="Labels">The labels written on the line (a histogram's <c>le</c> and a summary's <c>quantile</c> included).</param>
/// <param name="Value">The value; NaN and ±Infinity are kept as written.</param>
/// <param name="Timestamp">The sample's own timestamp in Unix milliseconds, or null when the line has none.</param>
public readonly record struct ScrapedSample(string Metric, Labels Labels, double Value, long? Timestamp);

/// <summary>The text formats a scrape target may answer with.</summary>
public enum ExpositionFormat
{
    /// <summary>Prometheus text format 0.0.4 (<c>text/plain; version=0.0.4</c>): timestamps are integer milliseconds.</summary>
    PrometheusText,

    /// <summary>
    /// OpenMetrics 1.0 text (<c>application/openmetrics-text</c>): timestamps are (possibly fractional)
    /// seconds and a sample may carry an exemplar after <c> # </c>, which is ignored.
    /// </summary>
    OpenMetrics,
}
