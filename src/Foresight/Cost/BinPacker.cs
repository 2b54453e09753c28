namespace Foresight.Cost;

/// <summary>
/// The machinery of <see cref="InstancePacker"/> for one pool (on-demand or spot): replicas as items with a
/// CPU and a memory size, instance types as bin sizes with prices, the constructions and the local search.
/// Sizes are in cores and GiB.
/// </summary>
internal sealed partial class BinPacker
{
    private const double Tolerance = 1e-9;

    /// <summary>Cheapest constructions that go on to local improvement.</summary>
    private const int Contenders = 64;

    /// <summary>Cheapest improved constructions that go on to the re-packing moves.</summary>
    private const int Finalists = 3;

    /// <summary>Least-full nodes the emptying and pair re-packing moves try (bounds their quadratic cost on large fleets).</summary>
    private const int Neighbourhood = 40;

    private readonly List<WorkloadDemand> workloads;
    private readonly IReadOnlyList<InstanceType> types;
    private readonly double[] itemCpu;
    private readonly double[] itemMem;
    private readonly int[] itemGroup;     // anti-affinity group (the workload's index) or -1
    private readonly int[] itemWorkload;
    private readonly int[] itemReplica;
    private readonly double[] typeCpu;
    private readonly double[] typeMem;
    private readonly double[] typePrice;
    private readonly int[] byPrice;       // type indices, cheapest first
    private readonly double totalCpu;
    private readonly double totalMem;
    private double[]? shadowSizes;
    private (double Bound, double[] Worth)? compatible;
    private (double[,] Cpu, double[,] Mem)? worthParts;

    public BinPacker(List<WorkloadDemand> workloads, IReadOnlyList<InstanceType> types, PackingOptions options, bool spot)
    {
        this.workloads = workloads;
        this.types = types;
        Spot = spot;
        var count = workloads.Sum(w => w.Replicas);
        itemCpu = new double[count];
        itemMem = new double[count];
        itemGroup = new int[count];
        itemWorkload = new int[count];
        itemReplica = new int[count];
        var i = 0;
        for (var w = 0; w < workloads.Count; w++)
        {
            for (var r = 0; r < workloads[w].Replicas; r++, i++)
            {
                itemCpu[i] = workloads[w].CpuCores;
                itemMem[i] = workloads[w].MemoryBytes / PriceCatalog.BytesPerGiB;
                itemGroup[i] = workloads[w].AntiAffinity ? w : -1;
                itemWorkload[i] = w;
                itemReplica[i] = r;
            }
        }
        typeCpu = new double[types.Count];
        typeMem = new double[types.Count];
        typePrice = new double[types.Count];
        for (var t = 0; t < types.Count; t++)
        {
            (typeCpu[t], typeMem[t]) = options.Usable(types[t]);
            typePrice[t] = types[t].PricePerHour(spot);
        }
        byPrice = Enumerable.Range(0, types.Count).OrderBy(t => typePrice[t]).ThenBy(t => t).ToArray();
        totalCpu = itemCpu.Sum();
        totalMem = itemMem.Sum();
    }

    /// <summary>The pool is the spot one.</summary>
    public bool Spot { get; }

    /// <summary>A node being filled: its type and its items.</summary>
    internal sealed class Bin(int type)
    {
        public int Type { get; set; } = type;

        public List<int> Items { get; } = [];

        public double Cpu { get; set; }

        public double Mem { get; set; }

        public HashSet<int> Groups { get; } = [];
    }

    /// <summary>A full packing and the construction it came from.</summary>
    internal sealed record Solution(List<Bin> Bins, string Method);

    /// <summary>The first workload one replica of which fits no type, or null.</summary>
    public WorkloadDemand? Oversized()
    {
        for (var i = 0; i < itemCpu.Length; i++)
            if (CheapestFitting(itemCpu[i], itemMem[i]) < 0) return workloads[itemWorkload[i]];
        return null;
    }

    /// <summary>The largest usable cores and GiB over the types (each on its own).</summary>
    public (double Cpu, double Mem) LargestUsable() => (typeCpu.Max(), typeMem.Max());

    /// <summary>Cost of a packing per hour.</summary>
    public double Cost(Solution solution) => solution.Bins.Sum(b => typePrice[b.Type]);

    /// <summary>
    /// Every construction; the <see cref="Contenders"/> cheapest improved by the cheap moves, the <see cref="Finalists"/>
    /// cheapest of those by all moves, and the cheapest kept.
    /// </summary>
    public Solution Best()
    {
        var candidates = Constructions().OrderBy(Cost).Take(Contenders).ToList();
        foreach (var candidate in candidates) Improve(candidate.Bins, repack: false);
        Solution? best = null;
        foreach (var candidate in candidates.OrderBy(Cost).Take(Finalists))
        {
            Improve(candidate.Bins, repack: true);
            if (best is null || Cost(candidate) < Cost(best) - Tolerance) best = candidate;
        }
        return best!;
    }

    /// <summary>First-fit decreasing onto the one type <paramref name="type"/> (the baseline), not improved.</summary>
    public Solution SingleType(int type) => FirstFitDecreasing(type, Order((c, m) => c / typeCpu[type] + m / typeMem[type]).Items);

    /// <summary>The packed nodes as public records.</summary>
    public IEnumerable<PackedNode> ToNodes(Solution solution) =>
        solution.Bins.Select(b => new PackedNode(
            types[b.Type], Spot,
            b.Items.Select(i => new PackedPod(workloads[itemWorkload[i]].Name, itemReplica[i], itemCpu[i], workloads[itemWorkload[i]].MemoryBytes)).ToList(),
            typeCpu[b.Type], typeMem[b.Type]));

    private IEnumerable<Solution> Constructions()
    {
        for (var t = 0; t < types.Count; t++)
        {
            if (!FitsAll(t)) continue;
            yield return FirstFitDecreasing(t, Order((c, m) => c / typeCpu[t] + m / typeMem[t]).Items);
            yield return FirstFitDecreasing(t, Order((c, m) => Math.Max(c / typeCpu[t], m / typeMem[t])).Items);
        }
        yield return Greedy(Decreasing(ShadowSizes()), "greedy (shadow prices)");
        yield return Greedy(Decreasing(ShadowSizes()), "greedy dot-product (shadow prices)", dotProduct: true);
        var worth = Compatible().Worth;
        yield return Greedy(Decreasing(itemWorkload.Select(w => worth[w]).ToArray()), "greedy (replica-aware prices)");
        yield return Greedy(Decreasing(itemWorkload.Select(w => worth[w]).ToArray()), "greedy dot-product (replica-aware prices)", dotProduct: true);
        foreach (var share in new[] { 0.0, 0.25, 0.5, 0.75, 1.0 })
        {
            var (wc, wm) = (share / Math.Max(totalCpu, Tolerance), (1 - share) / Math.Max(totalMem, Tolerance));
            yield return Greedy(Order((c, m) => c * wc + m * wm), $"greedy (cpu weight {share:0.##})");
        }
    }

    /// <summary>Each item valued at the LP's shadow prices of a core and a GiB (computed once).</summary>
    private double[] ShadowSizes()
    {
        if (shadowSizes is null)
        {
            var (priceCpu, priceMem) = ShadowPrices();
            shadowSizes = new double[itemCpu.Length];
            for (var i = 0; i < shadowSizes.Length; i++) shadowSizes[i] = itemCpu[i] * priceCpu + itemMem[i] * priceMem;
        }
        return shadowSizes;
    }

    private bool FitsAll(int type)
    {
        for (var i = 0; i < itemCpu.Length; i++)
            if (!Fits(type, itemCpu[i], itemMem[i])) return false;
        return true;
    }

    /// <summary>Item indices by decreasing <paramref name="size"/> (ties by index), and each item's size.</summary>
    private (int[] Items, double[] Sizes) Order(Func<double, double, double> size)
    {
        var sizes = new double[itemCpu.Length];
        for (var i = 0; i < sizes.Length; i++) sizes[i] = size(itemCpu[i], itemMem[i]);
        return Decreasing(sizes);
    }

    private static (int[] Items, double[] Sizes) Decreasing(double[] sizes) =>
        (Enumerable.Range(0, sizes.Length).OrderByDescending(i => sizes[i]).ThenBy(i => i).ToArray(), sizes);

    private Solution FirstFitDecreasing(int type, int[] order)
    {
        var bins = new List<Bin>();
        foreach (var i in order)
        {
            var bin = bins.FirstOrDefault(b => CanAdd(b, i));
            if (bin is null)
            {
                bin = new Bin(type);
                bins.Add(bin);
            }
            Add(bin, i);
        }
        return new Solution(bins, $"ffd {types[type].Name}");
    }

    /// <summary>
    /// Set-cover style greedy: open the type whose fresh node, filled first-fit in decreasing size (or by the
    /// dot-product rule), costs least per unit of packed size, until every item is placed.
    /// </summary>
    private Solution Greedy((int[] Items, double[] Sizes) order, string method, bool dotProduct = false)
    {
        var remaining = order.Items.ToList();
        var bins = new List<Bin>();
        while (remaining.Count > 0)
        {
            var smallest = (remaining.Min(i => itemCpu[i]), remaining.Min(i => itemMem[i]));
            var byWorkload = dotProduct ? remaining.GroupBy(i => itemWorkload[i]).Select(g => g.ToArray()).ToArray() : [];
            Bin? best = null;
            var bestRatio = double.PositiveInfinity;
            for (var t = 0; t < types.Count; t++)
            {
                var bin = dotProduct ? FillByDotProduct(t, byWorkload) : FillFirstFit(t, remaining, smallest);
                var packed = bin.Items.Sum(i => order.Sizes[i]);
                if (bin.Items.Count == 0) continue;
                var ratio = typePrice[t] / Math.Max(packed, Tolerance);
                if (ratio < bestRatio - Tolerance)
                {
                    bestRatio = ratio;
                    best = bin;
                }
            }
            bins.Add(best!);
            var placed = best!.Items.ToHashSet();
            remaining.RemoveAll(placed.Contains);
        }
        return new Solution(bins, method);
    }

    private Bin FillFirstFit(int type, List<int> remaining, (double Cpu, double Mem) smallest)
    {
        var bin = new Bin(type);
        foreach (var i in remaining)
        {
            if (CanAdd(bin, i)) Add(bin, i);
            if (!Fits(type, bin.Cpu + smallest.Cpu, bin.Mem + smallest.Mem)) break;   // full: nothing left fits
        }
        return bin;
    }

    /// <summary>
    /// Fills a fresh node by the dot-product rule of Panigrahy et al., "Heuristics for Vector Bin Packing"
    /// (Microsoft Research, 2011): repeatedly add the item whose normalised (CPU, memory) vector has the largest
    /// dot product with the node's normalised free room, so the two resources fill together. Replicas of one
    /// workload are identical, so each workload's next remaining replica stands for all of them.
    /// </summary>
    private Bin FillByDotProduct(int type, int[][] byWorkload)
    {
        var bin = new Bin(type);
        var next = new int[byWorkload.Length];
        while (true)
        {
            var (freeCpu, freeMem) = (1 - bin.Cpu / typeCpu[type], 1 - bin.Mem / typeMem[type]);
            var best = -1;
            var bestDot = double.NegativeInfinity;
            for (var g = 0; g < byWorkload.Length; g++)
            {
                if (next[g] >= byWorkload[g].Length) continue;
                var i = byWorkload[g][next[g]];
                if (!CanAdd(bin, i))
                {
                    next[g] = byWorkload[g].Length;   // the room only shrinks, so none of them will fit later
                    continue;
                }
                var dot = itemCpu[i] / typeCpu[type] * freeCpu + itemMem[i] / typeMem[type] * freeMem;
                if (dot > bestDot)
                {
                    (best, bestDot) = (g, dot);
                }
            }
            if (best < 0) return bin;
            Add(bin, byWorkload[best][next[best]++]);
        }
    }
}
