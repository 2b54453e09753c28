using Foresight.Cost;
using Xunit.Abstractions;

namespace Foresight.Tests.Cost;

public class InstancePackerTests(ITestOutputHelper output)
{
    private const double GiB = 1024.0 * 1024 * 1024;

    private static readonly PackingOptions Plain = new() { Headroom = 0, Reservation = SystemReservation.None };

    private static InstanceType Type(string name, double cpu, double mem, double price, double? spot = null) =>
        new(name, "test", "r", "general", cpu, mem, price, spot ?? price);

    private static InstanceCatalog Catalog(params InstanceType[] types) => new() { Types = types };

    private static PackingResult Pack(IReadOnlyList<WorkloadDemand> workloads, InstanceCatalog catalog, PackingOptions options)
    {
        InstancePacker.TryPack(workloads, catalog, options, out var result, out var error).Should().BeTrue(error);
        return result!;
    }

    [Fact]
    public void Every_replica_is_placed_once_within_each_nodes_usable_room()
    {
        var workloads = new[]
        {
            new WorkloadDemand("web", 0.5, 1 * GiB, 6),
            new WorkloadDemand("api", 1.2, 2.5 * GiB, 4),
            new WorkloadDemand("cache", 0.3, 6 * GiB, 2),
        };
        var options = new PackingOptions { Headroom = 0.2 };
        var result = Pack(workloads, InstanceCatalog.Default.ForProvider("aws"), options);

        result.Nodes.SelectMany(n => n.Pods).Select(p => (p.Workload, p.Replica)).Should().OnlyHaveUniqueItems().And.HaveCount(12);
        foreach (var node in result.Nodes)
        {
            // Usable room computed here from the GKE formula by hand-coded bands and the 20% headroom.
            var reservedCpu = 0.06 + 0.01 * Math.Clamp(node.Type.VCpu - 1, 0, 1) + 0.005 * Math.Clamp(node.Type.VCpu - 2, 0, 2) + 0.0025 * Math.Max(0, node.Type.VCpu - 4);
            node.CpuUsed.Should().BeLessThanOrEqualTo((node.Type.VCpu - reservedCpu) * 0.8 + 1e-9);
            node.UsableCpu.Should().BeApproximately((node.Type.VCpu - reservedCpu) * 0.8, 1e-12);
            node.MemoryGiBUsed.Should().BeLessThanOrEqualTo(node.UsableMemoryGiB + 1e-9);
            node.UsableMemoryGiB.Should().BeLessThan(node.Type.MemoryGiB * 0.8);
        }
        result.CostPerHour.Should().BeApproximately(result.Nodes.Sum(n => n.Type.OnDemandHour), 1e-12);
        result.CostPerMonth.Should().BeApproximately(result.CostPerHour * 730, 1e-9);
        result.CostPerHour.Should().BeGreaterThanOrEqualTo(result.LowerBoundPerHour - 1e-12);
    }

    [Fact]
    public void Gke_reservation_matches_the_published_table_for_a_4_core_16_GiB_node()
    {
        // CPU: 60m + 10m + 2 × 5m = 80m. Memory: 1 + 0.8 + 0.8 (10% of 8..16 GiB) + 100 MiB eviction = 2.6 GiB + 100 MiB.
        var (cpu, mem) = new PackingOptions { Headroom = 0 }.Usable(Type("n", 4, 16, 1));
        cpu.Should().BeApproximately(4 - 0.08, 1e-12);
        mem.Should().BeApproximately(16 - 2.6 - 100.0 / 1024, 1e-12);
    }

    [Fact]
    public void Headroom_forces_another_node_when_the_pods_would_fill_one()
    {
        var catalog = Catalog(Type("four", 4, 16, 1));
        var pods = new[] { new WorkloadDemand("w", 1, 1 * GiB, 4) };
        Pack(pods, catalog, Plain).Nodes.Should().HaveCount(1);
        var kept = Pack(pods, catalog, Plain with { Headroom = 0.2 });   // 3.2 usable cores: 3 pods on one node
        kept.Nodes.Should().HaveCount(2);
        kept.Nodes.Max(n => n.CpuUsed).Should().Be(3);
    }

    [Fact]
    public void Anti_affinity_puts_each_replica_on_its_own_node()
    {
        var catalog = Catalog(Type("big", 16, 64, 1), Type("small", 2, 8, 0.2));
        var workloads = new[] { new WorkloadDemand("db", 0.5, GiB, 3, AntiAffinity: true), new WorkloadDemand("web", 0.5, GiB, 3) };
        var result = Pack(workloads, catalog, Plain);
        foreach (var node in result.Nodes) node.Pods.Count(p => p.Workload == "db").Should().BeLessThanOrEqualTo(1);
        result.Nodes.Should().HaveCount(3);          // three small nodes, 0.6, beat one big node for 1
        result.CostPerHour.Should().BeApproximately(0.6, 1e-12);
        Pack([workloads[0] with { AntiAffinity = false }, workloads[1]], catalog, Plain).Nodes.Should().HaveCount(2);
    }

    [Fact]
    public void Lower_bound_is_the_cheapest_fractional_fleet()
    {
        // cpu-heavy type: 4 cores, 4 GiB for 1; mem-heavy: 1 core, 8 GiB for 1. Demand 10 cores, 20 GiB:
        // 4a + b = 10, 4a + 8b = 20 → b = 10/7, a = 15/7 → 25/7; either type alone costs more (5, 10).
        var catalog = Catalog(Type("cpu", 4, 4, 1), Type("mem", 1, 8, 1));
        var workloads = new[] { new WorkloadDemand("w", 1, 2 * GiB, 10) };
        InstancePacker.LowerBound(workloads, catalog, Plain).Should().BeApproximately(25.0 / 7, 1e-12);
    }

    [Fact]
    public void Lower_bound_knows_a_large_replica_cannot_use_a_small_type()
    {
        // small: 2 cores, 2 GiB for 1 (0.5 a core); big: 8 cores, 8 GiB for 8. One replica of 4 cores, 4 GiB fits only big.
        // Plain LP: 4 cores on small at 0.5 = 2. Replica-aware: at big's prices it is worth half of 8 = 4 whatever the blend.
        var catalog = Catalog(Type("small", 2, 2, 1), Type("big", 8, 8, 8));
        var result = Pack([new WorkloadDemand("a", 4, 4 * GiB)], catalog, Plain);
        result.LpBoundPerHour.Should().BeApproximately(2, 1e-12);
        result.LowerBoundPerHour.Should().BeApproximately(4, 1e-12);
        result.CostPerHour.Should().Be(8);
        result.Gap.Should().BeApproximately(1, 1e-12);
    }

    [Fact]
    public void Packer_finds_the_brute_force_optimum_on_small_instances()
    {
        var random = new Random(20240611);
        int optimal = 0, feasible = 0;
        const int cases = 150;
        for (var c = 0; c < cases; c++)
        {
            var types = Enumerable.Range(0, random.Next(2, 5))
                .Select(t => Type($"t{t}", random.Next(2, 9), random.Next(2, 17), Math.Round(0.05 + random.NextDouble(), 3)))
                .ToArray();
            var workloads = Enumerable.Range(0, random.Next(2, 5))
                .Select(w => new WorkloadDemand($"w{w}", Math.Round(0.25 + random.NextDouble() * 2, 2), Math.Round(0.25 + random.NextDouble() * 4, 2) * GiB,
                    random.Next(1, 4), AntiAffinity: random.Next(3) == 0))
                .ToArray();
            if (workloads.Sum(w => w.Replicas) > 8) workloads = workloads[..2];
            var catalog = Catalog(types);
            var options = new PackingOptions { Headroom = 0.1, Reservation = SystemReservation.None };
            var best = BruteForce(workloads, types, usable: 0.9);
            if (double.IsPositiveInfinity(best))
            {
                InstancePacker.TryPack(workloads, catalog, options, out _, out var error).Should().BeFalse();
                error.Should().Contain("more than any instance type offers");
                continue;
            }
            feasible++;
            var result = Pack(workloads, catalog, options);
            result.CostPerHour.Should().BeGreaterThanOrEqualTo(best - 1e-9, "no packing beats the exhaustive optimum");
            result.LowerBoundPerHour.Should().BeLessThanOrEqualTo(best + 1e-9);
            if (result.CostPerHour <= best + 1e-9) optimal++;
            else output.WriteLine($"case {c}: packer {result.CostPerHour:0.000} vs optimum {best:0.000}");
        }
        output.WriteLine($"optimal on {optimal} of {feasible} small cases");
        feasible.Should().BeGreaterThan(cases * 3 / 4);
        optimal.Should().Be(feasible);
    }

    [Fact]
    public void Packer_gap_to_the_lower_bound_on_a_larger_random_fleet_is_reported_and_beats_single_type_ffd()
    {
        var random = new Random(7);
        var workloads = Enumerable.Range(0, 60)
            .Select(w => new WorkloadDemand($"w{w}", Math.Round(0.1 + random.NextDouble() * 1.9, 2), Math.Round(0.25 + random.NextDouble() * (random.Next(4) == 0 ? 12 : 3), 2) * GiB,
                random.Next(1, 6), AntiAffinity: random.Next(4) == 0))
            .ToArray();
        var catalog = InstanceCatalog.Default.ForProvider("aws");
        var options = new PackingOptions();
        var result = Pack(workloads, catalog, options);
        var bestSingle = catalog.Types
            .Select(t => InstancePacker.TryPackSingleType(workloads, t, options, "USD", out var r, out _) ? r!.CostPerHour : double.PositiveInfinity)
            .Min();
        output.WriteLine($"{workloads.Sum(w => w.Replicas)} replicas: packer {result.CostPerHour:0.0000}/h on {result.Nodes.Count} nodes ({result.Method}), " +
            $"best single-type FFD {bestSingle:0.0000}/h, bound {result.LowerBoundPerHour:0.0000}/h (plain LP {result.LpBoundPerHour:0.0000}/h), gap {result.Gap:P1}");
        foreach (var g in result.Nodes.GroupBy(n => n.Type.Name))
            output.WriteLine($"  {g.Key} x{g.Count()}: mean CPU {g.Average(n => n.CpuUsed / n.UsableCpu):P0} and memory {g.Average(n => n.MemoryGiBUsed / n.UsableMemoryGiB):P0} of the usable room");
        result.Nodes.SelectMany(n => n.Pods).Should().HaveCount(workloads.Sum(w => w.Replicas));
        foreach (var node in result.Nodes)
        {
            var usable = options.Usable(node.Type);
            node.CpuUsed.Should().BeLessThanOrEqualTo(usable.Cpu + 1e-9);
            node.MemoryGiBUsed.Should().BeLessThanOrEqualTo(usable.MemoryGiB + 1e-9);
            var spread = node.Pods.Where(p => workloads.Single(w => w.Name == p.Workload).AntiAffinity).Select(p => p.Workload).ToList();
            spread.Should().OnlyHaveUniqueItems("replicas of an anti-affinity workload never share a node");
        }
        result.CostPerHour.Should().BeLessThanOrEqualTo(bestSingle + 1e-9);
        // Measured 26.0% (9.3898 against a bound of 7.4544; plain LP 7.3254): the cheap t3.medium makes the fractional bound loose,
        // since many replicas fit it only one or two to a node; without the t3 types the gaps are near 6%.
        result.Gap.Should().BeInRange(0, 0.30);
    }

    [Fact]
    public void Spot_suitable_workloads_go_to_spot_nodes_when_allowed()
    {
        var catalog = Catalog(Type("n", 4, 16, 0.2, spot: 0.06));
        var workloads = new[] { new WorkloadDemand("web", 1, GiB, 3, Spot: true), new WorkloadDemand("db", 1, 4 * GiB, 1) };
        var mixed = Pack(workloads, catalog, Plain with { UseSpot = true });
        mixed.Nodes.Should().HaveCount(2);
        mixed.Nodes.Single(n => n.Spot).Pods.Should().OnlyContain(p => p.Workload == "web");
        mixed.Nodes.Single(n => !n.Spot).Pods.Should().OnlyContain(p => p.Workload == "db");
        mixed.CostPerHour.Should().BeApproximately(0.26, 1e-12);
        mixed.NodeCounts.Should().Equal(new Dictionary<string, int> { ["n"] = 1, ["n (spot)"] = 1 });
        Pack(workloads, catalog, Plain).Nodes.Should().ContainSingle().Which.Spot.Should().BeFalse();
    }

    [Fact]
    public void A_replica_larger_than_every_type_is_reported_with_the_sizes()
    {
        var catalog = Catalog(Type("n", 4, 16, 0.2));
        InstancePacker.TryPack([new WorkloadDemand("huge", 8, GiB)], catalog, Plain, out var result, out var error).Should().BeFalse();
        result.Should().BeNull();
        error.Should().Be("huge: one replica needs 8 cores and 1 GiB, more than any instance type offers after reservation and 0% headroom (at most 4 cores, 16 GiB)");
    }

    [Fact]
    public void Duplicate_workload_names_are_reported()
    {
        InstancePacker.TryPack([new WorkloadDemand("a", 1, GiB), new WorkloadDemand("a", 1, GiB)], Catalog(Type("n", 4, 16, 1)), Plain, out _, out var error).Should().BeFalse();
        error.Should().Be("a: the workload is listed twice");
    }

    /// <summary>
    /// The exact optimum by enumerating every partition of the replicas into nodes (restricted growth strings);
    /// each part costs the cheapest type whose usable room (share <paramref name="usable"/> of the machine) holds it,
    /// and a part holding two replicas of an anti-affinity workload is not allowed.
    /// </summary>
    private static double BruteForce(IReadOnlyList<WorkloadDemand> workloads, IReadOnlyList<InstanceType> types, double usable)
    {
        var items = workloads.SelectMany((w, i) => Enumerable.Repeat((Cpu: w.CpuCores, Mem: w.MemoryBytes / GiB, Group: w.AntiAffinity ? i : -1), w.Replicas)).ToArray();
        var assignment = new int[items.Length];
        var best = double.PositiveInfinity;
        void Visit(int index, int parts)
        {
            if (index == items.Length)
            {
                double cost = 0;
                for (var p = 0; p < parts && cost < best; p++)
                {
                    var members = Enumerable.Range(0, items.Length).Where(i => assignment[i] == p).Select(i => items[i]).ToArray();
                    var groups = members.Where(m => m.Group >= 0).Select(m => m.Group).ToArray();
                    if (groups.Distinct().Count() < groups.Length) return;
                    var (cpu, mem) = (members.Sum(m => m.Cpu), members.Sum(m => m.Mem));
                    var fitting = types.Where(t => cpu <= t.VCpu * usable + 1e-9 && mem <= t.MemoryGiB * usable + 1e-9).Select(t => t.OnDemandHour).DefaultIfEmpty(double.PositiveInfinity).Min();
                    cost += fitting;
                }
                best = Math.Min(best, cost);
                return;
            }
            for (var p = 0; p <= parts; p++)
            {
                assignment[index] = p;
                Visit(index + 1, Math.Max(parts, p + 1));
            }
        }
        Visit(0, 0);
        return best;
    }
}
