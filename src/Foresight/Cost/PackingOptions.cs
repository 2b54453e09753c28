namespace Foresight.Cost;

/// <summary>One workload to place: the size of one replica, how many replicas, and where they may go.</summary>
/// <param name="Name">Workload name (unique in one packing).</param>
/// <param name="CpuCores">Cores one replica requests (recommended target), &gt; 0 or with memory &gt; 0.</param>
/// <param name="MemoryBytes">Bytes one replica requests.</param>
/// <param name="Replicas">Replicas to place (1 or more).</param>
/// <param name="AntiAffinity">Replicas must land on different nodes (a required pod anti-affinity on the hostname).</param>
/// <param name="Spot">The workload suits spot capacity (see <see cref="SpotSuitability"/>); used when <see cref="PackingOptions.UseSpot"/> is on.</param>
public sealed record WorkloadDemand(string Name, double CpuCores, double MemoryBytes, int Replicas = 1, bool AntiAffinity = false, bool Spot = false)
{
    /// <summary>The first problem with the values, or null when they are usable.</summary>
    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(Name)) return "a workload has no name";
        if (!double.IsFinite(CpuCores) || CpuCores < 0) return $"{Name}: CPU must be 0 or more cores (got {CpuCores})";
        if (!double.IsFinite(MemoryBytes) || MemoryBytes < 0) return $"{Name}: memory must be 0 or more bytes (got {MemoryBytes})";
        if (CpuCores == 0 && MemoryBytes == 0) return $"{Name}: a replica needs some CPU or memory";
        if (Replicas < 1) return $"{Name}: replicas must be 1 or more (got {Replicas})";
        return null;
    }
}

/// <summary>What each node keeps back for the operating system and the kubelet before pods are placed.</summary>
public enum SystemReservation
{
    /// <summary>Nothing reserved: the whole machine is allocatable.</summary>
    None,

    /// <summary>
    /// GKE's published formula for node allocatable: CPU 6% of the first core, 1% of the next, 0.5% of the next
    /// two and 0.25% above four; memory 25% of the first 4 GiB, 20% of the next 4, 10% of the next 8, 6% of the
    /// next 112 and 2% above 128 GiB, plus a 100 MiB eviction threshold. EKS and AKS reserve amounts of the
    /// same order.
    /// </summary>
    Gke,

    /// <summary>The same fixed amounts on every node (<see cref="PackingOptions.ReservedCpuCores"/>, <see cref="PackingOptions.ReservedMemoryGiB"/>).</summary>
    Fixed,
}

/// <summary>Settings of <see cref="InstancePacker"/>.</summary>
public sealed record PackingOptions
{
    /// <summary>Share of each node's allocatable CPU and memory kept free for bursts and rescheduling (0 to 0.9). Default 0.15.</summary>
    public double Headroom { get; init; } = 0.15;

    /// <summary>What each node keeps back for the system (default the GKE formula).</summary>
    public SystemReservation Reservation { get; init; } = SystemReservation.Gke;

    /// <summary>Cores reserved per node when <see cref="Reservation"/> is <see cref="SystemReservation.Fixed"/>. Default 0.1.</summary>
    public double ReservedCpuCores { get; init; } = 0.1;

    /// <summary>GiB reserved per node when <see cref="Reservation"/> is <see cref="SystemReservation.Fixed"/>. Default 0.5.</summary>
    public double ReservedMemoryGiB { get; init; } = 0.5;

    /// <summary>Place workloads marked <see cref="WorkloadDemand.Spot"/> on spot nodes at spot prices. Default off.</summary>
    public bool UseSpot { get; init; }

    /// <summary>The first problem with the settings, or null when they are usable.</summary>
    public string? Validate()
    {
        if (!double.IsFinite(Headroom) || Headroom < 0 || Headroom > 0.9) return $"headroom must be a share from 0 to 0.9 (got {Headroom})";
        if (!double.IsFinite(ReservedCpuCores) || ReservedCpuCores < 0) return $"reserved CPU must be 0 or more cores (got {ReservedCpuCores})";
        if (!double.IsFinite(ReservedMemoryGiB) || ReservedMemoryGiB < 0) return $"reserved memory must be 0 or more GiB (got {ReservedMemoryGiB})";
        return null;
    }

    /// <summary>Cores and GiB of <paramref name="type"/> pods may use: capacity less the reservation, less the headroom.</summary>
    public (double Cpu, double MemoryGiB) Usable(InstanceType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var (cpu, mem) = Reservation switch
        {
            SystemReservation.None => (0.0, 0.0),
            SystemReservation.Fixed => (ReservedCpuCores, ReservedMemoryGiB),
            _ => (GkeCpu(type.VCpu), GkeMemory(type.MemoryGiB)),
        };
        var keep = 1 - Headroom;
        return (Math.Max(0, type.VCpu - cpu) * keep, Math.Max(0, type.MemoryGiB - mem) * keep);
    }

    internal static double GkeCpu(double cores) =>
        0.06 * Band(cores, 0, 1) + 0.01 * Band(cores, 1, 2) + 0.005 * Band(cores, 2, 4) + 0.0025 * Band(cores, 4, double.PositiveInfinity);

    internal static double GkeMemory(double gib) =>
        gib < 1
            ? 255.0 / 1024
            : 0.25 * Band(gib, 0, 4) + 0.2 * Band(gib, 4, 8) + 0.1 * Band(gib, 8, 16) + 0.06 * Band(gib, 16, 128) + 0.02 * Band(gib, 128, double.PositiveInfinity) + 100.0 / 1024;

    private static double Band(double x, double from, double to) => Math.Clamp(x, from, to) - from;
}
