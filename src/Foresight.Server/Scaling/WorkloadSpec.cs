using System.Text.RegularExpressions;
using Foresight.Scaling;
using Foresight.Series;

namespace Foresight.Server.Scaling;

/// <summary>
/// A workload to scale: the stored demand series it follows and the capacity model that turns
/// demand into replicas. Defined in the config file's <c>workloads:</c> section, through
/// <c>PUT /api/v1/workloads/{name}</c>, or by <c>serve --demo</c>; one per name and tenant.
/// </summary>
/// <remarks>
/// <para>The demand is the sum of every series <see cref="Series"/> matches, as PromQL's
/// <c>sum(selector)</c> would give: per-pod or per-instance series add up to the workload's
/// demand, and a single series is used as it is. The series must be a rate or a level (a gauge
/// such as requests per second or queue length), not a raw counter.</para>
/// <para><see cref="Request"/> and <see cref="Usage"/> are optional and go together: the
/// per-replica resource request and usage series behind the decision's request-size hint.</para>
/// </remarks>
/// <param name="Name">Workload name: letters, digits, '.', '_' or '-', starting with a letter or digit, at most 63 characters.</param>
/// <param name="Series">Series selector of the demand, e.g. <c>http_requests_per_second{service="checkout"}</c>.</param>
/// <param name="Capacity">Demand per replica, start-up delay, bounds and price.</param>
public sealed partial record WorkloadSpec(string Name, string Series, CapacityModel Capacity)
{
    /// <summary>How often the policy decides, or null for the server's default (<see cref="ScalingOptions.DecisionInterval"/>).</summary>
    public TimeSpan? DecisionInterval { get; init; }

    /// <summary>
    /// Selector of the replicas the workload runs now (e.g. kube-state-metrics'
    /// <c>kube_deployment_status_replicas{deployment="checkout"}</c>; matched series are summed), or null: each
    /// decision then starts from the previous decision's count, which differs from what runs after a
    /// restart of Foresight, while the HPA holds a change within its 10% tolerance, or after a manual scale.
    /// </summary>
    public string? Replicas { get; init; }

    /// <summary>Selector of the per-replica resource request (e.g. CPU cores requested per pod), or null.</summary>
    public string? Request { get; init; }

    /// <summary>Selector of the per-replica resource usage, same unit as <see cref="Request"/>, or null.</summary>
    public string? Usage { get; init; }

    /// <summary>
    /// Selector of CPU usage in cores, the input of right-sizing, or null. Each matching series is one
    /// replica's container (as the VPA pools a container's samples across pods), not summed.
    /// </summary>
    public string? CpuUsage { get; init; }

    /// <summary>Selector of memory usage (working set) in bytes, one series per replica, or null.</summary>
    public string? MemoryUsage { get; init; }

    /// <summary>CPU cores each replica requests today, or null when unknown (the cost then counts usage only).</summary>
    public double? CpuRequest { get; init; }

    /// <summary>Memory bytes each replica requests today, or null when unknown.</summary>
    public double? MemoryRequest { get; init; }

    /// <summary>Selector of a latency quantile in seconds (e.g. the p95 the service reports), the input of the latency-versus-load model, or null.</summary>
    public string? Latency { get; init; }

    /// <summary>Which quantile <see cref="Latency"/> measures, in (0, 1) (default 0.95).</summary>
    public double LatencyQuantile { get; init; } = 0.95;

    /// <summary>The latency objective: <see cref="SloQuantile"/> of the latency must stay under this, or null for none.</summary>
    public TimeSpan? LatencySlo { get; init; }

    /// <summary>The quantile the objective is stated for, in (0, 1) (default 0.99).</summary>
    public double SloQuantile { get; init; } = 0.99;

    /// <summary>
    /// Upper quantile of the demand forecast the scaling policy plans for, in [0.5, 1), or null for the
    /// default (<see cref="DemandForecasterOptions.Level"/>, 0.93). Higher is short less often and pays for
    /// more replicas; <c>foresight eval scaling --levels</c> on the workload's own history shows the trade-off.
    /// </summary>
    public double? ScalingLevel { get; init; }

    /// <summary>A scale-in uses the largest recommendation of this trailing window, or null for the default (<see cref="PredictiveScalerOptions.ScaleDownStabilization"/>, 1 minute).</summary>
    public TimeSpan? ScaleDownStabilization { get; init; }

    /// <summary>No scale-in for this long after a scale-out, or null for the default (<see cref="PredictiveScalerOptions.ScaleInCooldown"/>, 1 minute).</summary>
    public TimeSpan? ScaleInCooldown { get; init; }

    /// <summary>Largest share of the replicas one scale-in removes, in (0, 1], or null for the default (0.5).</summary>
    public double? MaxScaleInFraction { get; init; }

    /// <summary>Most replicas one decision adds, or null for no limit.</summary>
    public int? MaxScaleOutStep { get; init; }

    /// <summary>The policy's settings for this workload: <paramref name="interval"/> and the overrides given.</summary>
    internal PredictiveScalerOptions ScalerOptions(TimeSpan interval)
    {
        var options = new PredictiveScalerOptions { DecisionInterval = interval, MaxScaleOutStep = MaxScaleOutStep };
        if (ScaleDownStabilization is { } window) options.ScaleDownStabilization = window;
        if (ScaleInCooldown is { } cooldown) options.ScaleInCooldown = cooldown;
        if (MaxScaleInFraction is { } fraction) options.MaxScaleInFraction = fraction;
        return options;
    }

    /// <summary>Whether <paramref name="name"/> is a valid workload name.</summary>
    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    /// <summary>The first problem with the settings and the field it concerns, or null when they are usable.</summary>
    internal (WorkloadField Field, string Message)? Check()
    {
        if (!IsValidName(Name)) return (WorkloadField.Name, $"'{Name}' is not a valid name (letters, digits, '.', '_', '-', starting with a letter or digit, at most 63 characters)");
        if (string.IsNullOrWhiteSpace(Series)) return (WorkloadField.Series, "a series selector is required, e.g. http_requests_per_second{service=\"checkout\"}");
        if (!SeriesSelector.TryParse(Series, out _, out var error)) return (WorkloadField.Series, $"'{Series}' is not a series selector: {error}");
        var c = Capacity;
        if (!double.IsFinite(c.ReplicaCapacity) || c.ReplicaCapacity <= 0) return (WorkloadField.ReplicaCapacity, $"must be a positive number (got {c.ReplicaCapacity})");
        if (c.StartupDelay < TimeSpan.Zero || c.StartupDelay > TimeSpan.FromDays(1)) return (WorkloadField.Startup, "must be between 0 and 1 day");
        if (c.MinReplicas < 0) return (WorkloadField.MinReplicas, $"must be 0 or more (got {c.MinReplicas})");
        if (c.MaxReplicas < Math.Max(1, c.MinReplicas)) return (WorkloadField.MaxReplicas, $"must be at least 1 and at least min replicas {c.MinReplicas} (got {c.MaxReplicas})");
        if (!(c.PricePerReplicaHour is >= 0 and <= CapacityModel.MaxPrice)) return (WorkloadField.PricePerReplicaHour, $"must be from 0 to 1,000,000 (got {c.PricePerReplicaHour})");
        if (DecisionInterval is { } interval && (interval < TimeSpan.FromSeconds(1) || interval > TimeSpan.FromHours(1)))
        {
            return (WorkloadField.DecisionInterval, "must be between 1 second and 1 hour");
        }
        if ((Request is null) != (Usage is null)) return (Request is null ? WorkloadField.Request : WorkloadField.Usage, "request and usage go together: give both or neither");
        if (Request is not null && !SeriesSelector.TryParse(Request, out _, out error)) return (WorkloadField.Request, $"'{Request}' is not a series selector: {error}");
        if (Usage is not null && !SeriesSelector.TryParse(Usage, out _, out error)) return (WorkloadField.Usage, $"'{Usage}' is not a series selector: {error}");
        if (Replicas is not null && double.TryParse(Replicas, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _))
            return (WorkloadField.Replicas, $"is the series of the replicas running now (e.g. kube_deployment_status_replicas{{deployment=\"checkout\"}}), not a count (got {Replicas}); min and max replicas bound the count");
        foreach (var (field, selector) in new[] { (WorkloadField.CpuUsage, CpuUsage), (WorkloadField.MemoryUsage, MemoryUsage), (WorkloadField.Latency, Latency), (WorkloadField.Replicas, Replicas) })
        {
            if (selector is not null && !SeriesSelector.TryParse(selector, out _, out error)) return (field, $"'{selector}' is not a series selector: {error}");
        }
        if (CpuRequest is { } cpu && (!double.IsFinite(cpu) || cpu <= 0 || cpu > 10_000)) return (WorkloadField.CpuRequest, $"must be a positive number of cores up to 10000 (got {cpu})");
        if (MemoryRequest is { } memory && (!double.IsFinite(memory) || memory < 1 << 20 || memory > 1e14)) return (WorkloadField.MemoryRequest, $"must be between 1 MiB and 100 TB in bytes (got {memory})");
        if (!(LatencyQuantile is > 0 and < 1)) return (WorkloadField.LatencyQuantile, $"must be between 0 and 1, e.g. 0.95 (got {LatencyQuantile})");
        if (!(SloQuantile is > 0 and < 1)) return (WorkloadField.SloQuantile, $"must be between 0 and 1, e.g. 0.99 (got {SloQuantile})");
        if (LatencySlo is { } slo && (slo <= TimeSpan.Zero || slo > TimeSpan.FromHours(1))) return (WorkloadField.LatencySlo, "must be more than 0 and at most 1 hour");
        if (ScalingLevel is { } level && !(level is >= 0.5 and < 1)) return (WorkloadField.ScalingLevel, $"must be at least 0.5 and below 1, e.g. 0.95 (got {level})");
        if (ScaleDownStabilization is { } window && (window < TimeSpan.Zero || window > TimeSpan.FromHours(1))) return (WorkloadField.ScaleDownStabilization, "must be between 0 and 1 hour");
        if (ScaleInCooldown is { } cooldown && (cooldown < TimeSpan.Zero || cooldown > TimeSpan.FromHours(1))) return (WorkloadField.ScaleInCooldown, "must be between 0 and 1 hour");
        if (MaxScaleInFraction is { } fraction && !(fraction is > 0 and <= 1)) return (WorkloadField.MaxScaleInFraction, $"must be above 0 and at most 1, e.g. 0.5 (got {fraction})");
        if (MaxScaleOutStep is < 1) return (WorkloadField.MaxScaleOutStep, $"must be at least 1 (got {MaxScaleOutStep})");
        if (c.Validate() is { } problem) return (WorkloadField.ReplicaCapacity, problem);
        return null;
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}\z")]
    private static partial Regex NamePattern();
}

/// <summary>The settings of a workload, for error messages in each format's spelling.</summary>
internal enum WorkloadField
{
    Name,
    Series,
    ReplicaCapacity,
    Startup,
    MinReplicas,
    MaxReplicas,
    PricePerReplicaHour,
    DecisionInterval,
    Request,
    Usage,
    CpuUsage,
    MemoryUsage,
    CpuRequest,
    MemoryRequest,
    Latency,
    LatencyQuantile,
    LatencySlo,
    SloQuantile,
    ScalingLevel,
    ScaleDownStabilization,
    ScaleInCooldown,
    MaxScaleInFraction,
    MaxScaleOutStep,
    Replicas,
}

/// <summary>Each setting's key in the config file (snake case) and in a JSON body (camel case, with units), for error messages.</summary>
internal static class WorkloadKeys
{
    // In WorkloadField order.
    private static readonly (string Yaml, string Json)[] Names =
    [
        ("name", "name"), ("series", "series"), ("replica_capacity", "replicaCapacity"), ("startup", "startupSeconds"),
        ("min_replicas", "minReplicas"), ("max_replicas", "maxReplicas"), ("price_per_replica_hour", "pricePerReplicaHour"),
        ("decision_interval", "decisionIntervalSeconds"), ("request", "request"), ("usage", "usage"), ("cpu_usage", "cpuUsage"),
        ("memory_usage", "memoryUsage"), ("cpu_request", "cpuRequestCores"), ("memory_request", "memoryRequestBytes"),
        ("latency", "latency"), ("latency_quantile", "latencyQuantile"), ("latency_slo", "latencySloSeconds"), ("slo_quantile", "sloQuantile"),
        ("scaling_level", "scalingLevel"), ("scale_down_stabilization", "scaleDownStabilizationSeconds"), ("scale_in_cooldown", "scaleInCooldownSeconds"),
        ("max_scale_in_fraction", "maxScaleInFraction"), ("max_scale_out_step", "maxScaleOutStep"), ("replicas", "replicas"),
    ];

    /// <summary>The key in the config file's <c>workloads:</c> section.</summary>
    public static string Yaml(WorkloadField field) => Names[(int)field].Yaml;

    /// <summary>The property in a <c>PUT /api/v1/workloads/{name}</c> body.</summary>
    public static string Json(WorkloadField field) => Names[(int)field].Json;
}
