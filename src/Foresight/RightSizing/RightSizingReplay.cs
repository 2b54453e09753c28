namespace Foresight.RightSizing;

/// <summary>
/// How a recommendation would have fared against the usage that produced it.
/// </summary>
/// <param name="Workload">The workload.</param>
/// <param name="Strategy">The strategy's name.</param>
/// <param name="CpuSamples">Samples with a CPU value.</param>
/// <param name="CpuShareAboveTarget">Share of those above the CPU target (every sample counts the same).</param>
/// <param name="CpuShareAboveUpper">Share above the CPU upper bound.</param>
/// <param name="CpuDecayedShareAboveTarget">Share above the CPU target with each sample weighted 2^(−age / half-life), age measured from the last sample: what the histogram saw.</param>
/// <param name="MemorySamples">Samples with a memory value.</param>
/// <param name="MemoryShareAboveTarget">Share of those above the memory target (every sample counts the same).</param>
/// <param name="MemoryShareAboveUpper">Share above the memory upper bound.</param>
/// <param name="MemoryDecayedShareAboveTarget">Share above the memory target, weighted as for CPU.</param>
/// <param name="AllowedShare">(1 − target percentile) + <see cref="RightSizingReplay.Tolerance"/>.</param>
/// <param name="Passed">True when both unweighted shares above the target are within <paramref name="AllowedShare"/>.</param>
public sealed record ReplayCheck(string Workload, string Strategy, int CpuSamples, double CpuShareAboveTarget, double CpuShareAboveUpper,
    double CpuDecayedShareAboveTarget, int MemorySamples, double MemoryShareAboveTarget, double MemoryShareAboveUpper,
    double MemoryDecayedShareAboveTarget, double AllowedShare, bool Passed);

/// <summary>
/// The replay check of issue 6: apply a recommendation to the usage history that produced it and count
/// how often usage would have been above the target. A target at percentile <c>q</c> (plus a margin)
/// should be exceeded in at most <c>1 − q</c> of the samples; <see cref="Tolerance"/> (2 points) allows
/// for the histogram's weighting towards recent days, which the unweighted count does not have.
/// </summary>
public static class RightSizingReplay
{
    /// <summary>Points added to <c>1 − target percentile</c> before the check fails: 0.02.</summary>
    public const double Tolerance = 0.02;

    /// <summary>(1 − <paramref name="targetPercentile"/>) + <see cref="Tolerance"/>, rounded to 9 decimals so that 0.12 is 0.12 and not 0.11999999999999998.</summary>
    public static double AllowedShare(double targetPercentile) => Math.Round(1 - targetPercentile + Tolerance, 9);

    /// <summary>Replays <paramref name="usage"/> (any order; NaN values skipped per metric) against <paramref name="recommendation"/>.</summary>
    /// <param name="recommendation">The recommendation to check.</param>
    /// <param name="usage">The usage history, normally the samples the recommendation was made from.</param>
    /// <param name="halfLife">Half-life of the decayed shares. Default 24 h (the recommender's default).</param>
    public static ReplayCheck Check(RightSizingRecommendation recommendation, ReadOnlySpan<UsageSample> usage, TimeSpan? halfLife = null)
    {
        ArgumentNullException.ThrowIfNull(recommendation);
        var halfLifeMs = (halfLife ?? TimeSpan.FromHours(24)).TotalMilliseconds;
        if (!(halfLifeMs > 0)) throw new ArgumentOutOfRangeException(nameof(halfLife), halfLife, "must be positive");
        var lastMs = long.MinValue;
        foreach (var s in usage) lastMs = Math.Max(lastMs, s.TimestampMs);

        var cpu = new Exceedance(recommendation.Cpu);
        var memory = new Exceedance(recommendation.Memory);
        foreach (var s in usage)
        {
            var weight = Math.Pow(2, (s.TimestampMs - lastMs) / halfLifeMs);
            cpu.Add(s.CpuCores, weight);
            memory.Add(s.MemoryBytes, weight);
        }
        var allowed = AllowedShare(recommendation.TargetPercentile);
        var passed = cpu.Count > 0 && memory.Count > 0 && cpu.ShareAboveTarget <= allowed && memory.ShareAboveTarget <= allowed;
        return new ReplayCheck(recommendation.Workload, recommendation.Strategy,
            cpu.Count, cpu.ShareAboveTarget, cpu.ShareAboveUpper, cpu.DecayedShareAboveTarget,
            memory.Count, memory.ShareAboveTarget, memory.ShareAboveUpper, memory.DecayedShareAboveTarget, allowed, passed);
    }

    /// <summary>Counts of one metric above a range's target and upper bound.</summary>
    private struct Exceedance(ResourceRange range)
    {
        private int _aboveTarget;
        private int _aboveUpper;
        private double _weight;
        private double _weightAboveTarget;

        public int Count { get; private set; }

        public readonly double ShareAboveTarget => Count == 0 ? double.NaN : _aboveTarget / (double)Count;

        public readonly double ShareAboveUpper => Count == 0 ? double.NaN : _aboveUpper / (double)Count;

        public readonly double DecayedShareAboveTarget => _weight > 0 ? _weightAboveTarget / _weight : double.NaN;

        public void Add(double value, double weight)
        {
            if (double.IsNaN(value)) return;
            Count++;
            _weight += weight;
            if (value > range.Target)
            {
                _aboveTarget++;
                _weightAboveTarget += weight;
            }
            if (value > range.Upper) _aboveUpper++;
        }
    }
}
