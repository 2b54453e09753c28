namespace Foresight.Cost;

/// <summary>Feasibility and the local search.</summary>
internal sealed partial class BinPacker
{
    /// <summary>
    /// Local search until nothing changes: give each node the cheapest type that holds its items; empty a node
    /// into the others' spare room; re-pack one node, or two together, onto cheaper nodes. Each move lowers
    /// the cost, so it ends.
    /// </summary>
    /// <param name="bins">The nodes, changed in place.</param>
    /// <param name="repack">Also try the re-packing moves (quadratic in the node count; run on the final candidate only).</param>
    public void Improve(List<Bin> bins, bool repack)
    {
        var changed = true;
        while (changed)
        {
            changed = Downsize(bins);
            changed |= EmptyOne(bins);
            if (!changed && repack) changed = Repack(bins);
        }
    }

    private bool Downsize(List<Bin> bins)
    {
        var changed = false;
        foreach (var bin in bins)
        {
            var cheapest = CheapestFitting(bin.Cpu, bin.Mem);
            if (cheapest >= 0 && typePrice[cheapest] < typePrice[bin.Type] - Tolerance)
            {
                bin.Type = cheapest;
                changed = true;
            }
        }
        return changed;
    }

    /// <summary>The <see cref="Neighbourhood"/> least full nodes, least full first.</summary>
    private List<Bin> LeastFull(List<Bin> bins) =>
        bins.OrderBy(b => b.Cpu / typeCpu[b.Type] + b.Mem / typeMem[b.Type]).Take(Neighbourhood).ToList();

    /// <summary>Moves every item of one node (among the least full) into the spare room of the others, if they fit.</summary>
    private bool EmptyOne(List<Bin> bins)
    {
        foreach (var source in LeastFull(bins))
        {
            var moves = new List<(int Item, Bin Target)>();
            var extraCpu = new Dictionary<Bin, double>();
            var extraMem = new Dictionary<Bin, double>();
            var extraGroups = new HashSet<(Bin, int)>();
            foreach (var i in source.Items.OrderByDescending(i => itemCpu[i] / typeCpu[source.Type] + itemMem[i] / typeMem[source.Type]))
            {
                var target = bins.FirstOrDefault(b => b != source
                    && Fits(b.Type, b.Cpu + extraCpu.GetValueOrDefault(b) + itemCpu[i], b.Mem + extraMem.GetValueOrDefault(b) + itemMem[i])
                    && (itemGroup[i] < 0 || (!b.Groups.Contains(itemGroup[i]) && !extraGroups.Contains((b, itemGroup[i])))));
                if (target is null) break;
                moves.Add((i, target));
                extraCpu[target] = extraCpu.GetValueOrDefault(target) + itemCpu[i];
                extraMem[target] = extraMem.GetValueOrDefault(target) + itemMem[i];
                if (itemGroup[i] >= 0) extraGroups.Add((target, itemGroup[i]));
            }
            if (moves.Count < source.Items.Count) continue;
            foreach (var (item, target) in moves) Add(target, item);
            bins.Remove(source);
            return true;
        }
        return false;
    }

    /// <summary>
    /// Re-packs one node's items, or two nodes' items together (among the least full), onto a cheaper set of
    /// nodes (a split or a merge), the first found.
    /// </summary>
    private bool Repack(List<Bin> bins)
    {
        foreach (var bin in bins.Where(b => b.Items.Count > 1).ToList())
            if (TryReplace(bins, [bin])) return true;
        var few = LeastFull(bins);
        for (var a = 0; a < few.Count; a++)
        {
            for (var b = a + 1; b < few.Count; b++)
                if (TryReplace(bins, [few[a], few[b]])) return true;
        }
        return false;
    }

    private bool TryReplace(List<Bin> bins, Bin[] old)
    {
        var price = old.Sum(b => typePrice[b.Type]);
        var items = old.SelectMany(b => b.Items).ToList();
        var (repacked, cost) = PackSubset(items, price);
        if (repacked is null || cost >= price - Tolerance) return false;
        foreach (var b in old) bins.Remove(b);
        bins.AddRange(repacked);
        return true;
    }

    /// <summary>The cheapest packing of <paramref name="items"/> found by FFD onto each type and the shadow-price greedy, if under <paramref name="budget"/>.</summary>
    private (List<Bin>? Bins, double Cost) PackSubset(List<int> items, double budget)
    {
        (List<Bin>? Bins, double Cost) best = (null, budget);
        for (var t = 0; t < types.Count; t++)
        {
            if (typePrice[t] >= best.Cost - Tolerance || !items.All(i => Fits(t, itemCpu[i], itemMem[i]))) continue;
            var order = items.OrderByDescending(i => itemCpu[i] / typeCpu[t] + itemMem[i] / typeMem[t]).ThenBy(i => i).ToArray();
            var bins = FirstFitDecreasing(t, order).Bins;
            var cost = bins.Count * typePrice[t];
            if (cost < best.Cost - Tolerance) best = (bins, cost);
        }
        var sizes = ShadowSizes();
        var greedy = Greedy((items.OrderByDescending(i => sizes[i]).ThenBy(i => i).ToArray(), sizes), "").Bins;
        var greedyCost = greedy.Sum(b => typePrice[b.Type]);
        if (greedyCost < best.Cost - Tolerance) best = (greedy, greedyCost);
        return best;
    }

    /// <summary>The cheapest type whose usable room holds <paramref name="cpu"/> and <paramref name="mem"/>, or -1.</summary>
    private int CheapestFitting(double cpu, double mem)
    {
        foreach (var t in byPrice)
            if (Fits(t, cpu, mem)) return t;
        return -1;
    }

    private bool Fits(int type, double cpu, double mem) =>
        cpu <= typeCpu[type] * (1 + Tolerance) + Tolerance && mem <= typeMem[type] * (1 + Tolerance) + Tolerance;

    private bool CanAdd(Bin bin, int item) =>
        Fits(bin.Type, bin.Cpu + itemCpu[item], bin.Mem + itemMem[item]) && (itemGroup[item] < 0 || !bin.Groups.Contains(itemGroup[item]));

    private void Add(Bin bin, int item)
    {
        bin.Items.Add(item);
        bin.Cpu += itemCpu[item];
        bin.Mem += itemMem[item];
        if (itemGroup[item] >= 0) bin.Groups.Add(itemGroup[item]);
    }

    private static double Ratio(double amount, double per) => amount <= 0 ? 0 : per <= 0 ? double.PositiveInfinity : amount / per;
}
