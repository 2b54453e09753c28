namespace Foresight.RightSizing;

/// <summary>One usage observation of a workload (or container-like unit).</summary>
/// <param name="TimestampMs">When it was measured (Unix ms).</param>
/// <param name="CpuCores">CPU in use, in cores (0 or more); NaN when not measured.</param>
/// <param name="MemoryBytes">Memory in use (working set), in bytes (0 or more); NaN when not measured.</param>
public readonly record struct UsageSample(long TimestampMs, double CpuCores, double MemoryBytes);

/// <summary>An out-of-memory kill of the workload.</summary>
/// <param name="TimestampMs">When it happened (Unix ms).</param>
/// <param name="MemoryBytes">Memory at the kill: the usage then, or the memory limit or request that was hit.</param>
public readonly record struct OomEvent(long TimestampMs, double MemoryBytes);

/// <summary>The requests a workload runs with today, where known.</summary>
/// <param name="CpuCores">CPU request in cores, or null.</param>
/// <param name="MemoryBytes">Memory request in bytes, or null.</param>
public sealed record ResourceRequests(double? CpuCores, double? MemoryBytes);

/// <summary>A recommended amount of one resource, with the current request where known.</summary>
/// <param name="Lower">Below this the workload is under-provisioned (a request under it should be raised).</param>
/// <param name="Target">The request to set.</param>
/// <param name="Upper">Above this the workload is over-provisioned (a request over it should be lowered); +∞ while there is no history to bound it.</param>
/// <param name="Current">The current request, or null.</param>
public sealed record ResourceRange(double Lower, double Target, double Upper, double? Current = null)
{
    /// <summary>Target − current request (negative: the recommendation frees resources), or null without a current request.</summary>
    public double? Delta => Current is { } current ? Target - current : null;
}

/// <summary>
/// What a workload should request, for one strategy: CPU in cores and memory in bytes, each as
/// lower bound, target and upper bound (see <see cref="RightSizingRecommender"/> for the method).
/// </summary>
/// <param name="Workload">The workload (or container-like unit) it is for.</param>
/// <param name="Strategy">The strategy's name.</param>
/// <param name="TargetPercentile">The strategy's target percentile (what the replay check holds the target to).</param>
/// <param name="Cpu">CPU cores.</param>
/// <param name="Memory">Memory bytes.</param>
/// <param name="ConfidenceDays">History behind it in days, min(span of the samples, samples / samples per day); the bounds widen as it shrinks.</param>
/// <param name="Samples">Usage samples behind it.</param>
/// <param name="FirstSampleMs">First sample (Unix ms).</param>
/// <param name="LastSampleMs">Last sample (Unix ms).</param>
public sealed record RightSizingRecommendation(string Workload, string Strategy, double TargetPercentile, ResourceRange Cpu, ResourceRange Memory,
    double ConfidenceDays, int Samples, long FirstSampleMs, long LastSampleMs);
