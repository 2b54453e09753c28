using Microsoft.Extensions.Logging;

namespace Foresight.Server;

/// <summary>Every log message of the server, source-generated.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Foresight listening on {Urls} (data directory {DataDirectory})")]
    public static partial void Listening(ILogger logger, string urls, string dataDirectory);

    [LoggerMessage(2, LogLevel.Information, "Store recovery: {Message}")]
    public static partial void Recovery(ILogger logger, string message);

    [LoggerMessage(3, LogLevel.Error, "Checkpoint failed; will retry")]
    public static partial void CheckpointFailed(ILogger logger, Exception exception);

    [LoggerMessage(4, LogLevel.Information, "Retention removed {Chunks} chunks")]
    public static partial void RetentionRemoved(ILogger logger, int chunks);

    [LoggerMessage(5, LogLevel.Error, "Retention enforcement failed; will retry")]
    public static partial void RetentionFailed(ILogger logger, Exception exception);

    [LoggerMessage(6, LogLevel.Information, "Demo fleet: backfilled {Points} points for {Series} series in {Seconds:0.0} s; streaming live every {Interval}")]
    public static partial void DemoBackfilled(ILogger logger, long points, int series, double seconds, TimeSpan interval);

    [LoggerMessage(7, LogLevel.Warning, "Demo fleet batch rejected: {Reason}")]
    public static partial void DemoRejected(ILogger logger, string reason);

    [LoggerMessage(8, LogLevel.Warning, "Rejected {Endpoint} request from tenant {Tenant}: {Reason}")]
    public static partial void IngestRejected(ILogger logger, string endpoint, string tenant, string reason);

    [LoggerMessage(9, LogLevel.Error, "Forecast refresh failed; will retry")]
    public static partial void ForecastRefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(10, LogLevel.Debug, "Refreshed {Count} forecasts")]
    public static partial void ForecastsRefreshed(ILogger logger, int count);

    [LoggerMessage(11, LogLevel.Warning, "Alert delivery attempt {Attempt} failed, retrying in {Delay}: {Reason}")]
    public static partial void AlertRetry(ILogger logger, int attempt, TimeSpan delay, string reason);

    [LoggerMessage(19, LogLevel.Error, "Alert {Incident} refused by {Url} with status {Status}; not retried (check the webhook's address and credentials)")]
    public static partial void AlertRefused(ILogger logger, string incident, string url, int status);

    [LoggerMessage(12, LogLevel.Information, "Alert {Incident} delivered to {Url}, {Seconds:0.0} s after its first anomalous point")]
    public static partial void AlertDelivered(ILogger logger, string incident, string url, double seconds);

    [LoggerMessage(13, LogLevel.Error, "Anomaly detection of a batch failed")]
    public static partial void DetectionFailed(ILogger logger, Exception exception);

    [LoggerMessage(14, LogLevel.Warning, "Anomaly scores were not stored: {Reason}")]
    public static partial void ScoreRejected(ILogger logger, string reason);

    [LoggerMessage(15, LogLevel.Information, "Workload {Tenant}/{Workload}: {Current} -> {Desired} replicas ({Action}): {Reason}")]
    public static partial void ReplicasChanged(ILogger logger, string tenant, string workload, int current, int desired, Foresight.Scaling.ScalingAction action, string reason);

    [LoggerMessage(16, LogLevel.Error, "Scaling workload {Tenant}/{Workload} failed; will retry")]
    public static partial void ScalingFailed(ILogger logger, string tenant, string workload, Exception exception);

    [LoggerMessage(17, LogLevel.Information, "Workload {Tenant}/{Workload}: forecaster built from {Steps} steps of {Step} in {Seconds:0.0} s (model: {Model})")]
    public static partial void ForecasterBuilt(ILogger logger, string tenant, string workload, int steps, TimeSpan step, double seconds, string model);

    [LoggerMessage(18, LogLevel.Warning, "Workload {Tenant}/{Workload} in {File} is ignored (and kept in the file) while the {Source} defines a workload of that name")]
    public static partial void WorkloadShadowed(ILogger logger, string tenant, string workload, string file, string source);

    [LoggerMessage(40, LogLevel.Information, "Detection state restored: {Series} series, {Services} services, {Incidents} incidents; {Replayed} points stored since the last snapshot replayed in {Seconds:0.0} s")]
    public static partial void StateRestored(ILogger logger, int series, int services, int incidents, long replayed, double seconds);

    [LoggerMessage(41, LogLevel.Warning, "Detection state {Key} not restored ({Reason}); it starts cold")]
    public static partial void StateRefused(ILogger logger, string key, string reason);

    [LoggerMessage(42, LogLevel.Error, "Saving the detection state failed; will retry")]
    public static partial void StateSaveFailed(ILogger logger, Exception exception);

    [LoggerMessage(43, LogLevel.Debug, "Detection state saved: {Entries} entries, {Bytes} bytes in {Seconds:0.000} s")]
    public static partial void StateSaved(ILogger logger, int entries, long bytes, double seconds);

    [LoggerMessage(44, LogLevel.Error, "Restoring the detection state failed; detection starts cold")]
    public static partial void StateRestoreFailed(ILogger logger, Exception exception);

    [LoggerMessage(45, LogLevel.Error, "Saving what the alerter announced failed; will retry")]
    public static partial void AlertStateSaveFailed(ILogger logger, Exception exception);

    [LoggerMessage(50, LogLevel.Information, "Service {Service} of tenant {Tenant} has more than {Max} series: it is no longer scored across metrics (each series still is)")]
    public static partial void ServiceTooWide(ILogger logger, string service, string tenant, int max);

    [LoggerMessage(51, LogLevel.Information, "Detection released the detectors of {Count} series idle for more than {Minutes:0.#} min ({Active} still in memory); they are read back from the saved state on their next point")]
    public static partial void DetectorsReleased(ILogger logger, int count, double minutes, int active);
}
