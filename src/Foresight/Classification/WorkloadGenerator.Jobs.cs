namespace Foresight.Classification;

public static partial class WorkloadGenerator
{
    private static readonly double[] CronPeriodsHours = [1, 2, 3, 4, 6, 8, 12, 24];

    /// <summary>
    /// Batch: cron-like jobs every 1-24 h lasting 3-60% of the period (60%), or queue-driven jobs
    /// arriving through the day (40%); CPU, memory, disk and network follow the jobs.
    /// </summary>
    private static WorkloadMetrics Batch(GeneratorRandom r, Clock c)
    {
        var jobs = new List<(double Start, double Hours)>();
        if (r.Chance(0.6))
        {
            var period = r.Pick(CronPeriodsHours);
            var duration = period * r.Uniform(0.03, 0.6);
            var skip = r.Uniform(0, 0.1);
            for (var t = r.Uniform(0, period); t < c.Days * 24; t += period)
            {
                if (!r.Chance(skip)) jobs.Add((t + r.Uniform(0, 10) / 60, duration * Math.Exp(0.2 * r.Normal())));
            }
        }
        else
        {
            var perDay = r.Uniform(2, 40);
            var amplitude = r.Uniform(0, 0.9);
            var peakHour = r.Uniform(9, 17);
            var meanHours = r.LogUniform(1.0 / 6, 4);
            for (var day = 0; day < c.Days; day++)
            {
                var count = r.Poisson(perDay);
                for (var k = 0; k < count; k++)
                {
                    // Arrival hour by rejection from the daily bump.
                    var hour = r.Uniform(0, 24);
                    if (r.Uniform(0, 1) > 1 - amplitude + amplitude * Math.Exp(2 * (Math.Cos(2 * Math.PI * (hour - peakHour) / 24) - 1))) continue;
                    jobs.Add((day * 24 + hour, meanHours * Math.Exp(0.5 * r.Normal())));
                }
            }
        }
        var jobCores = r.LogUniform(0.5, 16);
        var idle = r.LogUniform(0.005, 0.05);
        var baseGib = r.LogUniform(0.05, 0.5);
        var jobGib = r.LogUniform(0.5, 32);
        var holdsMemory = r.Chance(0.3);
        var diskMib = r.LogUniform(5, 200);
        var networkMib = r.LogUniform(1, 100);
        var active = new double[c.N];
        var progress = new double[c.N];
        foreach (var (start, hours) in jobs)
        {
            var first = (int)(start / c.StepHours);
            var last = Math.Min(c.N, (int)((start + hours) / c.StepHours) + 1);
            for (var i = Math.Max(0, first); i < last; i++)
            {
                active[i] += r.Uniform(0.7, 1);
                progress[i] = Math.Max(progress[i], Math.Min(1, (i - first + 1) * c.StepHours / Math.Max(hours * 0.1, c.StepHours)));
            }
        }
        var cpu = new double[c.N];
        var memory = new double[c.N];
        var disk = new double[c.N];
        var network = new double[c.N];
        var held = baseGib;
        for (var i = 0; i < c.N; i++)
        {
            cpu[i] = Math.Max(0, idle + jobCores * active[i] * (1 + 0.1 * r.Normal()));
            var inUse = active[i] > 0 ? baseGib + jobGib * progress[i] * Math.Min(active[i], 2) : baseGib;
            held = holdsMemory ? Math.Max(held, inUse) : inUse;
            memory[i] = held * (1 << 30) * (1 + 0.01 * r.Normal());
            disk[i] = Math.Max(0, (active[i] > 0 ? diskMib * active[i] : 0.05) * (1 << 20) * (1 + 0.2 * r.Normal()));
            network[i] = Math.Max(0, (active[i] > 0 ? networkMib * active[i] : 0.01) * (1 << 20) * (1 + 0.2 * r.Normal()));
        }
        var (requests, latency) = Trickle(r, c, absent: 0.6, zero: 0.25);
        return new WorkloadMetrics
        {
            Step = TimeSpan.FromHours(c.StepHours), Start = c.Start, CpuCores = cpu, MemoryBytes = memory, RequestsPerSecond = requests,
            LatencySeconds = latency, NetworkBytesPerSecond = network, DiskBytesPerSecond = disk,
        };
    }

    /// <summary>
    /// ML training: runs of 6-96 h at 80-98% of 4-32 cores with short evaluation and checkpoint dips
    /// at each epoch, 8-128 GiB held during a run, data-loading disk reads, gaps of minutes to hours.
    /// </summary>
    private static WorkloadMetrics Training(GeneratorRandom r, Clock c)
    {
        var cores = r.LogUniform(4, 32);
        var usage = r.Uniform(0.8, 0.98);
        var gib = r.LogUniform(8, 128);
        var keepsData = r.Chance(0.3);
        var epochHours = r.LogUniform(0.3, 3);
        var dipHours = r.Uniform(2, 15) / 60;
        var dipLevel = r.Uniform(0.2, 0.6);
        var diskMib = r.LogUniform(10, 300);
        var networkMib = r.LogUniform(1, 50);
        var running = new bool[c.N];
        var runStart = new double[c.N];
        var t = -r.Uniform(0, 48);
        while (t < c.Days * 24)
        {
            var length = r.LogUniform(6, 96);
            for (var i = Math.Max(0, (int)(t / c.StepHours)); i < Math.Min(c.N, (int)((t + length) / c.StepHours)); i++)
            {
                running[i] = true;
                runStart[i] = t;
            }
            t += length + r.LogUniform(0.1, 8);
        }
        var cpu = new double[c.N];
        var memory = new double[c.N];
        var disk = new double[c.N];
        var network = new double[c.N];
        for (var i = 0; i < c.N; i++)
        {
            var sinceStart = c.Hours(i) - runStart[i];
            var dip = sinceStart % epochHours > epochHours - dipHours;
            var level = running[i] ? usage * (dip ? dipLevel : 1) : 0.02;
            cpu[i] = Math.Max(0, cores * level * (1 + 0.05 * r.Normal()));
            var resident = running[i] ? gib * Math.Min(1, sinceStart / 0.1) : keepsData ? gib * 0.4 : 0.3;
            memory[i] = Math.Max(0.1, resident) * (1 << 30) * (1 + 0.005 * r.Normal());
            disk[i] = Math.Max(0, (running[i] ? diskMib * (dip ? 3 : 1) : 0.05) * (1 << 20) * (1 + 0.2 * r.Normal()));
            network[i] = Math.Max(0, (running[i] ? networkMib : 0.01) * (1 << 20) * (1 + 0.2 * r.Normal()));
        }
        var (requests, latency) = Trickle(r, c, absent: 0.7, zero: 0.3);
        return new WorkloadMetrics
        {
            Step = TimeSpan.FromHours(c.StepHours), Start = c.Start, CpuCores = cpu, MemoryBytes = memory, RequestsPerSecond = requests,
            LatencySeconds = latency, NetworkBytesPerSecond = network, DiskBytesPerSecond = disk,
        };
    }

    /// <summary>No request series (<paramref name="absent"/>), an all-zero one (<paramref name="zero"/>), or else a trickle of health checks and scrapes with their latency.</summary>
    private static (double[]? Requests, double[]? Latency) Trickle(GeneratorRandom r, Clock c, double absent, double zero)
    {
        var u = r.Uniform(0, 1);
        if (u < absent) return (null, null);
        var requests = new double[c.N];
        if (u < absent + zero) return (requests, null);
        var rate = r.Uniform(0.05, 1);
        var latencyMs = r.LogUniform(1, 20);
        var latency = new double[c.N];
        for (var i = 0; i < c.N; i++)
        {
            requests[i] = Math.Max(0, rate * (1 + 0.2 * r.Normal()));
            latency[i] = latencyMs / 1000 * Math.Exp(0.2 * r.Normal());
        }
        return (requests, latency);
    }
}
