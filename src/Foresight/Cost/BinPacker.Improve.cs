namespace Foresight.Cost;

/// <summary>Feasibility, the LP bound and its shadow prices, and the local search.</summary>
internal sealed partial class BinPacker
{
    /// <summary>
    /// The LP relaxation of the packing: min Σ price_t·x_t subject to Σ cpu_t·x_t ≥ total cores,
    /// Σ mem_t·x_t ≥ total GiB, x ≥ 0. A basic optimum has at most two positive x, so the single types
    /// (x = max of the two ratios) and every pair with both constraints tight are enough.
    /// </summary>
    public double LowerBound()
    {
        var best = double.PositiveInfinity;
        for (var a = 0; a < types.Count; a++)
        {
            var single = Math.Max(Ratio(totalCpu, typeCpu[a]), Ratio(totalMem, typeMem[a])) * typePrice[a];
            best = Math.Min(best, single);
            for (var b = a + 1; b < types.Count; b++)
            {
                var det = typeCpu[a] * typeMem[b] - typeCpu[b] * typeMem[a];
                if (Math.Abs(det) < Tolerance) continue;
                var xa = (totalCpu * typeMem[b] - typeCpu[b] * totalMem) / det;
                var xb = (typeCpu[a] * totalMem - totalCpu * typeMem[a]) / det;
                if (xa < 0 || xb < 0) continue;
                best = Math.Min(best, xa * typePrice[a] + xb * typePrice[b]);
            }
        }
        return double.IsFinite(best) ? best : 0;
    }

    /// <summary>
    /// The LP's dual: prices y_cpu, y_mem ≥ 0 of a core and a GiB with y·size_t ≤ price_t for every type,
    /// maximising y·totals. Its optimum equals <see cref="LowerBound"/>; it values a replica at what its share of
    /// the cheapest fractional fleet costs. Vertices: the two axis points and the pairwise intersections.
    /// </summary>
    public (double Cpu, double Mem) ShadowPrices()
    {
        var cpuOnly = Enumerable.Range(0, types.Count).Min(t => Ratio(typePrice[t], typeCpu[t]));
        var memOnly = Enumerable.Range(0, types.Count).Min(t => Ratio(typePrice[t], typeMem[t]));
        var candidates = new List<(double, double)> { (cpuOnly, 0), (0, memOnly) };
        for (var a = 0; a < types.Count; a++)
        {
            for (var b = a + 1; b < types.Count; b++)
            {
                var det = typeCpu[a] * typeMem[b] - typeCpu[b] * typeMem[a];
                if (Math.Abs(det) < Tolerance) continue;
                var yc = (typePrice[a] * typeMem[b] - typePrice[b] * typeMem[a]) / det;
                var ym = (typeCpu[a] * typePrice[b] - typeCpu[b] * typePrice[a]) / det;
                if (yc >= 0 && ym >= 0) candidates.Add((yc, ym));
            }
        }
        var feasible = candidates.Where(y => Enumerable.Range(0, types.Count).All(t => y.Item1 * typeCpu[t] + y.Item2 * typeMem[t] <= typePrice[t] * (1 + 1e-9) + Tolerance));
        return feasible.MaxBy(y => y.Item1 * totalCpu + y.Item2 * totalMem);
    }

    /// <summary>
    /// Local search until nothing changes: empty a node into the others, merge two nodes into one cheaper
    /// type, give each node the cheapest type that holds its items. Each move lowers the cost, so it ends.
    /// </summary>
    public void Improve(List<Bin> bins)
    {
        var changed = true;
        while (changed)
        {
            changed = Downsize(bins);
            changed |= EmptyOne(bins);
            changed |= MergeTwo(bins);
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

    /// <summary>Moves every item of one node (least full first) into the spare room of the others, if they fit.</summary>
    private bool EmptyOne(List<Bin> bins)
    {
        foreach (var source in bins.OrderBy(b => b.Cpu / typeCpu[b.Type] + b.Mem / typeMem[b.Type]).ToList())
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

    /// <summary>Replaces two nodes by one node of a type cheaper than the pair that holds both, the largest saving first.</summary>
    private bool MergeTwo(List<Bin> bins)
    {
        (Bin A, Bin B, int Type, double Saving)? best = null;
        for (var a = 0; a < bins.Count; a++)
        {
            for (var b = a + 1; b < bins.Count; b++)
            {
                if (bins[a].Groups.Overlaps(bins[b].Groups)) continue;
                var type = CheapestFitting(bins[a].Cpu + bins[b].Cpu, bins[a].Mem + bins[b].Mem);
                if (type < 0) continue;
                var saving = typePrice[bins[a].Type] + typePrice[bins[b].Type] - typePrice[type];
                if (saving > Tolerance && (best is null || saving > best.Value.Saving)) best = (bins[a], bins[b], type, saving);
            }
        }
        if (best is not { } merge) return false;
        foreach (var i in merge.B.Items) Add(merge.A, i);
        merge.A.Type = merge.Type;
        bins.Remove(merge.B);
        return true;
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
