namespace Foresight.Scaling;

/// <summary>
/// How a workload turns demand into replicas: the demand one replica serves at its target, how
/// long a new replica takes to become ready, the bounds, and what a replica costs.
/// </summary>
/// <remarks>
/// Demand is whatever the bound series measures (requests per second, busy cores, queue length);
/// <see cref="ReplicaCapacity"/> is in the same unit. It is the load a replica should carry, not its
/// breaking point: a service that saturates at 120 req/s and should run at 70% is given 84.
/// </remarks>
public sealed record CapacityModel
{
    /// <summary>Demand one replica serves at its target (same unit as the demand series; &gt; 0).</summary>
    public required double ReplicaCapacity { get; init; }

    /// <summary>Time from asking for a replica until it serves traffic (scheduling, image pull, warm-up). Default 2 minutes.</summary>
    public TimeSpan StartupDelay { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Fewest replicas (0 allows scaling to zero). Default 1.</summary>
    public int MinReplicas { get; init; } = 1;

    /// <summary>Most replicas. Default 100.</summary>
    public int MaxReplicas { get; init; } = 100;

    /// <summary>Highest price per replica-hour accepted: far above any machine's, low enough that a fleet's cost stays a finite number.</summary>
    public const double MaxPrice = 1_000_000;

    /// <summary>Price of one replica for one hour, in the user's currency (0 when unknown). Default 0.</summary>
    public double PricePerReplicaHour { get; init; }

    /// <summary>Replicas that serve <paramref name="demand"/> at the target, within the bounds.</summary>
    public int ReplicasFor(double demand)
    {
        if (!double.IsFinite(demand) || demand <= 0) return MinReplicas;
        var n = Math.Ceiling(demand / ReplicaCapacity - 1e-9);
        return (int)Math.Clamp(n, MinReplicas, MaxReplicas);
    }

    /// <summary>The first problem with the settings, or null when they are usable.</summary>
    public string? Validate()
    {
        if (!double.IsFinite(ReplicaCapacity) || ReplicaCapacity <= 0) return $"replica capacity must be a positive number (got {ReplicaCapacity})";
        if (StartupDelay < TimeSpan.Zero) return $"start-up delay must not be negative (got {StartupDelay})";
        if (MinReplicas < 0) return $"min replicas must be 0 or more (got {MinReplicas})";
        if (MaxReplicas < Math.Max(1, MinReplicas)) return $"max replicas must be at least 1 and at least min replicas (got {MaxReplicas}, min {MinReplicas})";
        if (!(PricePerReplicaHour is >= 0 and <= MaxPrice)) return $"price per replica-hour must be from 0 to 1,000,000 (got {PricePerReplicaHour})";
        return null;
    }
}
