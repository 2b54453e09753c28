using Foresight.Classification;
using Foresight.Cost;
using Foresight.RightSizing;
using Foresight.Server.Http;
using Foresight.Server.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Foresight.Server.Recommendations;

/// <summary>
/// Right-sizing and cost: <c>GET /api/v1/recommendations[?strategy=balanced]</c> answers, per workload of the
/// caller's tenant with CPU and memory usage series, the requests to set (lower bound, target, upper bound),
/// the replay check, the cost before and after with the savings per month and year, the change's effort,
/// payback and priority, spot suitability and the workload class; and for the fleet, the cheapest instance
/// mix before and after.
/// </summary>
public static class RecommendationsApi
{
    /// <summary><c>GET /api/v1/recommendations[?strategy=balanced]</c>: the tenant's report under the strategy.</summary>
    internal static async Task<Results<Ok<RecommendationsResponse>, ProblemHttpResult>> Get(HttpContext context, RecommendationService recommendations, string? strategy)
    {
        var name = string.IsNullOrWhiteSpace(strategy) ? RightSizingStrategies.Balanced.Name : strategy.Trim();
        if (!RightSizingStrategies.TryGet(name, out var chosen))
        {
            return Problems.BadRequest("Unknown strategy",
                $"strategy: '{name}' is not a strategy (known: {string.Join(", ", RightSizingStrategies.All.Select(s => s.Name))})");
        }
        var tenant = TenantResolution.TenantOf(context);
        var report = await Task.Run(() => recommendations.RecommendAsync(tenant, chosen), context.RequestAborted);
        return TypedResults.Ok(RecommendationsResponse.From(report));
    }

    /// <summary>The strategy's percentiles and safety margin.</summary>
    public sealed record StrategyDto(string Name, double LowerPercentile, double TargetPercentile, double UpperPercentile, double SafetyMargin, string Purpose);

    /// <summary>Cost of the whole fleet per 730-hour month before and after, and the savings.</summary>
    public sealed record TotalsDto(double MonthlyCostNow, double MonthlyCostRecommended, double MonthlySavings, double YearlySavings);

    /// <summary>One resource: today's request per replica (null when unknown) and the recommended bounds.</summary>
    public sealed record ResourceDto(double? Request, double Lower, double Target, double? Upper);

    /// <summary>The class, its probability and the features that decided it.</summary>
    public sealed record ClassDto(string Name, double Confidence, List<FeatureDto> Reasons);

    /// <summary>A feature's value and the range typical of the class.</summary>
    public sealed record FeatureDto(string Feature, double Value, double TypicalLow, double TypicalHigh);

    /// <summary>Cost now and after per month, savings, effort cost, payback and first-year return.</summary>
    public sealed record CostDto(double MonthlyNow, double MonthlyRecommended, double MonthlySavings, double YearlySavings, double SavingsShare,
        double EffortCost, double? PaybackMonths, double? FirstYearRoi);

    /// <summary>The replay check: shares of usage samples above the target, and the share allowed.</summary>
    public sealed record ReplayDto(double CpuAboveTarget, double MemoryAboveTarget, double AllowedShare, bool Within);

    /// <summary>Spot suitability and the saving at spot prices.</summary>
    public sealed record SpotDto(bool Suitable, IReadOnlyList<string> Reasons, double MonthlySavings);

    /// <summary>One workload's recommendation. CPU in cores, memory in bytes, both per replica.</summary>
    public sealed record RecommendationDto(string Workload, ClassDto? Class, string? ClassWaiting, string Priority, string PriorityReason, string Risk,
        int Replicas, double ConfidenceDays, ResourceDto Cpu, ResourceDto Memory, CostDto Cost, ReplayDto Replay, SpotDto Spot);

    /// <summary>The cheapest provider's instances of each type, the monthly cost, its lower bound and the gap; or why there is no plan.</summary>
    public sealed record PlanDto(string? Provider, Dictionary<string, int>? Nodes, double? CostPerMonth, double? LowerBoundPerMonth, double? Gap, string? Error)
    {
        internal static PlanDto From(InstancePlan plan) => plan.Packing is { } p
            ? new PlanDto(plan.Provider, new Dictionary<string, int>(p.NodeCounts), Round(p.CostPerMonth), Round(p.LowerBoundPerMonth), Math.Round(p.Gap, 4), null)
            : new PlanDto(null, null, null, null, null, plan.Error);
    }

    /// <summary>Instance plans for today's requests and for the recommended ones.</summary>
    public sealed record InstancesDto(PlanDto Current, PlanDto Recommended);

    /// <summary>A workload without a recommendation and why.</summary>
    public sealed record WaitingDto(string Workload, string Reason);

    /// <summary>The body of <c>GET /api/v1/recommendations</c>.</summary>
    public sealed record RecommendationsResponse(StrategyDto Strategy, DateTimeOffset GeneratedAt, DateTimeOffset HistoryFrom, DateTimeOffset HistoryTo,
        string Currency, double CpuCoreHour, double MemoryGiBHour, TotalsDto Totals, List<RecommendationDto> Recommendations, List<WaitingDto> Waiting,
        InstancesDto Instances)
    {
        internal static RecommendationsResponse From(RecommendationReport report)
        {
            var s = report.Strategy;
            var rows = report.Workloads.Select(Row).ToList();
            var now = report.Workloads.Sum(w => w.Cost.Savings.Current.PerMonth);
            var after = report.Workloads.Sum(w => w.Cost.Savings.Recommended.PerMonth);
            return new RecommendationsResponse(
                new StrategyDto(s.Name, s.LowerPercentile, s.TargetPercentile, s.UpperPercentile, s.SafetyMargin, s.Purpose),
                report.GeneratedAt, DateTimeOffset.FromUnixTimeMilliseconds(report.From), DateTimeOffset.FromUnixTimeMilliseconds(report.To),
                report.Prices.Currency, report.Prices.CpuCoreHour, report.Prices.MemoryGiBHour,
                new TotalsDto(Round(now), Round(after), Round(now - after), Round((now - after) * 12)),
                rows, report.Waiting.Select(w => new WaitingDto(w.Workload, w.Reason)).ToList(),
                new InstancesDto(PlanDto.From(report.CurrentPlan), PlanDto.From(report.RecommendedPlan)));
        }

        private static RecommendationDto Row(WorkloadRecommendation w)
        {
            var e = w.Cost.Economics;
            var savings = w.Cost.Savings;
            var replay = w.Replay;
            return new RecommendationDto(w.Workload,
                w.Class is { } c
                    ? new ClassDto(c.Class.Name(), Math.Round(c.Confidence, 4),
                        c.Reasons.Take(3).Select(r => new FeatureDto(r.Feature, r.Value, r.TypicalLow, r.TypicalHigh)).ToList())
                    : null,
                w.ClassWaiting, e.Priority.ToString().ToLowerInvariant(), e.Reason, e.Risk.ToString().ToLowerInvariant(), w.Cost.Recommended.Replicas,
                Math.Round(w.Sizing.ConfidenceDays, 2), Resource(w.Sizing.Cpu), Resource(w.Sizing.Memory),
                new CostDto(Round(savings.Current.PerMonth), Round(savings.Recommended.PerMonth), Round(savings.PerMonth), Round(savings.PerYear),
                    Math.Round(savings.Fraction, 4), Round(e.EffortCost), e.PaybackMonths is { } p ? Math.Round(p, 2) : null,
                    e.FirstYearRoi is { } r ? Math.Round(r, 2) : null),
                new ReplayDto(Math.Round(replay.CpuShareAboveTarget, 4), Math.Round(replay.MemoryShareAboveTarget, 4), replay.AllowedShare, replay.Passed),
                new SpotDto(w.Spot.Suitable, w.Spot.Reasons, Round(w.Spot.SavingsPerMonth)));
        }

        private static ResourceDto Resource(ResourceRange r) =>
            new(r.Current, Math.Round(r.Lower, 4), Math.Round(r.Target, 4), double.IsFinite(r.Upper) ? Math.Round(r.Upper, 4) : null);
    }

    private static double Round(double money) => Math.Round(money, 2);
}
