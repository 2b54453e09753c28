using Foresight.Classification;
using Foresight.Series;
using Foresight.Server.Scaling;
using UsageSample = Foresight.RightSizing.UsageSample;

namespace Foresight.Server.Recommendations;

/// <summary>
/// A workload's stored series over a window, read once and shaped for each analysis: pooled usage
/// samples for right-sizing, usage intervals for cost, aligned 5-minute series for the workload
/// classifier, and (request rate, latency) pairs for the latency model.
/// </summary>
internal sealed class WorkloadHistory
{
    /// <summary>Step of the aligned series the classifier and the latency model read.</summary>
    public const long AlignedStep = 300_000;

    private const long CostStep = 60_000;

    private WorkloadHistory(WorkloadSpec spec, long from, long to, List<List<Point>> demand, List<List<Point>> cpu, List<List<Point>> memory,
        List<List<Point>> latency)
    {
        Spec = spec;
        From = from;
        To = to;
        Demand = demand;
        Cpu = cpu;
        Memory = memory;
        Latency = latency;
    }

    public WorkloadSpec Spec { get; }

    public long From { get; }

    public long To { get; }

    /// <summary>Points of each demand series.</summary>
    public List<List<Point>> Demand { get; }

    /// <summary>Points of each CPU usage series (one per replica).</summary>
    public List<List<Point>> Cpu { get; }

    /// <summary>Points of each memory usage series (one per replica).</summary>
    public List<List<Point>> Memory { get; }

    /// <summary>Points of each latency series.</summary>
    public List<List<Point>> Latency { get; }

    /// <summary>Reads every series the workload names over [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public static async Task<WorkloadHistory> ReadAsync(ITimeSeriesStore store, string tenant, WorkloadSpec spec, long from, long to,
        CancellationToken cancellationToken)
    {
        async ValueTask<List<List<Point>>> ReadSelector(string? text) =>
            text is not null && SeriesSelector.TryParse(text, out var selector, out _)
                ? await DemandReader.ReadAllAsync(store, tenant, await store.FindAsync(tenant, selector, cancellationToken), from, to, cancellationToken)
                : [];
        return new WorkloadHistory(spec, from, to, await ReadSelector(spec.Series), await ReadSelector(spec.CpuUsage), await ReadSelector(spec.MemoryUsage),
            await ReadSelector(spec.Latency));
    }

    /// <summary>
    /// Every CPU and memory point as a right-sizing sample, in time order: each series is one replica's
    /// container, pooled as the VPA pools a container's samples across pods. A CPU and a memory point at the
    /// same instant of a one-series workload make one sample; samples that would share an instant are moved
    /// a millisecond apart (the recommender needs strictly increasing times).
    /// </summary>
    public UsageSample[] RightSizingSamples()
    {
        var samples = new List<UsageSample>();
        if (Cpu.Count == 1 && Memory.Count == 1)
        {
            var (c, m) = (Cpu[0], Memory[0]);
            int i = 0, j = 0;
            while (i < c.Count || j < m.Count)
            {
                if (j >= m.Count || (i < c.Count && c[i].Timestamp < m[j].Timestamp)) samples.Add(new UsageSample(c[i].Timestamp, c[i++].Value, double.NaN));
                else if (i >= c.Count || m[j].Timestamp < c[i].Timestamp) samples.Add(new UsageSample(m[j].Timestamp, double.NaN, m[j++].Value));
                else samples.Add(new UsageSample(c[i].Timestamp, c[i++].Value, m[j++].Value));
            }
        }
        else
        {
            foreach (var points in Cpu) samples.AddRange(points.Select(p => new UsageSample(p.Timestamp, p.Value, double.NaN)));
            foreach (var points in Memory) samples.AddRange(points.Select(p => new UsageSample(p.Timestamp, double.NaN, p.Value)));
            samples.Sort((a, b) => a.TimestampMs.CompareTo(b.TimestampMs));
        }
        var last = long.MinValue;
        for (var k = 0; k < samples.Count; k++)
        {
            var s = samples[k];
            if (s.TimestampMs <= last) samples[k] = s with { TimestampMs = last + 1 };
            last = samples[k].TimestampMs;
        }
        return [.. samples];
    }

    /// <summary>Replicas: the number of usage series in the window (one per replica; pods replaced during the window count twice), at least 1.</summary>
    public int Replicas()
    {
        var widest = Math.Max(Cpu.Count, Memory.Count);
        return Math.Max(1, widest);
    }

    /// <summary>The workload's total CPU and memory use (sums over replicas) per minute, as cost intervals.</summary>
    public Foresight.Cost.UsageInterval[] CostIntervals()
    {
        var cpu = Totals(Cpu, CostStep);
        var memory = Totals(Memory, CostStep);
        return Foresight.Cost.CostModel.Intervals(cpu, memory, TimeSpan.FromMilliseconds(CostStep));
    }

    /// <summary>The series the classifier reads, aligned on <see cref="AlignedStep"/>; false with the reason when there is no CPU usage.</summary>
    public bool TryClassifierMetrics(out WorkloadMetrics metrics, out string error)
    {
        metrics = null!;
        if (Cpu.Count == 0)
        {
            error = Spec.CpuUsage is null ? "no cpu usage series is configured (cpu_usage)" : $"no points of {Spec.CpuUsage} in the window";
            return false;
        }
        var start = From - From % AlignedStep;
        var count = (int)((To - start + AlignedStep - 1) / AlignedStep);
        metrics = new WorkloadMetrics
        {
            Step = TimeSpan.FromMilliseconds(AlignedStep),
            Start = DateTimeOffset.FromUnixTimeMilliseconds(start),
            CpuCores = Aligned(Cpu, start, count, mean: false),
            MemoryBytes = Memory.Count > 0 ? Aligned(Memory, start, count, mean: false) : null,
            RequestsPerSecond = Demand.Count > 0 ? Aligned(Demand, start, count, mean: false) : null,
            LatencySeconds = Latency.Count > 0 ? Aligned(Latency, start, count, mean: true) : null,
        };
        error = "";
        return true;
    }

    /// <summary>(request rate, latency) per <see cref="AlignedStep"/> where both were measured.</summary>
    public List<(double Rate, double Latency)> LoadLatencyPairs()
    {
        var start = From - From % AlignedStep;
        var count = (int)((To - start + AlignedStep - 1) / AlignedStep);
        var rate = Aligned(Demand, start, count, mean: false);
        var latency = Aligned(Latency, start, count, mean: true);
        var pairs = new List<(double, double)>();
        for (var i = 0; i < count; i++)
        {
            if (double.IsFinite(rate[i]) && double.IsFinite(latency[i]) && latency[i] > 0) pairs.Add((rate[i], latency[i]));
        }
        return pairs;
    }

    /// <summary>The demand's total per <paramref name="step"/>.</summary>
    public List<Point> DemandTotals(long step) => Totals(Demand, step);

    private List<Point> Totals(List<List<Point>> series, long step)
    {
        var start = From - From % step;
        var end = To + (step - To % step) % step;   // the grid wants whole steps
        return DemandReader.Grid(series, start, end, step).Select(g => new Point(g.Start, g.Value)).ToList();
    }

    /// <summary>Per step, the sum (or mean) over series of each one's mean in the step; NaN where no series has a point.</summary>
    private static double[] Aligned(List<List<Point>> series, long start, int count, bool mean)
    {
        var values = new double[count];
        var present = new int[count];
        foreach (var points in series)
        {
            foreach (var (at, value) in DemandReader.Grid([points], start, start + count * AlignedStep, AlignedStep))
            {
                var i = (int)((at - start) / AlignedStep);
                values[i] += value;
                present[i]++;
            }
        }
        for (var i = 0; i < count; i++) values[i] = present[i] == 0 ? double.NaN : mean ? values[i] / present[i] : values[i];
        return values;
    }
}
