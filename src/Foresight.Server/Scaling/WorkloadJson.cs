using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Foresight.Scaling;

namespace Foresight.Server.Scaling;

/// <summary>
/// A workload as JSON, the shape of <c>PUT /api/v1/workloads/{name}</c> and of the entries in
/// <c>workloads.json</c>:
/// <code>
/// {"series": "http_requests_per_second{service=\"checkout\"}", "replicaCapacity": 84,
///  "startupSeconds": 120, "minReplicas": 2, "maxReplicas": 40, "pricePerReplicaHour": 0.05,
///  "decisionIntervalSeconds": 30, "request": "...", "usage": "...",
///  "cpuUsage": "...", "memoryUsage": "...", "cpuRequestCores": 2, "memoryRequestBytes": 4294967296,
///  "latency": "...", "latencyQuantile": 0.95, "latencySloSeconds": 0.3, "sloQuantile": 0.99, "scalingLevel": 0.95,
///  "scaleDownStabilizationSeconds": 300, "scaleInCooldownSeconds": 180, "maxScaleInFraction": 0.25, "maxScaleOutStep": 4,
///  "replicas": "kube_deployment_status_replicas{deployment=\"checkout\"}"}
/// </code>
/// Only <c>series</c> and <c>replicaCapacity</c> are required; errors name the field.
/// </summary>
internal static class WorkloadJson
{
    private static readonly string[] Known = [.. Enum.GetValues<WorkloadField>().Select(WorkloadKeys.Json)];

    /// <summary>
    /// Reads a workload named <paramref name="name"/> from a JSON object; on failure <paramref name="error"/> names the field.
    /// <paramref name="stored"/> allows the <c>tenant</c> property of the file's entries.
    /// </summary>
    public static bool TryRead(JsonElement body, string name, [NotNullWhen(true)] out WorkloadSpec? spec, [NotNullWhen(false)] out string? error,
        bool stored = false)
    {
        spec = null;
        if (body.ValueKind != JsonValueKind.Object)
        {
            error = "the body must be a JSON object with at least series and replicaCapacity";
            return false;
        }
        string? series = null, request = null, usage = null, cpuUsage = null, memoryUsage = null, latency = null, replicas = null;
        double? replicaCapacity = null, startup = null, price = null, interval = null;
        double? cpuRequest = null, memoryRequest = null, latencyQuantile = null, slo = null, sloQuantile = null, scalingLevel = null;
        double? stabilization = null, cooldown = null, scaleInFraction = null;
        int? min = null, max = null, scaleOutStep = null;
        foreach (var property in body.EnumerateObject())
        {
            var value = property.Value;
            if (value.ValueKind == JsonValueKind.Null) continue;
            error = property.Name switch
            {
                "name" => value.ValueKind == JsonValueKind.String && value.GetString() == name ? null : $"name: '{value}' differs from the name in the path ('{name}')",
                "series" => String(value, property.Name, out series),
                "request" => String(value, property.Name, out request),
                "usage" => String(value, property.Name, out usage),
                "cpuUsage" => String(value, property.Name, out cpuUsage),
                "memoryUsage" => String(value, property.Name, out memoryUsage),
                "latency" => String(value, property.Name, out latency),
                // A count is kept as text, so the check says what the setting is rather than "expected a string".
                "replicas" when value.ValueKind == JsonValueKind.Number => Kept(value.GetRawText(), out replicas),
                "replicas" => String(value, property.Name, out replicas),
                "cpuRequestCores" => Number(value, property.Name, out cpuRequest),
                "memoryRequestBytes" => Number(value, property.Name, out memoryRequest),
                "latencyQuantile" => Number(value, property.Name, out latencyQuantile),
                "latencySloSeconds" => Number(value, property.Name, out slo),
                "sloQuantile" => Number(value, property.Name, out sloQuantile),
                "scalingLevel" => Number(value, property.Name, out scalingLevel),
                "scaleDownStabilizationSeconds" => Number(value, property.Name, out stabilization),
                "scaleInCooldownSeconds" => Number(value, property.Name, out cooldown),
                "maxScaleInFraction" => Number(value, property.Name, out scaleInFraction),
                "maxScaleOutStep" => Integer(value, property.Name, out scaleOutStep),
                "replicaCapacity" => Number(value, property.Name, out replicaCapacity),
                "startupSeconds" => Number(value, property.Name, out startup),
                "pricePerReplicaHour" => Number(value, property.Name, out price),
                "decisionIntervalSeconds" => Number(value, property.Name, out interval),
                "minReplicas" => Integer(value, property.Name, out min),
                "tenant" when stored => null,
                "maxReplicas" => Integer(value, property.Name, out max),
                _ => $"'{property.Name}' is not a workload setting (known: {string.Join(", ", Known)})",
            };
            if (error is not null) return false;
        }
        if (series is null)
        {
            error = "series: required (a series selector, e.g. http_requests_per_second{service=\"checkout\"})";
            return false;
        }
        if (replicaCapacity is null)
        {
            error = "replicaCapacity: required (the demand one replica serves at its target)";
            return false;
        }
        var defaults = new CapacityModel { ReplicaCapacity = 1 };
        var candidate = new WorkloadSpec(name, series, new CapacityModel
        {
            ReplicaCapacity = replicaCapacity.Value,
            StartupDelay = startup is { } s ? TimeSpan.FromSeconds(Math.Clamp(s, -1, 864_000)) : defaults.StartupDelay,
            MinReplicas = min ?? defaults.MinReplicas,
            MaxReplicas = max ?? defaults.MaxReplicas,
            PricePerReplicaHour = price ?? defaults.PricePerReplicaHour,
        })
        {
            DecisionInterval = interval is { } i ? TimeSpan.FromSeconds(Math.Clamp(i, 0, 864_000)) : null,
            Request = request,
            Usage = usage,
            CpuUsage = cpuUsage,
            MemoryUsage = memoryUsage,
            CpuRequest = cpuRequest,
            MemoryRequest = memoryRequest,
            Latency = latency,
            LatencyQuantile = latencyQuantile ?? 0.95,
            LatencySlo = slo is { } seconds ? TimeSpan.FromSeconds(Math.Clamp(seconds, -1, 864_000)) : null,
            SloQuantile = sloQuantile ?? 0.99,
            ScalingLevel = scalingLevel,
            ScaleDownStabilization = stabilization is { } w ? TimeSpan.FromSeconds(Math.Clamp(w, -1, 864_000)) : null,
            ScaleInCooldown = cooldown is { } c ? TimeSpan.FromSeconds(Math.Clamp(c, -1, 864_000)) : null,
            MaxScaleInFraction = scaleInFraction,
            MaxScaleOutStep = scaleOutStep,
            Replicas = replicas,
        };
        if (candidate.Check() is { } problem)
        {
            error = $"{WorkloadKeys.Json(problem.Field)}: {problem.Message}";
            return false;
        }
        spec = candidate;
        error = null;
        return true;
    }

    /// <summary>Writes the settings (without the name) as the properties of the current object.</summary>
    public static void WriteProperties(Utf8JsonWriter writer, WorkloadSpec spec)
    {
        var c = spec.Capacity;
        writer.WriteString("series", spec.Series);
        writer.WriteNumber("replicaCapacity", c.ReplicaCapacity);
        writer.WriteNumber("startupSeconds", c.StartupDelay.TotalSeconds);
        writer.WriteNumber("minReplicas", c.MinReplicas);
        writer.WriteNumber("maxReplicas", c.MaxReplicas);
        writer.WriteNumber("pricePerReplicaHour", c.PricePerReplicaHour);
        if (spec.DecisionInterval is { } interval) writer.WriteNumber("decisionIntervalSeconds", interval.TotalSeconds);
        if (spec.Request is not null) writer.WriteString("request", spec.Request);
        if (spec.Usage is not null) writer.WriteString("usage", spec.Usage);
        if (spec.CpuUsage is not null) writer.WriteString("cpuUsage", spec.CpuUsage);
        if (spec.MemoryUsage is not null) writer.WriteString("memoryUsage", spec.MemoryUsage);
        if (spec.CpuRequest is { } cpu) writer.WriteNumber("cpuRequestCores", cpu);
        if (spec.MemoryRequest is { } memory) writer.WriteNumber("memoryRequestBytes", memory);
        if (spec.Latency is not null) writer.WriteString("latency", spec.Latency);
        if (spec.Replicas is not null) writer.WriteString("replicas", spec.Replicas);
        writer.WriteNumber("latencyQuantile", spec.LatencyQuantile);
        if (spec.LatencySlo is { } slo) writer.WriteNumber("latencySloSeconds", slo.TotalSeconds);
        writer.WriteNumber("sloQuantile", spec.SloQuantile);
        if (spec.ScalingLevel is { } level) writer.WriteNumber("scalingLevel", level);
        if (spec.ScaleDownStabilization is { } window) writer.WriteNumber("scaleDownStabilizationSeconds", window.TotalSeconds);
        if (spec.ScaleInCooldown is { } cooldown) writer.WriteNumber("scaleInCooldownSeconds", cooldown.TotalSeconds);
        if (spec.MaxScaleInFraction is { } fraction) writer.WriteNumber("maxScaleInFraction", fraction);
        if (spec.MaxScaleOutStep is { } step) writer.WriteNumber("maxScaleOutStep", step);
    }

    private static string? Kept(string text, out string? result)
    {
        result = text;
        return null;
    }

    private static string? String(JsonElement value, string key, out string? result)
    {
        result = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return result is null ? $"{key}: expected a string (a series selector)" : null;
    }

    private static string? Number(JsonElement value, string key, out double? result)
    {
        result = value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;
        return result is null ? $"{key}: expected a number" : null;
    }

    private static string? Integer(JsonElement value, string key, out int? result)
    {
        result = value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var i) ? i : null;
        return result is null ? $"{key}: expected a whole number" : null;
    }
}
