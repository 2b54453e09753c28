using Foresight.Scaling;

namespace Foresight.Server.Scaling;

/// <summary>Where a workload was defined.</summary>
public enum WorkloadSource
{
    /// <summary>The config file's <c>workloads:</c> section (read-only over the API).</summary>
    Config,
    /// <summary><c>serve --demo</c> (read-only over the API).</summary>
    Demo,
    /// <summary><c>PUT /api/v1/workloads/{name}</c>, kept in <c>workloads.json</c> in the data directory.</summary>
    Api,
}

/// <summary>A decision of the scaling service for one workload.</summary>
/// <param name="Tenant">The workload's tenant.</param>
/// <param name="Workload">The workload's name.</param>
/// <param name="DecidedAt">When the decision was made (the server clock).</param>
/// <param name="Decision">What the policy decided and why.</param>
/// <param name="Anomalous">Whether the demand series was in an open incident when it decided.</param>
public sealed record WorkloadDecision(string Tenant, string Workload, DateTimeOffset DecidedAt, ScalingDecision Decision, bool Anomalous);

/// <summary>A workload with the state of its forecaster and its latest decision.</summary>
/// <param name="Tenant">The workload's tenant.</param>
/// <param name="Source">Where it was defined.</param>
/// <param name="Spec">Its settings.</param>
/// <param name="MatchedSeries">How many stored series its selector matches now.</param>
/// <param name="GridStep">Step of the forecasting grid, ms (null before the forecaster is built).</param>
/// <param name="Leads">Steps the forecaster looks ahead (null before it is built).</param>
/// <param name="Model">What the forecaster's last fit chose, or null.</param>
/// <param name="ForecastReady">Whether decisions use a forecast (false while the history is being read or is too short).</param>
/// <param name="Waiting">Why there is no new decision (no matching series, no recent data), or null.</param>
/// <param name="Latest">The latest decision, or null.</param>
public sealed record WorkloadStatus(string Tenant, WorkloadSource Source, WorkloadSpec Spec, int MatchedSeries, long? GridStep, int? Leads,
    string? Model, bool ForecastReady, string? Waiting, WorkloadDecision? Latest)
{
    /// <summary>
    /// The latest decision while it is current: none while the workload waits for data (no point of its demand in the
    /// last 5 minutes), so that a decision made before the demand went silent is not served as if it were fresh.
    /// </summary>
    public WorkloadDecision? Current => Waiting is null ? Latest : null;
}
