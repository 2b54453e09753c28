using static System.FormattableString;

namespace Foresight.Cost;

/// <summary>How likely a change is to hurt the workload (throttling, out-of-memory kills, slower responses).</summary>
public enum ChangeRisk
{
    /// <summary>Usage stays well inside the new requests.</summary>
    Low,

    /// <summary>Usage would occasionally reach the new requests.</summary>
    Medium,

    /// <summary>Usage would often exceed the new requests, or the cut is very deep.</summary>
    High,
}

/// <summary>Which recommendations to act on first.</summary>
public enum RecommendationPriority
{
    /// <summary>Small savings or high risk: do when convenient, or not at all.</summary>
    Low,

    /// <summary>Worth doing this quarter.</summary>
    Medium,

    /// <summary>Large savings at low risk: do first.</summary>
    High,
}

/// <summary>The assumptions behind payback, ROI and priority. Every default is stated so a report can quote it.</summary>
public sealed record EconomicsOptions
{
    /// <summary>
    /// Engineer-hours to make one change: edit the manifest, review, roll out, watch the dashboards.
    /// Default 1 hour, a figure for a routine request change through an existing pipeline.
    /// </summary>
    public double EffortHours { get; init; } = 1;

    /// <summary>Cost of one engineer-hour in the catalog's currency. Default 100 (a loaded cost of roughly $200k a year over 2,000 hours).</summary>
    public double EngineerHourlyRate { get; init; } = 100;

    /// <summary>Monthly savings from which a low-risk change is high priority. Default 100.</summary>
    public double HighSavingsPerMonth { get; init; } = 100;

    /// <summary>Monthly savings from which a low-risk change is medium priority. Default 10.</summary>
    public double MediumSavingsPerMonth { get; init; } = 10;

    /// <summary>The first problem with the settings, or null when they are usable.</summary>
    public string? Validate()
    {
        if (!double.IsFinite(EffortHours) || EffortHours < 0) return $"effort hours must be 0 or more (got {EffortHours})";
        if (!double.IsFinite(EngineerHourlyRate) || EngineerHourlyRate < 0) return $"engineer hourly rate must be 0 or more (got {EngineerHourlyRate})";
        if (!double.IsFinite(MediumSavingsPerMonth) || MediumSavingsPerMonth < 0) return $"medium savings threshold must be 0 or more (got {MediumSavingsPerMonth})";
        if (!double.IsFinite(HighSavingsPerMonth) || HighSavingsPerMonth < MediumSavingsPerMonth) return $"high savings threshold must be at least the medium one (got {HighSavingsPerMonth}, medium {MediumSavingsPerMonth})";
        return null;
    }
}

/// <summary>
/// The economics of one change: savings, one-off effort cost, payback time, first-year return and a priority.
/// </summary>
/// <param name="SavingsPerMonth">Saved per 730-hour month (negative when the change costs more).</param>
/// <param name="SavingsPerYear">Saved per year.</param>
/// <param name="EffortCost">Engineer-hours × hourly rate, paid once.</param>
/// <param name="PaybackMonths">Effort cost ÷ monthly savings; 0 when the effort is free, null when nothing is saved.</param>
/// <param name="FirstYearRoi">(yearly savings − effort cost) ÷ effort cost; null when the effort is free.</param>
/// <param name="Risk">The risk the priority was judged with.</param>
/// <param name="Priority">High, medium or low (see <see cref="Of"/>).</param>
/// <param name="Reason">One sentence saying why the priority is what it is.</param>
public sealed record ChangeEconomics(
    double SavingsPerMonth, double SavingsPerYear, double EffortCost, double? PaybackMonths, double? FirstYearRoi,
    ChangeRisk Risk, RecommendationPriority Priority, string Reason)
{
    /// <summary>
    /// Prices a change. The priority starts from the monthly savings (at least
    /// <see cref="EconomicsOptions.HighSavingsPerMonth"/>: high; at least
    /// <see cref="EconomicsOptions.MediumSavingsPerMonth"/>: medium; else low), drops one step for medium
    /// risk and to low for high risk; a change that saves nothing, or does not pay back its effort within a
    /// year, is low.
    /// </summary>
    public static ChangeEconomics Of(SavingsEstimate savings, ChangeRisk risk, EconomicsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(savings);
        options ??= new EconomicsOptions();
        if (options.Validate() is { } problem) throw new ArgumentException(problem, nameof(options));

        var month = savings.PerMonth;
        var effort = options.EffortHours * options.EngineerHourlyRate;
        double? payback = month > 0 ? effort / month : null;
        double? roi = effort > 0 ? (savings.PerYear - effort) / effort : null;

        var bySavings = month >= options.HighSavingsPerMonth ? RecommendationPriority.High
            : month >= options.MediumSavingsPerMonth ? RecommendationPriority.Medium
            : RecommendationPriority.Low;
        var priority = risk switch
        {
            ChangeRisk.Low => bySavings,
            ChangeRisk.Medium => bySavings == RecommendationPriority.High ? RecommendationPriority.Medium : RecommendationPriority.Low,
            _ => RecommendationPriority.Low,
        };
        string reason;
        if (month <= 0)
        {
            priority = RecommendationPriority.Low;
            reason = "The change saves nothing; make it for reliability, not for cost.";
        }
        else if (payback > 12)
        {
            priority = RecommendationPriority.Low;
            reason = Invariant($"It saves {month:0.##} a month but takes {payback:0.#} months to pay back its effort of {effort:0.##}.");
        }
        else if (risk == ChangeRisk.High)
        {
            reason = Invariant($"It saves {month:0.##} a month, but usage would often exceed the new requests.");
        }
        else
        {
            var level = bySavings switch
            {
                RecommendationPriority.High => Invariant($"at least {options.HighSavingsPerMonth:0.##}"),
                RecommendationPriority.Medium => Invariant($"at least {options.MediumSavingsPerMonth:0.##}"),
                _ => Invariant($"under {options.MediumSavingsPerMonth:0.##}"),
            };
            reason = Invariant($"It saves {month:0.##} a month ({level}) at {risk.ToString().ToLowerInvariant()} risk")
                + (payback is { } p ? Invariant($" and pays back its effort in {p:0.##} months.") : ".");
        }
        return new ChangeEconomics(month, savings.PerYear, effort, payback, roi, risk, priority, reason);
    }

    /// <summary>
    /// A risk level for a change from the share of replayed usage samples above the new request and the
    /// depth of the cut: high when more than 5% of samples exceed it or the request is cut by more than 80%;
    /// low when at most 1% exceed it and the cut is at most 50%; medium otherwise.
    /// </summary>
    /// <param name="exceedance">Share of usage samples above the recommended request (0..1), from a replay check.</param>
    /// <param name="cut">Share of the current request removed (0..1; negative for an increase).</param>
    public static ChangeRisk RiskOf(double exceedance, double cut)
    {
        if (!double.IsFinite(exceedance) || exceedance < 0 || exceedance > 1) throw new ArgumentOutOfRangeException(nameof(exceedance), exceedance, "must be a share from 0 to 1");
        if (!double.IsFinite(cut) || cut > 1) throw new ArgumentOutOfRangeException(nameof(cut), cut, "must be a share of at most 1");
        if (exceedance > 0.05 || cut > 0.8) return ChangeRisk.High;
        if (exceedance <= 0.01 && cut <= 0.5) return ChangeRisk.Low;
        return ChangeRisk.Medium;
    }
}
