namespace Foresight.Classification;

/// <summary>
/// The metrics of one workload that <see cref="WorkloadFeatures"/> reads: aligned series sampled
/// every <see cref="Step"/> from <see cref="Start"/>. Only CPU is required; any other series may be
/// null (not collected), and single samples may be NaN (gaps). All series that are present must have
/// the same length as the CPU series.
/// </summary>
public sealed record WorkloadMetrics
{
    /// <summary>Prometheus-style metric names <see cref="TryFromNamedSeries"/> understands, mapped to the series they fill.</summary>
    public static IReadOnlyList<string> KnownMetricNames { get; } =
    [
        "cpu_usage_cores", "memory_usage_bytes", "http_requests_per_second", "http_request_duration_p95_seconds",
        "network_bytes_per_second", "disk_io_bytes_per_second",
    ];

    /// <summary>Sampling interval; at most one hour.</summary>
    public required TimeSpan Step { get; init; }

    /// <summary>Time of the first sample; the calendar (weekends) is read in UTC.</summary>
    public required DateTimeOffset Start { get; init; }

    /// <summary>CPU in use, in cores.</summary>
    public required double[] CpuCores { get; init; }

    /// <summary>Resident memory in bytes.</summary>
    public double[]? MemoryBytes { get; init; }

    /// <summary>Requests (or queries, operations) served per second.</summary>
    public double[]? RequestsPerSecond { get; init; }

    /// <summary>Request latency in seconds (a median or p95; one kind throughout).</summary>
    public double[]? LatencySeconds { get; init; }

    /// <summary>Network bytes per second, received plus sent.</summary>
    public double[]? NetworkBytesPerSecond { get; init; }

    /// <summary>Disk bytes per second, read plus written.</summary>
    public double[]? DiskBytesPerSecond { get; init; }

    /// <summary>Number of samples (the CPU series' length).</summary>
    public int Length => CpuCores.Length;

    /// <summary>
    /// Builds metrics from series keyed by metric name (<see cref="KnownMetricNames"/>, e.g. the demo
    /// fleet's <c>cpu_usage_cores</c>, <c>memory_usage_bytes</c>, <c>http_requests_per_second</c>,
    /// <c>http_request_duration_p95_seconds</c>); other names are ignored. False, with the reason,
    /// when there is no CPU series.
    /// </summary>
    public static bool TryFromNamedSeries(IReadOnlyDictionary<string, double[]> series, TimeSpan step, DateTimeOffset start,
        out WorkloadMetrics metrics, out string error)
    {
        metrics = null!;
        if (!series.TryGetValue("cpu_usage_cores", out var cpu))
        {
            error = $"no cpu_usage_cores series among {(series.Count == 0 ? "none" : string.Join(", ", series.Keys))}";
            return false;
        }
        metrics = new WorkloadMetrics
        {
            Step = step,
            Start = start,
            CpuCores = cpu,
            MemoryBytes = series.GetValueOrDefault("memory_usage_bytes"),
            RequestsPerSecond = series.GetValueOrDefault("http_requests_per_second"),
            LatencySeconds = series.GetValueOrDefault("http_request_duration_p95_seconds"),
            NetworkBytesPerSecond = series.GetValueOrDefault("network_bytes_per_second"),
            DiskBytesPerSecond = series.GetValueOrDefault("disk_io_bytes_per_second"),
        };
        error = "";
        return true;
    }

    /// <summary>What is wrong with these metrics for classification, or null when they can be used.</summary>
    public string? Validate()
    {
        if (Step <= TimeSpan.Zero || Step > TimeSpan.FromHours(1)) return $"step {Step} is outside (0, 1 h]";
        foreach (var (name, values) in Optional())
        {
            if (values is not null && values.Length != CpuCores.Length)
                return $"{name} has {values.Length} samples but cpu has {CpuCores.Length}; the series must be aligned";
        }
        var hours = CpuCores.Length * Step.TotalHours;
        if (hours < 48) return $"{hours:0.#} h of samples; at least 48 h are needed to see a daily cycle";
        var present = 0;
        foreach (var v in CpuCores) if (double.IsFinite(v)) present++;
        if (present < CpuCores.Length / 2) return $"cpu has {present} finite samples of {CpuCores.Length}; at least half are needed";
        return null;
    }

    internal IEnumerable<(string Name, double[]? Values)> Optional() =>
    [
        ("memory", MemoryBytes), ("requests", RequestsPerSecond), ("latency", LatencySeconds),
        ("network", NetworkBytesPerSecond), ("disk", DiskBytesPerSecond),
    ];
}
