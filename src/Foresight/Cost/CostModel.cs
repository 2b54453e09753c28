using Foresight.Series;

namespace Foresight.Cost;

/// <summary>What a workload asks for: CPU cores and memory bytes per replica, and the replica count.</summary>
/// <param name="CpuCores">Cores requested by one replica (e.g. 0.25 for 250m); 0 or more.</param>
/// <param name="MemoryBytes">Memory requested by one replica, in bytes; 0 or more.</param>
/// <param name="Replicas">Replicas running (1 or more).</param>
public readonly record struct ResourceRequest(double CpuCores, double MemoryBytes, int Replicas = 1)
{
    /// <summary>Cores requested by all replicas.</summary>
    public double TotalCpuCores => CpuCores * Replicas;

    /// <summary>Bytes requested by all replicas.</summary>
    public double TotalMemoryBytes => MemoryBytes * Replicas;

    /// <summary>The first problem with the values, or null when they are usable.</summary>
    public string? Validate()
    {
        if (!double.IsFinite(CpuCores) || CpuCores < 0) return $"CPU request must be 0 or more cores (got {CpuCores})";
        if (!double.IsFinite(MemoryBytes) || MemoryBytes < 0) return $"memory request must be 0 or more bytes (got {MemoryBytes})";
        if (Replicas < 1) return $"replicas must be 1 or more (got {Replicas})";
        return null;
    }
}

/// <summary>
/// A stretch of time over which a workload used a steady amount: its duration and the cores and bytes
/// used by all its replicas together (the sum over pods, as <c>sum(container_cpu_usage...)</c> gives).
/// </summary>
public readonly record struct UsageInterval(TimeSpan Duration, double CpuCores, double MemoryBytes);

/// <summary>A cost over a span of time, split into CPU and memory, with the rates it implies.</summary>
/// <param name="Hours">Hours covered.</param>
/// <param name="CpuCost">Cost of the cores over those hours.</param>
/// <param name="MemoryCost">Cost of the memory over those hours.</param>
/// <param name="Currency">Currency of the prices.</param>
public sealed record CostEstimate(double Hours, double CpuCost, double MemoryCost, string Currency)
{
    /// <summary>CPU plus memory over <see cref="Hours"/>.</summary>
    public double Total => CpuCost + MemoryCost;

    /// <summary>Average cost of one hour (0 when no time is covered).</summary>
    public double PerHour => Hours > 0 ? Total / Hours : 0;

    /// <summary>One month at the average hourly cost (730 h).</summary>
    public double PerMonth => PerHour * CostModel.HoursPerMonth;

    /// <summary>One year at the average hourly cost (8,760 h).</summary>
    public double PerYear => PerHour * CostModel.HoursPerYear;
}

/// <summary>
/// Cost of a workload the way OpenCost allocates it: each resource is charged at
/// max(request, usage) × rate for every hour (a pod holds what it requests even when idle, and pays
/// for what it uses above its request), integrated over a usage series with per-sample durations.
/// </summary>
/// <remarks>
/// Requests are per replica and multiplied by the replica count; usage intervals are for the whole
/// workload, so the charge for a sample of duration d is
/// <c>d × (max(replicas × cpuRequest, cpuUsed) × cpuRate + max(replicas × memRequest, memUsed) / 2³⁰ × memRate)</c>.
/// Rates come from a <see cref="PriceCatalog"/> (on demand or spot). A month is 730 hours and a year
/// 8,760, the conventions of cloud price pages and OpenCost. See the OpenCost specification,
/// "Resource allocation": allocation = max(request, usage).
/// </remarks>
public static class CostModel
{
    /// <summary>Hours in a billing month (8,760 / 12).</summary>
    public const double HoursPerMonth = 730;

    /// <summary>Hours in a year.</summary>
    public const double HoursPerYear = 8760;

    /// <summary>Cost of holding <paramref name="request"/> for <paramref name="hours"/> with no usage above it.</summary>
    public static CostEstimate OfRequest(ResourceRequest request, PriceCatalog prices, double hours = 1, bool spot = false)
    {
        Check(request);
        ArgumentNullException.ThrowIfNull(prices);
        ArgumentOutOfRangeException.ThrowIfNegative(hours);
        return new CostEstimate(
            hours,
            request.TotalCpuCores * prices.CpuRate(spot) * hours,
            request.TotalMemoryBytes / PriceCatalog.BytesPerGiB * prices.MemoryRate(spot) * hours,
            prices.Currency);
    }

    /// <summary>Cost of <paramref name="request"/> over the usage intervals, each charged at max(request, usage).</summary>
    /// <remarks>NaN usage (a gap in the series) is charged at the request. Empty input covers 0 hours and costs 0.</remarks>
    public static CostEstimate Integrate(ResourceRequest request, ReadOnlySpan<UsageInterval> usage, PriceCatalog prices, bool spot = false)
    {
        Check(request);
        ArgumentNullException.ThrowIfNull(prices);
        double hours = 0, coreHours = 0, gibHours = 0;
        foreach (var sample in usage)
        {
            if (sample.Duration < TimeSpan.Zero) throw new ArgumentException($"usage sample durations must not be negative (got {sample.Duration})", nameof(usage));
            var h = sample.Duration.TotalHours;
            hours += h;
            coreHours += h * Max(request.TotalCpuCores, sample.CpuCores);
            gibHours += h * Max(request.TotalMemoryBytes, sample.MemoryBytes) / PriceCatalog.BytesPerGiB;
        }
        return new CostEstimate(hours, coreHours * prices.CpuRate(spot), gibHours * prices.MemoryRate(spot), prices.Currency);
    }

    /// <summary>
    /// Turns a CPU-cores series and a memory-bytes series (workload totals, timestamps in Unix ms) into
    /// usage intervals: the merged timestamps cut time into intervals, each holding the latest value of
    /// each series at its start (the first value of a series stands for the time before it). The last
    /// timestamp lasts <paramref name="lastStep"/>, by default the median interval. Points must be in
    /// time order.
    /// </summary>
    public static UsageInterval[] Intervals(IReadOnlyList<Point> cpuCores, IReadOnlyList<Point> memoryBytes, TimeSpan? lastStep = null)
    {
        ArgumentNullException.ThrowIfNull(cpuCores);
        ArgumentNullException.ThrowIfNull(memoryBytes);
        var times = cpuCores.Select(p => p.Timestamp).Concat(memoryBytes.Select(p => p.Timestamp)).Distinct().Order().ToArray();
        if (times.Length == 0) return [];
        var steps = new long[Math.Max(0, times.Length - 1)];
        for (var i = 0; i < steps.Length; i++) steps[i] = times[i + 1] - times[i];
        var last = lastStep ?? (steps.Length == 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(steps.Order().ElementAt(steps.Length / 2)));
        var samples = new UsageInterval[times.Length];
        int c = 0, m = 0;
        for (var i = 0; i < times.Length; i++)
        {
            while (c + 1 < cpuCores.Count && cpuCores[c + 1].Timestamp <= times[i]) c++;
            while (m + 1 < memoryBytes.Count && memoryBytes[m + 1].Timestamp <= times[i]) m++;
            var duration = i < steps.Length ? TimeSpan.FromMilliseconds(steps[i]) : last;
            samples[i] = new UsageInterval(
                duration,
                cpuCores.Count > 0 ? cpuCores[c].Value : double.NaN,
                memoryBytes.Count > 0 ? memoryBytes[m].Value : double.NaN);
        }
        return samples;
    }

    /// <summary>
    /// What moving from <paramref name="current"/> to <paramref name="recommended"/> saves over the same usage
    /// (both charged at max(request, usage), so a cut below real usage saves nothing on that part).
    /// With no usage, both are charged at their requests for one hour.
    /// </summary>
    public static SavingsEstimate Savings(ResourceRequest current, ResourceRequest recommended, ReadOnlySpan<UsageInterval> usage, PriceCatalog prices, bool spot = false) =>
        usage.IsEmpty
            ? new SavingsEstimate(OfRequest(current, prices, 1, spot), OfRequest(recommended, prices, 1, spot))
            : new SavingsEstimate(Integrate(current, usage, prices, spot), Integrate(recommended, usage, prices, spot));

    /// <summary>
    /// The whole assessment of one recommendation: cost now and after, savings, effort, payback and priority,
    /// in one record keyed by workload so it joins with a right-sizing recommendation.
    /// </summary>
    public static WorkloadCostAssessment Assess(
        string workload, ResourceRequest current, ResourceRequest recommended, ReadOnlySpan<UsageInterval> usage,
        PriceCatalog prices, ChangeRisk risk, EconomicsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(workload);
        var savings = Savings(current, recommended, usage, prices);
        return new WorkloadCostAssessment(workload, current, recommended, savings, ChangeEconomics.Of(savings, risk, options));
    }

    private static double Max(double request, double used) => double.IsNaN(used) ? request : Math.Max(request, used);

    private static void Check(ResourceRequest request)
    {
        if (request.Validate() is { } problem) throw new ArgumentException(problem, nameof(request));
    }
}

/// <summary>Cost before and after a change over the same hours, and the difference.</summary>
public sealed record SavingsEstimate(CostEstimate Current, CostEstimate Recommended)
{
    /// <summary>Saved per hour (negative when the change costs more).</summary>
    public double PerHour => Current.PerHour - Recommended.PerHour;

    /// <summary>Saved per 730-hour month.</summary>
    public double PerMonth => PerHour * CostModel.HoursPerMonth;

    /// <summary>Saved per 8,760-hour year.</summary>
    public double PerYear => PerHour * CostModel.HoursPerYear;

    /// <summary>Share of the current cost saved (0 when the current cost is 0).</summary>
    public double Fraction => Current.PerHour > 0 ? PerHour / Current.PerHour : 0;
}

/// <summary>One workload's recommendation priced: requests before and after, savings, and the change's economics.</summary>
public sealed record WorkloadCostAssessment(
    string Workload, ResourceRequest Current, ResourceRequest Recommended, SavingsEstimate Savings, ChangeEconomics Economics);
