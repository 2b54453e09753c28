using System.Globalization;
using System.Text.Json;
using Foresight.Scaling;
using Foresight.Server.Http;
using Foresight.Server.Scaling;
using Foresight.Server.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Foresight.Server.Scaling;

/// <summary>
/// Workloads and their scaling decisions, scoped to the caller's tenant. <c>GET /api/v1/scaling/{workload}</c>
/// is what KEDA's <c>metrics-api</c> scaler polls: <c>valueLocation: desiredReplicas</c> with
/// <c>targetValue: "1"</c> makes the HPA run the decided replica count.
/// </summary>
public static class ScalingApi
{
    /// <summary><c>GET /api/v1/workloads</c>: the tenant's workloads, by name.</summary>
    internal static Ok<WorkloadListResponse> ListWorkloads(HttpContext context, ScalingService scaling) =>
        TypedResults.Ok(new WorkloadListResponse(scaling.List(TenantResolution.TenantOf(context)).Select(WorkloadDto.From).ToList()));

    internal static Results<Ok<WorkloadDto>, ProblemHttpResult> GetWorkload(HttpContext context, ScalingService scaling, string name) =>
        scaling.Get(TenantResolution.TenantOf(context), name) is { } status ? TypedResults.Ok(WorkloadDto.From(status)) : NoWorkload(name);

    internal static async Task<Results<Created<WorkloadDto>, Ok<WorkloadDto>, ProblemHttpResult>> PutWorkload(HttpContext context, ScalingService scaling, RequestLimits limits, string name)
    {
        if (!WorkloadSpec.IsValidName(name))
        {
            return Problems.BadRequest("Invalid workload", $"name: '{name}' is not a valid name (letters, digits, '.', '_', '-', starting with a letter or digit, at most 63 characters)");
        }
        var (body, error) = await RequestBody.ReadAsync(context.Request, limits.MaxBodyBytes, context.RequestAborted);
        if (error is not null) return error;
        WorkloadSpec? spec;
        string? problem;
        using (body)
        {
            try
            {
                // A key given twice is refused, as the JSON ingest refuses it (which value wins differs between parsers).
                using var document = JsonDocument.Parse(body!.Buffer.AsMemory(0, body.Length), new JsonDocumentOptions { AllowDuplicateProperties = false });
                WorkloadJson.TryRead(document.RootElement, name, out spec, out problem);
            }
            catch (JsonException ex)
            {
                return Problems.BadRequest("Invalid workload", $"malformed JSON: {ex.Message}");
            }
        }
        if (spec is null) return Problems.BadRequest("Invalid workload", problem!);
        var tenant = TenantResolution.TenantOf(context);
        return scaling.Put(tenant, spec) switch
        {
            PutOutcome.Created => TypedResults.Created($"/api/v1/workloads/{name}", WorkloadDto.From(scaling.Get(tenant, name)!)),
            PutOutcome.Replaced => TypedResults.Ok(WorkloadDto.From(scaling.Get(tenant, name)!)),
            _ => ReadOnly(scaling, tenant, name),
        };
    }

    internal static Results<NoContent, ProblemHttpResult> DeleteWorkload(HttpContext context, ScalingService scaling, string name)
    {
        var tenant = TenantResolution.TenantOf(context);
        return scaling.Delete(tenant, name) switch
        {
            DeleteOutcome.Deleted => TypedResults.NoContent(),
            DeleteOutcome.NotFound => NoWorkload(name),
            _ => ReadOnly(scaling, tenant, name),
        };
    }

    internal static Ok<DecisionListResponse> ListDecisions(HttpContext context, ScalingService scaling)
    {
        var all = scaling.List(TenantResolution.TenantOf(context));
        return TypedResults.Ok(new DecisionListResponse(
            all.Where(s => s.Current is not null).Select(s => DecisionDto.From(s.Current!, s.Spec)).ToList(),
            all.Where(s => s.Current is null).Select(s => new WaitingDto(s.Spec.Name, WaitingReason(s))).ToList()));
    }

    private static string WaitingReason(WorkloadStatus s) => s.Latest is not { } last
        ? s.Waiting ?? "starting"
        : string.Create(CultureInfo.InvariantCulture,
            $"{s.Waiting} (the last decision, {last.Decision.Desired} replicas at {last.DecidedAt:yyyy-MM-dd HH:mm:ss'Z'}, is no longer current)");

    /// <summary>
    /// The latest decision; 503 (a problem document, with <c>Retry-After</c>) while there is none or it is
    /// no longer current (<see cref="WorkloadStatus.Current"/>), which KEDA counts as a scaler error: it keeps the current
    /// replica count, or applies the ScaledObject's <c>fallback</c> after its failure threshold.
    /// </summary>
    internal static Results<Ok<DecisionDto>, ProblemHttpResult> GetDecision(HttpContext context, ScalingService scaling, string name)
    {
        var status = scaling.Get(TenantResolution.TenantOf(context), name);
        if (status is null) return NoWorkload(name);
        if (status.Current is not { } current)
        {
            var interval = status.Spec.DecisionInterval ?? scaling.DefaultDecisionInterval;
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(interval.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return status.Latest is null
                ? TypedResults.Problem($"Workload '{name}' has no decision yet: {WaitingReason(status)}.",
                    statusCode: StatusCodes.Status503ServiceUnavailable, title: "No decision yet")
                : TypedResults.Problem($"Workload '{name}' has no current decision: {WaitingReason(status)}.",
                    statusCode: StatusCodes.Status503ServiceUnavailable, title: "No current decision");
        }
        return TypedResults.Ok(DecisionDto.From(current, status.Spec));
    }

    internal static Results<Ok<HistoryResponse>, ProblemHttpResult> GetHistory(HttpContext context, ScalingService scaling, string name)
    {
        var tenant = TenantResolution.TenantOf(context);
        var status = scaling.Get(tenant, name);
        var history = scaling.History(tenant, name);
        if (status is null || history is null) return NoWorkload(name);
        return TypedResults.Ok(new HistoryResponse(name, history.Select(d => DecisionDto.From(d, status.Spec)).ToList()));
    }

    private static ProblemHttpResult NoWorkload(string name) => Problems.NotFound($"There is no workload '{name}' for this tenant.");

    private static ProblemHttpResult ReadOnly(ScalingService scaling, string tenant, string name)
    {
        var source = scaling.Get(tenant, name)?.Source == WorkloadSource.Demo ? "the demo (serve --demo)" : "the config file";
        return TypedResults.Problem($"Workload '{name}' is defined by {source}; change it there.", statusCode: StatusCodes.Status409Conflict,
            title: "Workload is read-only");
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    /// <summary>A workload: its settings (as in the PUT body), where it was defined, and the state of its forecaster.</summary>
    public sealed record WorkloadDto(string Name, string Series, double ReplicaCapacity, double StartupSeconds, int MinReplicas, int MaxReplicas,
        double PricePerReplicaHour, double? DecisionIntervalSeconds, string? Request, string? Usage,
        string? CpuUsage, string? MemoryUsage, double? CpuRequestCores, double? MemoryRequestBytes, string? Latency, double LatencyQuantile,
        double? LatencySloSeconds, double SloQuantile, double ScalingLevel, double ScaleDownStabilizationSeconds, double ScaleInCooldownSeconds,
        double MaxScaleInFraction, int? MaxScaleOutStep, string? Replicas, WorkloadSource Source, WorkloadStateDto Status)
    {
        internal static WorkloadDto From(WorkloadStatus s)
        {
            var c = s.Spec.Capacity;
            var behavior = s.Spec.ScalerOptions(s.Spec.DecisionInterval ?? TimeSpan.FromSeconds(30));
            return new WorkloadDto(s.Spec.Name, s.Spec.Series, c.ReplicaCapacity, c.StartupDelay.TotalSeconds, c.MinReplicas, c.MaxReplicas,
                c.PricePerReplicaHour, s.Spec.DecisionInterval?.TotalSeconds, s.Spec.Request, s.Spec.Usage,
                s.Spec.CpuUsage, s.Spec.MemoryUsage, s.Spec.CpuRequest, s.Spec.MemoryRequest, s.Spec.Latency, s.Spec.LatencyQuantile,
                s.Spec.LatencySlo?.TotalSeconds, s.Spec.SloQuantile, s.Spec.ScalingLevel ?? new DemandForecasterOptions().Level,
                behavior.ScaleDownStabilization.TotalSeconds, behavior.ScaleInCooldown.TotalSeconds, behavior.MaxScaleInFraction, behavior.MaxScaleOutStep, s.Spec.Replicas, s.Source,
                new WorkloadStateDto(s.MatchedSeries, s.GridStep / 1000.0, s.Leads, s.Model, s.ForecastReady, s.Waiting,
                    s.Latest?.Decision.Desired, s.Latest?.DecidedAt));
        }
    }

    /// <summary>How many series the selector matches, the forecasting grid (step in seconds, leads), the model, and the latest desired count.</summary>
    public sealed record WorkloadStateDto(int MatchedSeries, double? GridStepSeconds, int? Leads, string? Model, bool ForecastReady, string? Waiting,
        int? DesiredReplicas, DateTimeOffset? DecidedAt);

    /// <summary><c>{"workloads":[...]}</c></summary>
    public sealed record WorkloadListResponse(List<WorkloadDto> Workloads);

    /// <summary>
    /// One decision, the body KEDA's metrics-api scaler reads (<c>valueLocation: desiredReplicas</c>).
    /// <c>confidence</c> is rounded to 4 decimals; <c>demand</c> and <c>forecastPeak</c> are null when unknown; <c>costPerHour</c> is the desired
    /// replicas at the workload's price per replica-hour, rounded to 6 decimals.
    /// </summary>
    public sealed record DecisionDto(string Workload, int DesiredReplicas, int CurrentReplicas, ScalingAction Action, double? Confidence,
        string Reason, double? Demand, double? ForecastPeak, double LookAheadSeconds, DateTimeOffset DecidedAt, bool Anomalous,
        double CostPerHour, VerticalHint? Vertical)
    {
        internal static DecisionDto From(WorkloadDecision d, WorkloadSpec spec)
        {
            var x = d.Decision;
            return new DecisionDto(d.Workload, x.Desired, x.Current, x.Action, Finite(Math.Round(x.Confidence, 4)), x.Reason, Finite(x.Demand), Finite(x.ForecastPeak),
                x.LookAhead.TotalSeconds, d.DecidedAt, d.Anomalous, Math.Round(x.Desired * spec.Capacity.PricePerReplicaHour, 6), x.Vertical);
        }
    }

    /// <summary>A workload without a decision yet, and why.</summary>
    public sealed record WaitingDto(string Workload, string Reason);

    /// <summary><c>{"decisions":[...],"waiting":[...]}</c></summary>
    public sealed record DecisionListResponse(List<DecisionDto> Decisions, List<WaitingDto> Waiting);

    /// <summary><c>{"workload":"...","decisions":[...]}</c>, oldest first.</summary>
    public sealed record HistoryResponse(string Workload, List<DecisionDto> Decisions);
}
