namespace Foresight.Cost;

/// <summary>Lower bounds on the cost of any packing, and the shadow prices the greedy values replicas with.</summary>
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
    /// A bound that also knows a replica can only go on a type that holds it. Any per-type prices
    /// u_t, v_t ≥ 0 of a core and a GiB with u_t·cpu_t + v_t·mem_t ≤ price_t give, by weak LP duality, the bound
    /// Σ_i min over the types t that fit replica i of (u_t·cpu_i + v_t·mem_i): a node of type t costs at least what
    /// its contents are worth at its prices. The prices are taken on each type's budget line,
    /// u_t = α_t·price_t / cpu_t and v_t = (1 − α_t)·price_t / mem_t, starting from the plain LP's shadow prices
    /// (so the result is never below <see cref="LowerBound"/>) and improved by coordinate ascent over α_t.
    /// </summary>
    public double CompatibleBound() => Compatible().Bound;

    /// <summary>The replica-aware bound and each workload's replica worth in it (computed once).</summary>
    private (double Bound, double[] Worth) Compatible()
    {
        if (compatible is { } known) return known;
        var (yc, ym) = ShadowPrices();
        var alpha = new double[types.Count];
        for (var t = 0; t < types.Count; t++)
        {
            var worth = yc * typeCpu[t] + ym * typeMem[t];
            alpha[t] = worth > 0 ? yc * typeCpu[t] / worth : 0.5;
        }
        var best = Value(alpha);
        for (var sweep = 0; sweep < 20; sweep++)
        {
            var improved = false;
            for (var t = 0; t < types.Count; t++)
            {
                var keep = alpha[t];
                for (var step = 0; step <= 20; step++)
                {
                    alpha[t] = step / 20.0;
                    var value = Value(alpha);
                    if (value > best * (1 + 1e-12))
                    {
                        (best, keep, improved) = (value, alpha[t], true);
                    }
                }
                alpha[t] = keep;
            }
            if (!improved) break;
        }
        var worthOf = new double[workloads.Count];
        Value(alpha, worthOf);
        compatible = (best, worthOf);
        return (best, worthOf);
    }

    private double Value(double[] alpha, double[]? worthOf = null)
    {
        var (cpuPart, memPart) = WorthParts();
        double total = 0;
        for (var w = 0; w < workloads.Count; w++)
        {
            var cheapest = double.PositiveInfinity;
            for (var t = 0; t < types.Count; t++)
            {
                if (double.IsPositiveInfinity(cpuPart[w, t])) continue;   // t cannot hold it (and 0 × ∞ is NaN)
                cheapest = Math.Min(cheapest, alpha[t] * cpuPart[w, t] + (1 - alpha[t]) * memPart[w, t]);
            }
            total += cheapest * workloads[w].Replicas;
            if (worthOf is not null) worthOf[w] = cheapest;
        }
        return total;
    }

    /// <summary>
    /// What one replica of each workload is worth at each type when all the type's price sits on its cores
    /// (or on its GiB): price·cpu/cpu_t and price·mem/mem_t; infinite where the type cannot hold it.
    /// </summary>
    private (double[,] Cpu, double[,] Mem) WorthParts()
    {
        if (worthParts is { } known) return known;
        var cpuPart = new double[workloads.Count, types.Count];
        var memPart = new double[workloads.Count, types.Count];
        for (var w = 0; w < workloads.Count; w++)
        {
            var (cpu, mem) = (workloads[w].CpuCores, workloads[w].MemoryBytes / PriceCatalog.BytesPerGiB);
            for (var t = 0; t < types.Count; t++)
            {
                var fits = Fits(t, cpu, mem);
                cpuPart[w, t] = fits ? typePrice[t] * Ratio(cpu, typeCpu[t]) : double.PositiveInfinity;
                memPart[w, t] = fits ? typePrice[t] * Ratio(mem, typeMem[t]) : double.PositiveInfinity;
            }
        }
        worthParts = (cpuPart, memPart);
        return (cpuPart, memPart);
    }
}
