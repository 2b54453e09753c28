using System.Globalization;

namespace Foresight.Cost;

/// <summary>What is known of a workload that decides whether it can run on spot capacity.</summary>
public sealed record SpotTraits
{
    /// <summary>Replicas it runs.</summary>
    public required int Replicas { get; init; }

    /// <summary>
    /// Workload class, as the classifier names it: web, api, microservice, batch, ml, database or cache
    /// (case-insensitive; other text is treated as a service). database and cache count as stateful;
    /// batch and ml as run-to-completion work.
    /// </summary>
    public string? Class { get; init; }

    /// <summary>Keeps state on the node (a database, a cache, a local queue); overrides the class when set.</summary>
    public bool? Stateful { get; init; }

    /// <summary>The owner's word on whether it tolerates losing a replica at short notice; false rules spot out.</summary>
    public bool? InterruptionTolerant { get; init; }

    /// <summary>Time from a new replica being scheduled to it serving (image pull, warm-up), when known.</summary>
    public TimeSpan? StartupTime { get; init; }

    /// <summary>Minimum replicas that must stay available (a PodDisruptionBudget's minAvailable), when there is one.</summary>
    public int? MinAvailable { get; init; }

    /// <summary>Batch or ML work that saves checkpoints and resumes from them.</summary>
    public bool Checkpoints { get; init; }

    /// <summary>Length of one batch or training run, when known.</summary>
    public TimeSpan? RunTime { get; init; }
}

/// <summary>The limits spot suitability is judged against.</summary>
public sealed record SpotOptions
{
    /// <summary>
    /// Warning a reclamation gives: AWS sends a two-minute interruption notice; GCP and Azure give about 30 seconds.
    /// A replica that starts within it replaces a lost one before the node goes. Default 2 minutes.
    /// </summary>
    public TimeSpan Notice { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Longest batch run without checkpoints worth rerunning after an interruption. Default 1 hour.</summary>
    public TimeSpan MaxRunWithoutCheckpoints { get; init; } = TimeSpan.FromHours(1);
}

/// <summary>Whether a workload suits spot capacity, why, and what moving it would save.</summary>
/// <param name="Suitable">No trait rules spot out.</param>
/// <param name="Reasons">Plain sentences: the traits that rule it out first, then those in its favour.</param>
/// <param name="SavingsPerHour">On-demand cost of its requests less the spot cost, per hour (computed whether or not it is suitable).</param>
/// <param name="SavingsPerMonth">The same per 730-hour month.</param>
public sealed record SpotAssessment(bool Suitable, IReadOnlyList<string> Reasons, double SavingsPerHour, double SavingsPerMonth);

/// <summary>
/// Judges which workloads suit spot (preemptible) capacity from their traits, following the providers'
/// guidance (AWS "Best practices for EC2 Spot", GKE "Spot VMs"): spot nodes can be reclaimed at any time with
/// a short notice, so a workload suits them when losing a replica costs little.
/// </summary>
/// <remarks>
/// Rules, each stated as a sentence in the result. Ruled out: stateful workloads (class database or cache,
/// or <see cref="SpotTraits.Stateful"/>); workloads marked not interruption-tolerant. For run-to-completion
/// work (class batch or ml): suitable when it checkpoints, or when one run lasts at most
/// <see cref="SpotOptions.MaxRunWithoutCheckpoints"/>; otherwise ruled out. For services: ruled out with fewer
/// than 2 replicas, with a disruption budget that lets no replica go (minAvailable ≥ replicas), or with a
/// start-up longer than the reclamation notice. The saving is priced with the <see cref="PriceCatalog"/>'s
/// on-demand and spot rates for the workload's requests.
/// </remarks>
public static class SpotSuitability
{
    /// <summary>Assesses one workload holding <paramref name="request"/>.</summary>
    public static SpotAssessment Assess(SpotTraits traits, ResourceRequest request, PriceCatalog prices, SpotOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(traits);
        ArgumentNullException.ThrowIfNull(prices);
        ArgumentOutOfRangeException.ThrowIfNegative(traits.Replicas);
        options ??= new SpotOptions();
        var against = new List<string>();
        var infavour = new List<string>();
        var kind = (traits.Class ?? "").Trim().ToLowerInvariant();
        var stateful = traits.Stateful ?? kind is "database" or "cache";
        var runToCompletion = kind is "batch" or "ml";

        if (stateful)
            against.Add(traits.Stateful == true
                ? "It keeps state on its node: a reclaimed node loses that state or forces a rebuild, so keep it on on-demand nodes."
                : $"As a {kind} it keeps state on its node: a reclaimed node loses that state or forces a rebuild, so keep it on on-demand nodes.");
        else
            infavour.Add("It keeps no state on its node, so a replacement can start anywhere.");
        if (traits.InterruptionTolerant == false) against.Add("Its owner marks it as not tolerating interruptions.");

        if (runToCompletion)
        {
            if (traits.Checkpoints)
                infavour.Add("It saves checkpoints, so an interrupted run resumes and loses only the work since the last one.");
            else if (traits.RunTime is { } run && run <= options.MaxRunWithoutCheckpoints)
                infavour.Add($"A run lasts {Text(run)}, short enough to rerun when interrupted.");
            else if (traits.RunTime is { } longRun)
                against.Add($"A run lasts {Text(longRun)} without checkpoints: an interruption late in a run wastes most of it (add checkpoints, or keep runs under {Text(options.MaxRunWithoutCheckpoints)}).");
            else
                against.Add($"It runs to completion without checkpoints and its run time is unknown: add checkpoints, or state a run time of at most {Text(options.MaxRunWithoutCheckpoints)}.");
        }
        else
        {
            if (traits.Replicas < 2)
                against.Add($"It runs {traits.Replicas} replica: every reclamation is an outage until a replacement starts (run at least 2).");
            else
                infavour.Add($"It runs {traits.Replicas} replicas, so losing one node leaves the others serving.");
            if (traits.MinAvailable is { } min && traits.Replicas >= 1 && min >= traits.Replicas)
                against.Add($"Its disruption budget keeps {min} of {traits.Replicas} replicas available, so no replica may go and every reclamation breaks the budget.");
            if (traits.StartupTime is { } startup)
            {
                if (startup > options.Notice)
                    against.Add($"A new replica takes {Text(startup)} to start, longer than the {Text(options.Notice)} notice of a reclamation, so it runs short of a replica each time.");
                else
                    infavour.Add($"A new replica starts in {Text(startup)}, within the {Text(options.Notice)} notice of a reclamation.");
            }
        }

        var onDemand = CostModel.OfRequest(request, prices).PerHour;
        var spot = CostModel.OfRequest(request, prices, spot: true).PerHour;
        var saving = onDemand - spot;
        return new SpotAssessment(against.Count == 0, [.. against, .. infavour], saving, saving * CostModel.HoursPerMonth);
    }

    private static string Text(TimeSpan span) =>
        span.TotalHours >= 1 && span.TotalMinutes % 60 == 0 ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0.#} h")
        : span.TotalMinutes >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0.#} min")
        : string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.#} s");
}
