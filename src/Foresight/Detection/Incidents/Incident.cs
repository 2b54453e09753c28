namespace Foresight.Detection.Incidents;

/// <summary>How bad an incident is, from its anomaly likelihood and how far values left their expected range.</summary>
public enum Severity
{
    /// <summary>Worth a look.</summary>
    Low,
    /// <summary>Probably a problem.</summary>
    Medium,
    /// <summary>A problem.</summary>
    High,
    /// <summary>A serious problem: very likely anomalous and far outside the expected range.</summary>
    Critical,
}

/// <summary>One anomalous point as the detection pipeline reports it.</summary>
/// <param name="SeriesId">Series the point belongs to.</param>
/// <param name="Series">The series' canonical name.</param>
/// <param name="Service">The service it belongs to (its <c>service</c>, else <c>job</c> label, else the metric).</param>
/// <param name="Timestamp">Unix ms.</param>
/// <param name="Value">Observed value.</param>
/// <param name="Score">Ensemble anomaly score in [0, 1].</param>
/// <param name="ExpectedLow">Lower end of the expected range.</param>
/// <param name="ExpectedHigh">Upper end of the expected range.</param>
/// <param name="Detectors">Detectors whose likelihood crossed the threshold.</param>
public sealed record AnomalyPoint(long SeriesId, string Series, string Service, long Timestamp, double Value, double Score,
    double ExpectedLow, double ExpectedHigh, IReadOnlyList<string> Detectors);

/// <summary>What one series contributed to an incident.</summary>
public sealed record IncidentSeries(long SeriesId, string Series, double ExpectedLow, double ExpectedHigh, double WorstValue, double MaxScore);

/// <summary>
/// Consecutive anomalous points across a service's series, grouped into one incident.
/// </summary>
/// <param name="Id">Stable id (tenant-scoped).</param>
/// <param name="Tenant">Owner.</param>
/// <param name="Service">Service the series belong to.</param>
/// <param name="Start">First anomalous point (Unix ms).</param>
/// <param name="End">Last anomalous point so far; the incident is open until <see cref="Resolved"/>.</param>
/// <param name="Resolved">True once no anomalous point arrived for the quiet period.</param>
/// <param name="Severity">The worst severity reached.</param>
/// <param name="MaxScore">Highest anomaly score.</param>
/// <param name="Series">The series involved, with expected ranges against what was observed.</param>
/// <param name="Detectors">Every detector that fired.</param>
/// <param name="DetectedAt">When the first anomalous point was processed (server clock), for time-to-alert.</param>
public sealed record Incident(string Id, string Tenant, string Service, long Start, long End, bool Resolved, Severity Severity, double MaxScore,
    IReadOnlyList<IncidentSeries> Series, IReadOnlyList<string> Detectors, long DetectedAt);
