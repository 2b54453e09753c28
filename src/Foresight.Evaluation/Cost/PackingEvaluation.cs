using Foresight.Cost;

namespace Foresight.Evaluation.Cost;

/// <summary>Settings of <see cref="PackingEvaluation"/>.</summary>
public sealed record PackingEvaluationOptions
{
    /// <summary>Seed of the fleet generator. Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Fleets generated per provider. Default 10.</summary>
    public int Fleets { get; init; } = 10;

    /// <summary>Fewest and most workloads in a fleet. Default 10 to 80.</summary>
    public (int Min, int Max) Workloads { get; init; } = (10, 80);

    /// <summary>Headroom, reservation and spot settings of every packing (default <see cref="PackingOptions"/>).</summary>
    public PackingOptions Packing { get; init; } = new();

    /// <summary>The first problem with the settings, or null when they are usable.</summary>
    public string? Validate()
    {
        if (Fleets < 1) return $"fleets must be 1 or more (got {Fleets})";
        if (Workloads.Min < 1 || Workloads.Max < Workloads.Min) return $"workloads must be a range from 1 up (got {Workloads.Min}..{Workloads.Max})";
        return Packing.Validate();
    }
}

/// <summary>One fleet on one provider's types: the packer, the best single-type first-fit decreasing, and the LP bound.</summary>
/// <param name="Provider">Provider whose types were used.</param>
/// <param name="Fleet">Index of the fleet.</param>
/// <param name="Workloads">Workloads in the fleet.</param>
/// <param name="Replicas">Replicas placed.</param>
/// <param name="PackerPerHour">Cost of the packer's mix.</param>
/// <param name="PackerNodes">Nodes in the packer's mix.</param>
/// <param name="FfdPerHour">Cost of first-fit decreasing on the single type that does best for this fleet.</param>
/// <param name="FfdType">That type.</param>
/// <param name="LowerBoundPerHour">The packer's lower bound (the larger of the LP and the replica-aware bound).</param>
/// <param name="LpBoundPerHour">The plain LP bound: total demand at the best price per resource.</param>
public sealed record PackingCase(
    string Provider, int Fleet, int Workloads, int Replicas, double PackerPerHour, int PackerNodes, double FfdPerHour, string FfdType,
    double LowerBoundPerHour, double LpBoundPerHour)
{
    /// <summary>Packer's cost over the plain LP bound, less one.</summary>
    public double PackerLpGap => PackerPerHour / LpBoundPerHour - 1;

    /// <summary>Packer's cost over the bound, less one.</summary>
    public double PackerGap => PackerPerHour / LowerBoundPerHour - 1;

    /// <summary>FFD's cost over the bound, less one.</summary>
    public double FfdGap => FfdPerHour / LowerBoundPerHour - 1;

    /// <summary>Share of the FFD cost the packer saves.</summary>
    public double Saving => 1 - PackerPerHour / FfdPerHour;
}

/// <summary>Every case and the means over them.</summary>
public sealed record PackingReport(IReadOnlyList<PackingCase> Cases)
{
    /// <summary>Mean gap of the packer to the LP bound.</summary>
    public double MeanPackerGap => Cases.Average(c => c.PackerGap);

    /// <summary>Mean gap of the packer to the plain LP bound.</summary>
    public double MeanPackerLpGap => Cases.Average(c => c.PackerLpGap);

    /// <summary>Mean gap of the best single-type FFD to the LP bound.</summary>
    public double MeanFfdGap => Cases.Average(c => c.FfdGap);

    /// <summary>Mean share of the FFD cost the packer saves.</summary>
    public double MeanSaving => Cases.Average(c => c.Saving);

    /// <summary>Cases where the packer costs no more than FFD.</summary>
    public int PackerNoWorse => Cases.Count(c => c.PackerPerHour <= c.FfdPerHour + 1e-9);
}

/// <summary>
/// Measures <see cref="InstancePacker"/> on generated fleets: for each provider of the default
/// <see cref="InstanceCatalog"/> and each seeded fleet, the packer's cost, the cost of first-fit decreasing
/// onto the single instance type that suits the fleet best (the common practice of one node pool), and the LP
/// lower bound, so both gaps are visible.
/// </summary>
/// <remarks>
/// A fleet mixes three replica shapes like a real cluster's: small web/API replicas (0.1-1 core, 0.25-2 GiB),
/// CPU-heavy workers (1-3 cores, 1-3 GiB) and memory-heavy caches and JVMs (0.25-1.5 cores, 4-14 GiB); 1 to 6
/// replicas each, a quarter with anti-affinity. The generator is deterministic in the seed.
/// </remarks>
public static class PackingEvaluation
{
    private const double GiB = PriceCatalog.BytesPerGiB;

    /// <summary>Runs every fleet on every provider's types.</summary>
    public static PackingReport Run(InstanceCatalog catalog, PackingEvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } problem) throw new ArgumentException(problem, nameof(options));
        var cases = new List<PackingCase>();
        var random = new Random(options.Seed);
        var fleets = Enumerable.Range(0, options.Fleets).Select(_ => Fleet(random, random.Next(options.Workloads.Min, options.Workloads.Max + 1))).ToList();
        foreach (var provider in catalog.Types.Select(t => t.Provider).Distinct(StringComparer.Ordinal))
        {
            var types = catalog.ForProvider(provider);
            for (var f = 0; f < fleets.Count; f++)
            {
                var fleet = fleets[f];
                if (!InstancePacker.TryPack(fleet, types, options.Packing, out var packed, out _)) continue;
                var (ffd, ffdType) = (double.PositiveInfinity, "");
                foreach (var type in types.Types)
                {
                    if (InstancePacker.TryPackSingleType(fleet, type, options.Packing, catalog.Currency, out var single, out _) && single.CostPerHour < ffd)
                        (ffd, ffdType) = (single.CostPerHour, type.Name);
                }
                cases.Add(new PackingCase(provider, f, fleet.Count, fleet.Sum(w => w.Replicas), packed.CostPerHour, packed.Nodes.Count, ffd, ffdType, packed.LowerBoundPerHour, packed.LpBoundPerHour));
            }
        }
        return new PackingReport(cases);
    }

    /// <summary>A generated fleet of <paramref name="count"/> workloads (see the remarks for the shapes).</summary>
    public static List<WorkloadDemand> Fleet(Random random, int count)
    {
        ArgumentNullException.ThrowIfNull(random);
        var fleet = new List<WorkloadDemand>(count);
        for (var w = 0; w < count; w++)
        {
            var (cpu, mem) = random.Next(10) switch
            {
                < 6 => (Between(random, 0.1, 1), Between(random, 0.25, 2)),
                < 8 => (Between(random, 1, 3), Between(random, 1, 3)),
                _ => (Between(random, 0.25, 1.5), Between(random, 4, 14)),
            };
            fleet.Add(new WorkloadDemand($"w{w}", cpu, mem * GiB, random.Next(1, 7), AntiAffinity: random.Next(4) == 0));
        }
        return fleet;
    }

    private static double Between(Random random, double low, double high) => Math.Round(low + random.NextDouble() * (high - low), 2);
}
