using Foresight.Classification;
using Foresight.Cost;
using Foresight.RightSizing;
using Foresight.Series;
using Foresight.Server.Concurrency;
using Foresight.Server.Scaling;

namespace Foresight.Server.Recommendations;

/// <summary>Settings of right-sizing, cost and capacity in the server.</summary>
public sealed class RecommendationOptions
{
    /// <summary>History each analysis reads. Default 14 days (two weekly cycles; the demo's backfill).</summary>
    public TimeSpan History { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How long a computed report is served before it is recomputed. Default 1 minute.</summary>
    public TimeSpan CacheFor { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Per-resource prices (default: OpenCost's default sheet).</summary>
    public PriceCatalog Prices { get; set; } = PriceCatalog.Default;

    /// <summary>Instance types the packing chooses from (default: the built-in catalog).</summary>
    public InstanceCatalog Instances { get; set; } = InstanceCatalog.Default;

    /// <summary>Effort cost and priority thresholds of a change.</summary>
    public EconomicsOptions Economics { get; set; } = new();

    /// <summary>Headroom and system reservation kept on each node when packing.</summary>
    public PackingOptions Packing { get; set; } = new();
}

/// <summary>One workload's right-sizing, priced.</summary>
/// <param name="Workload">The workload.</param>
/// <param name="Class">What the classifier makes of its metrics, or null when it could not tell (see <paramref name="ClassWaiting"/>).</param>
/// <param name="ClassWaiting">Why there is no class, or null.</param>
/// <param name="Sizing">CPU and memory lower bound, target and upper bound per replica, with the current requests.</param>
/// <param name="Replay">How often the usage behind it would have exceeded the target.</param>
/// <param name="Cost">Requests before and after (per replica, with the replica count), cost and savings, effort, payback, priority.</param>
/// <param name="Spot">Whether it suits spot capacity, why, and the saving.</param>
public sealed record WorkloadRecommendation(string Workload, WorkloadClassification? Class, string? ClassWaiting, RightSizingRecommendation Sizing,
    ReplayCheck Replay, WorkloadCostAssessment Cost, SpotAssessment Spot);

/// <summary>The cheapest instance mix found for a set of requests, the provider it is on, or why there is none.</summary>
public sealed record InstancePlan(PackingResult? Packing, string? Provider, string? Error);

/// <summary>Every workload's recommendation under one strategy, with the fleet's instance plans before and after.</summary>
/// <param name="Strategy">The strategy.</param>
/// <param name="GeneratedAt">When it was computed.</param>
/// <param name="From">Start of the history read (Unix ms).</param>
/// <param name="To">End of the history read (Unix ms).</param>
/// <param name="Prices">The prices used.</param>
/// <param name="Workloads">Recommendations, by savings (largest first).</param>
/// <param name="Waiting">Workloads without a recommendation and why.</param>
/// <param name="CurrentPlan">Instances for today's requests.</param>
/// <param name="RecommendedPlan">Instances for the recommended requests.</param>
public sealed record RecommendationReport(RightSizingStrategy Strategy, DateTimeOffset GeneratedAt, long From, long To, PriceCatalog Prices,
    IReadOnlyList<WorkloadRecommendation> Workloads, IReadOnlyList<(string Workload, string Reason)> Waiting, InstancePlan CurrentPlan,
    InstancePlan RecommendedPlan);

/// <summary>
/// Right-sizing and cost for the server's workloads: for each workload with CPU and memory usage
/// series, a <see cref="RightSizingRecommender"/> over <see cref="RecommendationOptions.History"/>, its
/// replay check, the workload class, the cost before and after at the catalog's prices, the change's
/// economics and priority, spot suitability, and the instance mix for the whole fleet before and after.
/// Reports are computed on request (once for callers asking at the same time) and kept for <see cref="RecommendationOptions.CacheFor"/>.
/// </summary>
public sealed class RecommendationService(ITimeSeriesStore store, ScalingService scaling, TimeProvider time, RecommendationOptions options)
{
    private readonly SingleFlightCache<(string Tenant, string Strategy), Computed, RecommendationReport> _recommendations = new(maxEntries: 1000);
    private readonly SingleFlightCache<(string Tenant, string Name, double? Load), Computed, CapacityReport> _capacity = new(maxEntries: 1000);   // loads asked for are open-ended

    /// <summary>When a report was computed and from which version of its input (a workload's spec), for the caches.</summary>
    private readonly record struct Computed(DateTimeOffset At, object? Version);

    /// <summary>The settings.</summary>
    public RecommendationOptions Options { get; } = options;

    /// <summary>The tenant's report for <paramref name="strategy"/>, from the cache when fresh.</summary>
    public Task<RecommendationReport> RecommendAsync(string tenant, RightSizingStrategy strategy)
    {
        var now = time.GetUtcNow();
        // Computed for whoever asks first and shared by everyone asking meanwhile, so not cancelled by one of them.
        return _recommendations.GetAsync((tenant, strategy.Name), FreshAt(now, null), new Computed(now, null),
            () => ComputeAsync(tenant, strategy, now, CancellationToken.None));
    }

    /// <summary>The capacity report of a workload (latency against load, objective answers), or null when there is no such workload.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="name">The workload.</param>
    /// <param name="load">The load to size replicas for, or null for the recent peak.</param>
    public async Task<CapacityReport?> CapacityAsync(string tenant, string name, double? load)
    {
        if (scaling.Get(tenant, name) is not { } status) return null;
        var now = time.GetUtcNow();
        var ms = now.ToUnixTimeMilliseconds();
        return await _capacity.GetAsync((tenant, name, load), FreshAt(now, status.Spec), new Computed(now, status.Spec),
            async () => CapacityAnalysis.Analyze(await HistoryAsync(tenant, status.Spec, ms, CancellationToken.None), load, ms));
    }

    /// <summary>Whether a report computed at a stamp still serves at <paramref name="now"/> for <paramref name="version"/>: computed less than <see cref="RecommendationOptions.CacheFor"/> before, from the same version.</summary>
    private Func<Computed, bool> FreshAt(DateTimeOffset now, object? version) => c => now - c.At < Options.CacheFor && Equals(c.Version, version);

    /// <summary>Reads a workload's history for an analysis.</summary>
    internal Task<WorkloadHistory> HistoryAsync(string tenant, WorkloadSpec spec, long now, CancellationToken cancellationToken) =>
        WorkloadHistory.ReadAsync(store, tenant, spec, now - (long)Options.History.TotalMilliseconds, now + 1, cancellationToken);

    /// <summary>What the classifier makes of a workload's history, or null and why.</summary>
    internal static (WorkloadClassification? Class, string? Waiting) Classify(WorkloadHistory history)
    {
        if (!history.TryClassifierMetrics(out var metrics, out var error)) return (null, error);
        return WorkloadClassifier.Default.TryClassify(metrics, out var result, out error) ? (result, null) : (null, error);
    }

    private async Task<RecommendationReport> ComputeAsync(string tenant, RightSizingStrategy strategy, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var now = at.ToUnixTimeMilliseconds();
        var results = new List<WorkloadRecommendation>();
        var waiting = new List<(string, string)>();
        foreach (var status in scaling.List(tenant))
        {
            var spec = status.Spec;
            if (spec.CpuUsage is null || spec.MemoryUsage is null)
            {
                waiting.Add((spec.Name, "set cpu_usage and memory_usage (series selectors) to right-size it"));
                continue;
            }
            var history = await HistoryAsync(tenant, spec, now, cancellationToken);
            var samples = history.RightSizingSamples();
            var recommender = new RightSizingRecommender();
            foreach (var sample in samples) recommender.AddSample(sample, spec.CpuRequest);
            var current = new ResourceRequests(spec.CpuRequest, spec.MemoryRequest);
            if (!recommender.TryRecommend(spec.Name, strategy, out var sizing, out var error, current))
            {
                waiting.Add((spec.Name, error));
                continue;
            }
            var replay = RightSizingReplay.Check(sizing, samples);
            var replicas = history.Replicas();
            var before = new ResourceRequest(spec.CpuRequest ?? 0, spec.MemoryRequest ?? 0, replicas);
            var after = new ResourceRequest(sizing.Cpu.Target, sizing.Memory.Target, replicas);
            var risk = ChangeEconomics.RiskOf(Math.Max(Share(replay.CpuShareAboveTarget), Share(replay.MemoryShareAboveTarget)),
                Math.Max(Cut(spec.CpuRequest, after.CpuCores), Cut(spec.MemoryRequest, after.MemoryBytes)));
            var cost = CostModel.Assess(spec.Name, before, after, history.CostIntervals(), Options.Prices, risk, Options.Economics);
            var (cls, classWaiting) = Classify(history);
            var running = status.Latest?.Decision.Desired ?? replicas;
            var spot = SpotSuitability.Assess(new SpotTraits
            {
                Replicas = running,
                Class = cls?.Class.Name(),
                StartupTime = spec.Capacity.StartupDelay,
            }, after, Options.Prices);
            results.Add(new WorkloadRecommendation(spec.Name, cls, classWaiting, sizing, replay, cost, spot));
        }
        results.Sort((a, b) => b.Cost.Savings.PerMonth.CompareTo(a.Cost.Savings.PerMonth));
        return new RecommendationReport(strategy, at, now - (long)Options.History.TotalMilliseconds, now, Options.Prices, results, waiting,
            Plan(results, r => r.Cost.Current), Plan(results, r => r.Cost.Recommended));
    }

    private InstancePlan Plan(List<WorkloadRecommendation> results, Func<WorkloadRecommendation, ResourceRequest> requests)
    {
        var demands = results.Select(r => (r.Workload, Request: requests(r)))
            .Where(d => d.Request.CpuCores > 0 && d.Request.MemoryBytes > 0)
            .Select(d => new WorkloadDemand(d.Workload, d.Request.CpuCores, d.Request.MemoryBytes, d.Request.Replicas, AntiAffinity: d.Request.Replicas > 1))
            .ToList();
        if (demands.Count == 0) return new InstancePlan(null, null, "no workload has both a CPU and a memory request to place");
        // A fleet runs on one provider: pack onto each provider's types and keep the cheapest.
        InstancePlan? best = null;
        var error = "";
        foreach (var provider in Options.Instances.Types.Select(t => t.Provider).Distinct())
        {
            if (!InstancePacker.TryPack(demands, Options.Instances.ForProvider(provider), Options.Packing, out var packing, out var problem))
            {
                error = $"{provider}: {problem}";
                continue;
            }
            if (best?.Packing is null || packing.CostPerHour < best.Packing.CostPerHour) best = new InstancePlan(packing, provider, null);
        }
        return best ?? new InstancePlan(null, null, error);
    }

    private static double Share(double share) => double.IsFinite(share) ? Math.Clamp(share, 0, 1) : 0;

    private static double Cut(double? current, double target) => current is > 0 ? Math.Min(1, 1 - target / current.Value) : 0;
}
