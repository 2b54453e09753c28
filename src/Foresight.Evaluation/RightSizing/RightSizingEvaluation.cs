using Foresight.Cost;
using Foresight.Evaluation.Demo;
using Foresight.RightSizing;

namespace Foresight.Evaluation.RightSizing;

/// <summary>Settings of <c>foresight eval rightsizing</c>.</summary>
public sealed class RightSizingEvaluationOptions
{
    /// <summary>Start of the generated history: Monday 2025-01-06 00:00 UTC, fixed so that every run sees the same fleet.</summary>
    public const long DefaultOriginMs = 1_736_121_600_000;

    /// <summary>Days of demo fleet usage to generate and recommend from, 1 to 90. Default 14 (the demo's backfill).</summary>
    public int Days { get; set; } = 14;

    /// <summary>Start of the history (Unix ms). Default <see cref="DefaultOriginMs"/>.</summary>
    public long OriginMs { get; set; } = DefaultOriginMs;

    /// <summary>Strategies to evaluate. Default all presets.</summary>
    public IReadOnlyList<RightSizingStrategy> Strategies { get; set; } = RightSizingStrategies.All;

    /// <summary>Current requests by service name, for the deltas and savings. Default: the demo services' own requests.</summary>
    public IReadOnlyDictionary<string, ResourceRequests> Requests { get; set; } = DemoRequests();

    /// <summary>Prices the savings are computed at. Default: OpenCost's default sheet.</summary>
    public PriceCatalog Prices { get; set; } = PriceCatalog.Default;

    /// <summary>The requests the demo fleet's services run with (<see cref="DemoService.CpuRequestCores"/>, <see cref="DemoService.MemoryRequestMiB"/>).</summary>
    public static Dictionary<string, ResourceRequests> DemoRequests() =>
        DemoFleet.Services.ToDictionary(s => s.Name, s => new ResourceRequests(s.CpuRequestCores, s.MemoryRequestMiB * RightSizingOptions.MiB));

    /// <summary>Settings of the recommender.</summary>
    public RightSizingOptions Recommender { get; set; } = new();

    /// <summary>The first problem with the settings, or null.</summary>
    public string? Validate()
    {
        if (Days is < 1 or > 90) return $"days must be from 1 to 90 (got {Days})";
        if (Strategies is null || Strategies.Count == 0) return "at least one strategy is needed";
        foreach (var s in Strategies)
        {
            if (s.Validate() is { } problem) return problem;
        }
        foreach (var name in Requests.Keys)
        {
            if (!DemoFleet.Services.Any(s => s.Name == name))
                return $"request for unknown service '{name}' (demo services: {string.Join(", ", DemoFleet.Services.Select(s => s.Name))})";
        }
        return Recommender.Validate();
    }
}

/// <summary>One service under one strategy.</summary>
/// <param name="Recommendation">The recommendation.</param>
/// <param name="Replay">Its replay check against the same usage.</param>
/// <param name="Savings">Cost at the current requests and at the targets over the same usage (each charged at max(request, usage)), or null without both current requests.</param>
public sealed record RightSizingEvaluationRow(RightSizingRecommendation Recommendation, ReplayCheck Replay, SavingsEstimate? Savings);

/// <summary>The result of <see cref="RightSizingEvaluation.Run"/>.</summary>
/// <param name="FromMs">Start of the history (Unix ms).</param>
/// <param name="ToMs">End of the history (Unix ms, exclusive).</param>
/// <param name="SamplesPerService">Usage samples of each service.</param>
/// <param name="Rows">One row per service and strategy, services in demo order.</param>
public sealed record RightSizingEvaluationReport(long FromMs, long ToMs, int SamplesPerService, IReadOnlyList<RightSizingEvaluationRow> Rows)
{
    /// <summary>Rows whose replay check passed.</summary>
    public int Passed => Rows.Count(r => r.Replay.Passed);
}

/// <summary>
/// Issue 6's bar 2 on the demo fleet: generates every service's CPU and memory usage with
/// <see cref="DemoFleet"/> (15-second samples, incidents included), feeds it to one
/// <see cref="RightSizingRecommender"/> per service, and for each strategy reports the recommendation
/// and its <see cref="RightSizingReplay"/> check against the same usage.
/// </summary>
public static class RightSizingEvaluation
{
    /// <summary>Runs the evaluation; throws <see cref="ArgumentException"/> for invalid options (call <see cref="RightSizingEvaluationOptions.Validate"/> first).</summary>
    public static RightSizingEvaluationReport Run(RightSizingEvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } problem) throw new ArgumentException(problem, nameof(options));
        var fleet = new DemoFleet(options.OriginMs);
        var step = (long)DemoFleet.Interval.TotalMilliseconds;
        var from = options.OriginMs - options.OriginMs % step;
        var to = from + options.Days * 86_400_000L;
        var count = (int)((to - from) / step);
        var cpuIndex = IndexOf("cpu_usage_cores");
        var memoryIndex = IndexOf("memory_usage_bytes");

        var rows = new List<RightSizingEvaluationRow>();
        var usage = new UsageSample[count];
        var intervals = new Foresight.Cost.UsageInterval[count];
        for (var s = 0; s < DemoFleet.Services.Count; s++)
        {
            var name = DemoFleet.Services[s].Name;
            var current = options.Requests.GetValueOrDefault(name);
            var recommender = new RightSizingRecommender(options.Recommender);
            for (var i = 0; i < count; i++)
            {
                var t = from + i * step;
                var values = fleet.Sample(s, t);
                usage[i] = new UsageSample(t, values[cpuIndex], values[memoryIndex]);
                intervals[i] = new Foresight.Cost.UsageInterval(DemoFleet.Interval, values[cpuIndex], values[memoryIndex]);
                recommender.AddSample(usage[i], current?.CpuCores);
            }
            foreach (var strategy in options.Strategies)
            {
                if (!recommender.TryRecommend(name, strategy, out var recommendation, out var error, current))
                    throw new InvalidOperationException(error); // every demo sample carries both metrics
                SavingsEstimate? savings = current is { CpuCores: { } cpu, MemoryBytes: { } memory }
                    ? CostModel.Savings(new ResourceRequest(cpu, memory), new ResourceRequest(recommendation.Cpu.Target, recommendation.Memory.Target), intervals, options.Prices)
                    : null;
                rows.Add(new RightSizingEvaluationRow(recommendation, RightSizingReplay.Check(recommendation, usage, options.Recommender.CpuHalfLife), savings));
            }
        }
        return new RightSizingEvaluationReport(from, to, count, rows);
    }

    private static int IndexOf(string metric)
    {
        for (var m = 0; m < DemoFleet.Metrics.Count; m++)
        {
            if (DemoFleet.Metrics[m] == metric) return m;
        }
        throw new InvalidOperationException($"the demo fleet has no {metric}");
    }
}
