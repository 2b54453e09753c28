using System.Globalization;
using Foresight.Configuration;
using Foresight.Scaling;
using Foresight.Scraping;
using YamlDotNet.RepresentationModel;

namespace Foresight.Server.Scaling;

/// <summary>
/// Reads the <c>workloads:</c> section of the config file, a list of workloads:
/// <code>
/// workloads:
///   - name: checkout
///     series: 'http_requests_per_second{service="checkout"}'   # demand; matching series are summed
///     replica_capacity: 84        # demand one replica serves at its target (required)
///     startup: 2m                 # until a new replica serves traffic (default 2m)
///     min_replicas: 2             # default 1 (0 allows scaling to zero)
///     max_replicas: 40            # default 100
///     price_per_replica_hour: 0.05  # default 0
///     decision_interval: 30s      # default 30s
///     scaling_level: 0.95         # forecast quantile replicas are planned for (default 0.93)
///     scale_down_stabilization: 5m  # a scale-in uses the largest recommendation of this window (default 1m)
///     scale_in_cooldown: 3m       # no scale-in this long after a scale-out (default 1m)
///     max_scale_in_fraction: 0.25 # largest share of the replicas one scale-in removes (default 0.5)
///     max_scale_out_step: 4       # most replicas one decision adds (default: no limit)
///     tenant: default             # default "default"
///     replicas: 'kube_deployment_status_replicas{deployment="checkout"}'  # what runs now (default: the last decision)
///     request: 'kube_pod_container_resource_requests{container="checkout",resource="cpu"}'  # optional, with usage
///     usage: 'container_cpu_usage_cores{container="checkout"}'                              # optional, with request
///     cpu_usage: 'container_cpu_usage_cores{container="checkout"}'     # right-sizing input, one series per replica
///     memory_usage: 'container_memory_working_set_bytes{container="checkout"}'
///     cpu_request: 2              # cores per replica requested today
///     memory_request: 4Gi         # bytes per replica (Ki, Mi, Gi, Ti, K, M, G, T suffixes)
///     latency: 'http_request_duration_p95_seconds{service="checkout"}'  # latency-versus-load input
///     latency_quantile: 0.95      # what the latency series measures (default 0.95)
///     latency_slo: 300ms          # objective for slo_quantile (default quantile 0.99)
///     slo_quantile: 0.99
/// </code>
/// Errors name the file, line, workload and key, e.g.
/// <c>foresight.yml: line 5: workloads[0] (checkout).replica_capacity: must be a positive number (got 0)</c>.
/// </summary>
internal static class WorkloadConfig
{
    private static readonly string[] Keys =
        ["name", "series", "replica_capacity", "startup", "min_replicas", "max_replicas", "price_per_replica_hour", "decision_interval", "tenant", "request", "usage",
         "cpu_usage", "memory_usage", "cpu_request", "memory_request", "latency", "latency_quantile", "latency_slo", "slo_quantile", "scaling_level",
         "scale_down_stabilization", "scale_in_cooldown", "max_scale_in_fraction", "max_scale_out_step", "replicas"];

    /// <summary>The workloads of the section with their tenants (empty without one).</summary>
    /// <exception cref="ConfigException">The section breaks a rule; the message names file, line, workload and key.</exception>
    public static IReadOnlyList<(string Tenant, WorkloadSpec Spec)> Read(ForesightConfig config)
    {
        if (config.Section("workloads") is not { } node || YamlNodes.IsNull(node)) return [];
        if (node is not YamlSequenceNode list) throw Error(config, node, "workloads", "expected a list of workloads (- name: ..., series: ..., replica_capacity: ...)");
        var result = new List<(string, WorkloadSpec)>();
        var seen = new HashSet<(string, string)>();
        for (var i = 0; i < list.Children.Count; i++)
        {
            var item = list.Children[i];
            var (tenant, spec) = ReadWorkload(config, item, $"workloads[{i}]");
            if (!seen.Add((tenant, spec.Name))) throw Error(config, item, $"workloads[{i}] ({spec.Name})", $"the name is used twice for tenant '{tenant}'");
            result.Add((tenant, spec));
        }
        return result;
    }

    private static (string Tenant, WorkloadSpec Spec) ReadWorkload(ForesightConfig config, YamlNode node, string path)
    {
        if (node is not YamlMappingNode map) throw Error(config, node, path, "expected a mapping with name, series and replica_capacity");
        var values = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in map.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!Keys.Contains(key)) throw Error(config, keyNode, path, $"'{key}' is not a workload setting (known: {string.Join(", ", Keys)})");
            if (!values.TryAdd(key, value)) throw Error(config, keyNode, path, $"'{key}' is given twice");
        }
        if (!values.TryGetValue("name", out var nameNode)) throw Error(config, map, path, "name is required");
        var name = Text(config, nameNode, path + ".name");
        if (!WorkloadSpec.IsValidName(name)) throw Error(config, nameNode, path + ".name", $"'{name}' is not a valid name (letters, digits, '.', '_', '-', starting with a letter or digit, at most 63 characters)");
        path = $"{path} ({name})";

        if (!values.ContainsKey("series")) throw Error(config, map, path, "series is required (a series selector, e.g. http_requests_per_second{service=\"checkout\"})");
        if (!values.ContainsKey("replica_capacity")) throw Error(config, map, path, "replica_capacity is required (the demand one replica serves at its target)");
        var defaults = new CapacityModel { ReplicaCapacity = 1 };
        var capacity = new CapacityModel
        {
            ReplicaCapacity = Number(config, values["replica_capacity"], path + ".replica_capacity"),
            StartupDelay = values.TryGetValue("startup", out var n) ? Duration(config, n, path + ".startup") : defaults.StartupDelay,
            MinReplicas = values.TryGetValue("min_replicas", out n) ? Integer(config, n, path + ".min_replicas") : defaults.MinReplicas,
            MaxReplicas = values.TryGetValue("max_replicas", out n) ? Integer(config, n, path + ".max_replicas") : defaults.MaxReplicas,
            PricePerReplicaHour = values.TryGetValue("price_per_replica_hour", out n) ? Number(config, n, path + ".price_per_replica_hour") : defaults.PricePerReplicaHour,
        };
        var spec = new WorkloadSpec(name, Text(config, values["series"], path + ".series"), capacity)
        {
            DecisionInterval = values.TryGetValue("decision_interval", out n) ? Duration(config, n, path + ".decision_interval") : null,
            Request = values.TryGetValue("request", out n) ? Text(config, n, path + ".request") : null,
            Usage = values.TryGetValue("usage", out n) ? Text(config, n, path + ".usage") : null,
            CpuUsage = values.TryGetValue("cpu_usage", out n) ? Text(config, n, path + ".cpu_usage") : null,
            MemoryUsage = values.TryGetValue("memory_usage", out n) ? Text(config, n, path + ".memory_usage") : null,
            CpuRequest = values.TryGetValue("cpu_request", out n) ? Number(config, n, path + ".cpu_request") : null,
            MemoryRequest = values.TryGetValue("memory_request", out n) ? Bytes(config, n, path + ".memory_request") : null,
            Latency = values.TryGetValue("latency", out n) ? Text(config, n, path + ".latency") : null,
            LatencyQuantile = values.TryGetValue("latency_quantile", out n) ? Number(config, n, path + ".latency_quantile") : 0.95,
            LatencySlo = values.TryGetValue("latency_slo", out n) ? Duration(config, n, path + ".latency_slo") : null,
            SloQuantile = values.TryGetValue("slo_quantile", out n) ? Number(config, n, path + ".slo_quantile") : 0.99,
            ScalingLevel = values.TryGetValue("scaling_level", out n) ? Number(config, n, path + ".scaling_level") : null,
            ScaleDownStabilization = values.TryGetValue("scale_down_stabilization", out n) ? Duration(config, n, path + ".scale_down_stabilization") : null,
            ScaleInCooldown = values.TryGetValue("scale_in_cooldown", out n) ? Duration(config, n, path + ".scale_in_cooldown") : null,
            MaxScaleInFraction = values.TryGetValue("max_scale_in_fraction", out n) ? Number(config, n, path + ".max_scale_in_fraction") : null,
            MaxScaleOutStep = values.TryGetValue("max_scale_out_step", out n) ? Integer(config, n, path + ".max_scale_out_step") : null,
            Replicas = values.TryGetValue("replicas", out n) ? Text(config, n, path + ".replicas") : null,
        };
        var tenant = values.TryGetValue("tenant", out n) ? Text(config, n, path + ".tenant") : "default";
        if (string.IsNullOrWhiteSpace(tenant)) throw Error(config, n!, path + ".tenant", "must not be empty");
        if (spec.Check() is { } problem)
        {
            var key = WorkloadKeys.Yaml(problem.Field);
            throw Error(config, values.TryGetValue(key, out var at) ? at : map, $"{path}.{key}", problem.Message);
        }
        return (tenant, spec);
    }

    private static string Text(ForesightConfig config, YamlNode node, string path) =>
        node is YamlScalarNode { Value: { } value } && !YamlNodes.IsNull(node) ? value : throw Error(config, node, path, "expected a single value");

    private static double Number(ForesightConfig config, YamlNode node, string path)
    {
        var text = Text(config, node, path);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw Error(config, node, path, $"'{text}' is not a number");
    }

    private static int Integer(ForesightConfig config, YamlNode node, string path)
    {
        var text = Text(config, node, path);
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Error(config, node, path, $"'{text}' is not a whole number");
    }

    private static double Bytes(ForesightConfig config, YamlNode node, string path)
    {
        var text = Text(config, node, path);
        return ByteQuantity.TryParse(text, out var value) ? value : throw Error(config, node, path, $"'{text}' is not a size in bytes (e.g. 512Mi, 4Gi, 2G, 1073741824)");
    }

    private static TimeSpan Duration(ForesightConfig config, YamlNode node, string path)
    {
        var text = Text(config, node, path);
        return PrometheusDuration.TryParse(text, out var value) ? value : throw Error(config, node, path, $"'{text}' is not a duration (e.g. 30s, 2m, 1m30s)");
    }

    private static ConfigException Error(ForesightConfig config, YamlNode node, string path, string message) =>
        config.Error(node, $"{path}: {message}");
}
