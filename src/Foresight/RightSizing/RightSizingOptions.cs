namespace Foresight.RightSizing;

/// <summary>
/// Settings of <see cref="RightSizingRecommender"/>. The defaults are the VPA recommender's
/// (<c>pkg/recommender/model/aggregations_config.go</c>, <c>pkg/recommender/main.go</c> and
/// <c>pkg/recommender/logic/recommender.go</c>).
/// </summary>
public sealed class RightSizingOptions
{
    /// <summary>One mebibyte.</summary>
    public const double MiB = 1024 * 1024;

    /// <summary>Half-life of CPU usage samples. Default 24 h (VPA's <c>--cpu-histogram-decay-half-life</c>).</summary>
    public TimeSpan CpuHalfLife { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Half-life of memory peaks. Default 24 h (VPA's <c>--memory-histogram-decay-half-life</c>).</summary>
    public TimeSpan MemoryHalfLife { get; init; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Half-life of a second, slower histogram per resource whose percentiles floor the 24 h ones, so a
    /// quiet weekend does not set the request for the week (see <see cref="RightSizingRecommender"/>).
    /// Default 7 days; null gives the VPA's single histogram.
    /// </summary>
    public TimeSpan? WeeklyHalfLife { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Length of the windows whose memory peak is one sample. Default 24 h (VPA's <c>MemoryAggregationInterval</c>).</summary>
    public TimeSpan MemoryAggregationInterval { get; init; } = TimeSpan.FromHours(24);

    /// <summary>No CPU bound below this many cores. Default 0.025 (VPA's <c>--pod-recommendation-min-cpu-millicores</c> 25).</summary>
    public double MinCpuCores { get; init; } = 0.025;

    /// <summary>No memory bound below this many bytes. Default 250 MiB (VPA's <c>--pod-recommendation-min-memory-mb</c> 250).</summary>
    public double MinMemoryBytes { get; init; } = 250 * MiB;

    /// <summary>After an out-of-memory kill the memory needed is at least this multiple of the memory in use. Default 1.2 (VPA's <c>--oom-bump-up-ratio</c>).</summary>
    public double OomBumpRatio { get; init; } = 1.2;

    /// <summary>After an out-of-memory kill the memory needed is at least this many bytes above the memory in use. Default 100 MiB (VPA's <c>--oom-min-bump-up-bytes</c>).</summary>
    public double OomMinBumpBytes { get; init; } = 100 * MiB;

    /// <summary>
    /// Samples that make one day of evidence for the confidence (history in days is also bounded by
    /// sample count / this). Default 1440, one a minute, as VPA counts.
    /// </summary>
    public double SamplesPerDay { get; init; } = 1440;

    /// <summary>Smallest weight of a CPU sample when a request is known (VPA's <c>minSampleWeight</c>, 0.1).</summary>
    public double MinCpuSampleWeight { get; init; } = 0.1;

    /// <summary>Buckets of the CPU histogram (cores). Default <see cref="ExponentialBuckets.Cpu"/>.</summary>
    public ExponentialBuckets CpuBuckets { get; init; } = ExponentialBuckets.Cpu;

    /// <summary>Buckets of the memory histogram (bytes). Default <see cref="ExponentialBuckets.Memory"/>.</summary>
    public ExponentialBuckets MemoryBuckets { get; init; } = ExponentialBuckets.Memory;

    /// <summary>The first problem with the settings, or null when they are usable.</summary>
    public string? Validate()
    {
        if (CpuHalfLife < TimeSpan.FromMilliseconds(1)) return $"CPU half-life must be at least 1 ms (got {CpuHalfLife})";
        if (MemoryHalfLife < TimeSpan.FromMilliseconds(1)) return $"memory half-life must be at least 1 ms (got {MemoryHalfLife})";
        if (WeeklyHalfLife is { } weekly && weekly < TimeSpan.FromMilliseconds(1)) return $"weekly half-life must be at least 1 ms, or null (got {weekly})";
        if (MemoryAggregationInterval < TimeSpan.FromMilliseconds(1)) return $"memory aggregation interval must be at least 1 ms (got {MemoryAggregationInterval})";
        if (!double.IsFinite(MinCpuCores) || MinCpuCores < 0) return $"minimum CPU must be 0 or more cores (got {MinCpuCores})";
        if (!double.IsFinite(MinMemoryBytes) || MinMemoryBytes < 0) return $"minimum memory must be 0 or more bytes (got {MinMemoryBytes})";
        if (!double.IsFinite(OomBumpRatio) || OomBumpRatio < 1) return $"OOM bump ratio must be 1 or more (got {OomBumpRatio})";
        if (!double.IsFinite(OomMinBumpBytes) || OomMinBumpBytes < 0) return $"OOM minimum bump must be 0 or more bytes (got {OomMinBumpBytes})";
        if (!double.IsFinite(SamplesPerDay) || SamplesPerDay <= 0) return $"samples per day must be positive (got {SamplesPerDay})";
        if (!double.IsFinite(MinCpuSampleWeight) || MinCpuSampleWeight <= 0) return $"minimum CPU sample weight must be positive (got {MinCpuSampleWeight})";
        if (CpuBuckets is null || MemoryBuckets is null) return "CPU and memory bucket schemes must be set";
        return null;
    }
}
