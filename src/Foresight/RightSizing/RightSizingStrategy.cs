using System.Globalization;

namespace Foresight.RightSizing;

/// <summary>
/// How far a recommendation leans towards saving or towards headroom: the percentiles of the decayed
/// usage histograms taken for the lower bound, the target and the upper bound, and the safety margin
/// every one of them is multiplied by. The same percentiles apply to CPU (usage samples) and memory
/// (daily peaks), as in the VPA recommender.
/// </summary>
/// <param name="Name">Preset name, lower case (<c>balanced</c>).</param>
/// <param name="LowerPercentile">Percentile for the lower bound, in (0, 1), at most <paramref name="TargetPercentile"/>.</param>
/// <param name="TargetPercentile">Percentile for the target (the request to set), in (0, 1). The replay check allows usage above the target in (1 − this) of the samples plus 2 points.</param>
/// <param name="UpperPercentile">Percentile for the upper bound, in [<paramref name="TargetPercentile"/>, 1).</param>
/// <param name="SafetyMargin">Fraction added on top of each percentile, 0 or more (0.15 = +15%).</param>
/// <param name="Purpose">One line on when to choose it.</param>
public sealed record RightSizingStrategy(string Name, double LowerPercentile, double TargetPercentile, double UpperPercentile, double SafetyMargin, string Purpose)
{
    /// <summary>The first problem with the values, or null when they are usable.</summary>
    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(Name)) return "strategy name must not be empty";
        if (!(TargetPercentile > 0 && TargetPercentile < 1)) return $"strategy {Name}: target percentile must be in (0, 1) (got {TargetPercentile})";
        if (!(LowerPercentile > 0 && LowerPercentile <= TargetPercentile)) return $"strategy {Name}: lower percentile must be in (0, target] (got {LowerPercentile})";
        if (!(UpperPercentile >= TargetPercentile && UpperPercentile < 1)) return $"strategy {Name}: upper percentile must be in [target, 1) (got {UpperPercentile})";
        if (!double.IsFinite(SafetyMargin) || SafetyMargin < 0) return $"strategy {Name}: safety margin must be 0 or more (got {SafetyMargin})";
        return null;
    }

    /// <summary>The share of samples above the target the replay check allows: (1 − target percentile) + 2 points.</summary>
    public double AllowedShareAboveTarget => RightSizingReplay.AllowedShare(TargetPercentile);

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Name} (p{100 * LowerPercentile:0.#}/p{100 * TargetPercentile:0.#}/p{100 * UpperPercentile:0.#}, +{100 * SafetyMargin:0.#}%)");
}

/// <summary>
/// The named presets, ordered from the least to the most headroom: on the same data each one's target
/// is at least the previous one's, because both its target percentile and its margin are at least as high.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>strategy</term><description>lower / target / upper percentile, margin: rationale</description></listheader>
/// <item><term>aggressive</term><description>p50 / p80 / p90, +5%. Cost first, for batch jobs, development
/// and other work that tolerates CPU throttling: usage may exceed the target in about a fifth of the
/// samples before the margin. CPU over its request is throttled only when the node is contended; memory
/// over its request is at risk of eviction under node pressure, so keep memory limits above the upper bound.</description></item>
/// <item><term>balanced</term><description>p50 / p90 / p95, +15%. The VPA recommender's defaults
/// (<c>targetCPUPercentile</c>, <c>lowerBoundCPUPercentile</c>, <c>upperBoundCPUPercentile</c> and
/// <c>--recommendation-margin-fraction</c> in <c>pkg/recommender/logic/recommender.go</c>), which
/// Goldilocks shows as well: the reference point most operators know.</description></item>
/// <item><term>conservative</term><description>p60 / p95 / p99, +20%. Production services where contention
/// should be rare: at most one sample in twenty above the target before the margin, and a wider margin for
/// growth between recommendation runs.</description></item>
/// <item><term>performance-first</term><description>p75 / p99 / p99.9, +30%. Latency-critical services (and
/// Guaranteed QoS, request = limit): the request covers practically all observed usage, with a third more for
/// bursts and growth; this costs the most and exists to make that cost visible.</description></item>
/// </list>
/// </remarks>
public static class RightSizingStrategies
{
    /// <summary>p50 / p80 / p90, +5%: cost first.</summary>
    public static RightSizingStrategy Aggressive { get; } =
        new("aggressive", 0.50, 0.80, 0.90, 0.05, "cost first: batch, development, work that tolerates throttling");

    /// <summary>p50 / p90 / p95, +15%: the VPA recommender's defaults.</summary>
    public static RightSizingStrategy Balanced { get; } =
        new("balanced", 0.50, 0.90, 0.95, 0.15, "the VPA recommender's defaults");

    /// <summary>p60 / p95 / p99, +20%: production services where contention should be rare.</summary>
    public static RightSizingStrategy Conservative { get; } =
        new("conservative", 0.60, 0.95, 0.99, 0.20, "production services where contention should be rare");

    /// <summary>p75 / p99 / p99.9, +30%: latency-critical services.</summary>
    public static RightSizingStrategy PerformanceFirst { get; } =
        new("performance-first", 0.75, 0.99, 0.999, 0.30, "latency-critical services, Guaranteed QoS");

    /// <summary>Every preset, from the least headroom to the most.</summary>
    public static IReadOnlyList<RightSizingStrategy> All { get; } = [Aggressive, Balanced, Conservative, PerformanceFirst];

    /// <summary>The preset named <paramref name="name"/> (case-insensitive), or false.</summary>
    public static bool TryGet(string name, out RightSizingStrategy strategy)
    {
        strategy = All.FirstOrDefault(s => string.Equals(s.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase))!;
        return strategy is not null;
    }
}
