namespace Foresight.Classification;

/// <summary>
/// Generates labelled workloads: realistic CPU, memory, request-rate, latency, network and disk
/// series for each <see cref="WorkloadClass"/>, with every parameter drawn from the seed over wide,
/// overlapping ranges, so that the classes are confusable at their margins.
/// </summary>
/// <remarks>
/// <para>Request-serving classes share one traffic model: a daily bump (von Mises shape around a peak
/// hour, amplitude 0.15-0.9 of the peak), a weekend factor, weekly growth, AR(1) drift with a time
/// constant of hours, white noise and Poisson bursts (flash crowds, retry storms). CPU is idle cores
/// plus requests × CPU per request; latency rises with load as u² (queueing) with log-normal noise;
/// memory is a resident base that rises a little with load, with a GC sawtooth for some; network is
/// requests × bytes per request. Incidents are added at random: latency episodes, memory leaks ended
/// by a restart, restarts that drop and refill memory.</para>
/// <para>What distinguishes the classes (and where they overlap): web has large responses (15-400 KiB
/// per request), 0.4-6 ms CPU per request, a weekend factor 0.75-1.3; api 2-30 ms per request,
/// 1-60 KiB, weekends at 0.3-0.95; microservices 0.1-3 ms, 1-40 ms latency, under 0.6 GiB, smooth
/// traffic; caches 5-80 µs per operation, 0.1-1.5 ms latency, 1-48 GiB flat memory, snapshot disk
/// bursts or none; databases 0.3-8 ms per query, 2-64 GiB flat memory, steady disk IO, nightly
/// maintenance; ML is inference (15-300 ms per request, 2-24 GiB model, 40-1500 ms latency) or
/// training (runs of 6-96 h at 80-98% of 4-32 cores, 8-128 GiB, no requests); batch is cron-like
/// (every 1-24 h, 3-60% of the period) or queue-driven jobs with memory and disk that follow the
/// jobs and no or trickle requests. Series go missing at random (latency 25%, network and disk 35%,
/// memory and requests 5%), as they do in real clusters.</para>
/// </remarks>
public static partial class WorkloadGenerator
{
    /// <summary>Date the generated series start from (a Monday, UTC); each seed then shifts the start by 0-6 days.</summary>
    public static readonly DateTimeOffset Epoch = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// A workload of class <paramref name="workloadClass"/> over <paramref name="days"/> days sampled
    /// every <paramref name="step"/>; the same arguments always give the same series.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">days below 2, or step outside (0, 1 h].</exception>
    public static WorkloadMetrics Generate(WorkloadClass workloadClass, int seed, int days, TimeSpan step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 2);
        if (step <= TimeSpan.Zero || step > TimeSpan.FromHours(1)) throw new ArgumentOutOfRangeException(nameof(step), step, "step must be in (0, 1 h]");
        var random = new GeneratorRandom(unchecked(seed * 7919 + (int)workloadClass * 1_000_003));
        var n = (int)(TimeSpan.FromDays(days) / step);
        var clock = new Clock(n, step.TotalHours, Epoch.AddDays(random.Int(0, 7)));
        var metrics = workloadClass switch
        {
            WorkloadClass.Web => Serve(random, clock, Draw(random, WebRanges)),
            WorkloadClass.Api => Serve(random, clock, Draw(random, ApiRanges)),
            WorkloadClass.Microservice => Serve(random, clock, Draw(random, MicroserviceRanges)),
            WorkloadClass.Cache => Serve(random, clock, CacheProfile(random)),
            WorkloadClass.Database => Serve(random, clock, DatabaseProfile(random)),
            WorkloadClass.Ml => random.Chance(0.6) ? Serve(random, clock, Draw(random, InferenceRanges)) : Training(random, clock),
            WorkloadClass.Batch => Batch(random, clock),
            _ => throw new ArgumentOutOfRangeException(nameof(workloadClass), workloadClass, "unknown workload class"),
        };
        return DropSeries(random, metrics);
    }

    internal readonly record struct Clock(int N, double StepHours, DateTimeOffset Start)
    {
        public double Hours(int i) => i * StepHours;

        public double HourOfDay(int i) => (Start.Hour + Hours(i)) % 24;

        public bool Weekend(int i)
        {
            var day = ((int)Start.DayOfWeek + (int)((Start.Hour + Hours(i)) / 24)) % 7;
            return day is (int)DayOfWeek.Saturday or (int)DayOfWeek.Sunday;
        }

        public double Days => N * StepHours / 24;
    }

    /// <summary>Parameters of a request-serving workload, drawn per class.</summary>
    private sealed record ServingProfile
    {
        public double PeakRps, Amplitude, PeakHour, Sharpness, WeekendFactor, GrowthPerWeek;
        public double DriftSigma, DriftTauHours, WhiteSigma, BurstsPerDay, BurstMagnitude;
        public double CpuMsPerRequest, IdleCores, MemoryGib, MemoryLoadShare, MemoryGrowthPerDay;
        public bool GcSawtooth;
        public double LatencyMs, LatencyLoadGain, NetKibPerRequest, DiskMibPerCore, DiskBaseMib;
        public double SnapshotEveryHours, MaintenanceCpuShare, MaintenanceDiskFactor;
        public double RequestsMissing = 0.05;
    }

    /// <summary>Ranges a serving class draws its profile from (log-uniform for rates, sizes and latencies; uniform otherwise).</summary>
    private sealed record ServingRanges((double, double) PeakRps, (double, double) Amplitude, (double, double) Weekend, (double, double) PeakHour,
        (double, double) Drift, (double, double) White, (double, double) Bursts, (double, double) BurstMagnitude, (double, double) CpuMs,
        (double, double) IdleCores, (double, double) MemoryGib, (double, double) MemoryLoad, (double, double) LatencyMs, (double, double) LatencyGain,
        (double, double) NetKib, (double, double) DiskMibPerCore, double GcChance);

    private static readonly ServingRanges WebRanges = new(PeakRps: (20, 3000), Amplitude: (0.45, 0.9), Weekend: (0.75, 1.3), PeakHour: (12, 22),
        Drift: (0.03, 0.15), White: (0.02, 0.1), Bursts: (0, 3), BurstMagnitude: (1.5, 3), CpuMs: (0.4, 6), IdleCores: (0.02, 0.3), MemoryGib: (0.25, 3),
        MemoryLoad: (0, 0.3), LatencyMs: (20, 400), LatencyGain: (0.2, 2), NetKib: (15, 400), DiskMibPerCore: (0.01, 0.5), GcChance: 0.5);

    private static readonly ServingRanges ApiRanges = new(PeakRps: (5, 2000), Amplitude: (0.3, 0.85), Weekend: (0.3, 0.95), PeakHour: (9, 17),
        Drift: (0.05, 0.2), White: (0.03, 0.12), Bursts: (0, 6), BurstMagnitude: (1.5, 5), CpuMs: (2, 30), IdleCores: (0.02, 0.3), MemoryGib: (0.3, 4),
        MemoryLoad: (0, 0.3), LatencyMs: (15, 300), LatencyGain: (0.3, 3), NetKib: (1, 60), DiskMibPerCore: (0.01, 0.5), GcChance: 0.5);

    private static readonly ServingRanges MicroserviceRanges = new(PeakRps: (50, 5000), Amplitude: (0.2, 0.8), Weekend: (0.5, 1.1), PeakHour: (9, 21),
        Drift: (0.02, 0.08), White: (0.01, 0.05), Bursts: (0, 4), BurstMagnitude: (1.5, 4), CpuMs: (0.1, 3), IdleCores: (0.01, 0.08), MemoryGib: (0.06, 0.6),
        MemoryLoad: (0, 0.3), LatencyMs: (1, 40), LatencyGain: (0.1, 1.5), NetKib: (0.5, 20), DiskMibPerCore: (0.005, 0.2), GcChance: 0.5);

    private static readonly ServingRanges CacheRanges = new(PeakRps: (200, 50000), Amplitude: (0.2, 0.85), Weekend: (0.5, 1.2), PeakHour: (9, 21),
        Drift: (0.02, 0.1), White: (0.01, 0.05), Bursts: (0, 3), BurstMagnitude: (1.3, 3), CpuMs: (0.005, 0.08), IdleCores: (0.02, 0.15), MemoryGib: (1, 48),
        MemoryLoad: (0, 0.05), LatencyMs: (0.1, 1.5), LatencyGain: (0, 0.4), NetKib: (0.2, 20), DiskMibPerCore: (0.001, 0.02), GcChance: 0);

    private static readonly ServingRanges DatabaseRanges = new(PeakRps: (20, 5000), Amplitude: (0.15, 0.7), Weekend: (0.4, 1.1), PeakHour: (9, 21),
        Drift: (0.03, 0.12), White: (0.02, 0.08), Bursts: (0, 2), BurstMagnitude: (1.3, 3), CpuMs: (0.3, 8), IdleCores: (0.1, 0.6), MemoryGib: (2, 64),
        MemoryLoad: (0, 0.03), LatencyMs: (0.5, 30), LatencyGain: (0.3, 3), NetKib: (1, 50), DiskMibPerCore: (2, 60), GcChance: 0);

    private static readonly ServingRanges InferenceRanges = new(PeakRps: (2, 300), Amplitude: (0.2, 0.8), Weekend: (0.4, 1.1), PeakHour: (9, 21),
        Drift: (0.03, 0.15), White: (0.03, 0.1), Bursts: (0, 3), BurstMagnitude: (1.5, 3), CpuMs: (15, 300), IdleCores: (0.1, 1), MemoryGib: (2, 24),
        MemoryLoad: (0, 0.1), LatencyMs: (40, 1500), LatencyGain: (0.5, 3), NetKib: (2, 200), DiskMibPerCore: (0.005, 0.1), GcChance: 0);

    private static ServingProfile Draw(GeneratorRandom r, ServingRanges x) => new()
    {
        PeakRps = r.LogUniform(x.PeakRps.Item1, x.PeakRps.Item2), Amplitude = r.Uniform(x.Amplitude.Item1, x.Amplitude.Item2),
        PeakHour = r.Uniform(x.PeakHour.Item1, x.PeakHour.Item2), Sharpness = r.Uniform(0.5, 2.5), WeekendFactor = r.Uniform(x.Weekend.Item1, x.Weekend.Item2),
        GrowthPerWeek = r.Uniform(-0.02, 0.08), DriftTauHours = r.Uniform(0.5, 4), DriftSigma = r.Uniform(x.Drift.Item1, x.Drift.Item2),
        WhiteSigma = r.Uniform(x.White.Item1, x.White.Item2), BurstsPerDay = r.Uniform(x.Bursts.Item1, x.Bursts.Item2),
        BurstMagnitude = r.Uniform(x.BurstMagnitude.Item1, x.BurstMagnitude.Item2), CpuMsPerRequest = r.LogUniform(x.CpuMs.Item1, x.CpuMs.Item2),
        IdleCores = r.LogUniform(x.IdleCores.Item1, x.IdleCores.Item2), MemoryGib = r.LogUniform(x.MemoryGib.Item1, x.MemoryGib.Item2),
        MemoryLoadShare = r.Uniform(x.MemoryLoad.Item1, x.MemoryLoad.Item2), GcSawtooth = r.Chance(x.GcChance),
        LatencyMs = r.LogUniform(x.LatencyMs.Item1, x.LatencyMs.Item2), LatencyLoadGain = r.Uniform(x.LatencyGain.Item1, x.LatencyGain.Item2),
        NetKibPerRequest = r.LogUniform(x.NetKib.Item1, x.NetKib.Item2), DiskMibPerCore = r.LogUniform(x.DiskMibPerCore.Item1, x.DiskMibPerCore.Item2),
    };

    private static ServingProfile CacheProfile(GeneratorRandom r) => Draw(r, CacheRanges) with
    {
        SnapshotEveryHours = r.Chance(0.35) ? r.Uniform(1, 6) : 0,
    };

    private static ServingProfile DatabaseProfile(GeneratorRandom r) => Draw(r, DatabaseRanges) with
    {
        MemoryGrowthPerDay = r.Uniform(0, 0.01), DiskBaseMib = r.LogUniform(0.5, 5), MaintenanceCpuShare = r.Chance(0.6) ? r.Uniform(0.3, 2) : 0,
        MaintenanceDiskFactor = r.Uniform(3, 10), RequestsMissing = 0.15,
    };

    /// <summary>The request rate of a profile: daily bump, weekends, growth, drift, white noise and bursts.</summary>
    private static double[] Requests(GeneratorRandom r, Clock c, ServingProfile p)
    {
        var drift = r.Ar1(c.N, c.StepHours, p.DriftSigma, p.DriftTauHours);
        var bursts = Bursts(r, c, p.BurstsPerDay, p.BurstMagnitude);
        var rps = new double[c.N];
        for (var i = 0; i < c.N; i++)
        {
            var shape = Math.Exp(p.Sharpness * (Math.Cos(2 * Math.PI * (c.HourOfDay(i) - p.PeakHour) / 24) - 1));
            var level = p.PeakRps * (1 - p.Amplitude + p.Amplitude * shape) * (c.Weekend(i) ? p.WeekendFactor : 1) * (1 + p.GrowthPerWeek * c.Hours(i) / 168);
            rps[i] = Math.Max(0, level * Math.Exp(drift[i]) * (1 + p.WhiteSigma * r.Normal()) * bursts[i]);
        }
        return rps;
    }

    /// <summary>Multiplicative burst factors: Poisson events of 5-90 minutes, up to <paramref name="magnitude"/>× with a ramp.</summary>
    private static double[] Bursts(GeneratorRandom r, Clock c, double perDay, double magnitude)
    {
        var factor = new double[c.N];
        Array.Fill(factor, 1.0);
        var count = r.Poisson(perDay * c.Days);
        for (var e = 0; e < count; e++)
        {
            var start = r.Int(0, c.N);
            var length = Math.Max(1, (int)(r.LogUniform(5, 90) / 60 / c.StepHours));
            var peak = r.Uniform(1.2, Math.Max(1.3, magnitude));
            for (var i = start; i < Math.Min(c.N, start + length); i++)
                factor[i] *= 1 + (peak - 1) * Math.Sin(Math.PI * (i - start + 0.5) / length);
        }
        return factor;
    }

    private static WorkloadMetrics Serve(GeneratorRandom r, Clock c, ServingProfile p)
    {
        var rps = Requests(r, c, p);
        var cpu = new double[c.N];
        var memory = new double[c.N];
        var latency = new double[c.N];
        var network = new double[c.N];
        var disk = new double[c.N];
        var latencyNoise = r.Uniform(0.04, 0.15);
        var latencyFactor = Incident(r, c, 0.3, () => r.Uniform(2, 5), 20, 120);
        var memoryPhase = MemoryIncidents(r, c);
        var gcPeriodHours = r.Uniform(0.2, 2);
        var maintenanceHour = r.Uniform(0, 5);
        var maintenanceHours = r.Uniform(0.5, 3);
        for (var i = 0; i < c.N; i++)
        {
            var load = rps[i] / p.PeakRps;
            var work = rps[i] * p.CpuMsPerRequest / 1000;
            var hourOfDay = c.HourOfDay(i);
            var maintenance = p.MaintenanceCpuShare > 0 && hourOfDay >= maintenanceHour && hourOfDay < maintenanceHour + maintenanceHours;
            var maintenanceCpu = maintenance ? p.MaintenanceCpuShare * (p.IdleCores + p.PeakRps * p.CpuMsPerRequest / 2000) : 0;
            cpu[i] = Math.Max(0, (p.IdleCores + work * (latencyFactor[i] > 1 ? 1.3 : 1.0) + maintenanceCpu) * (1 + 0.04 * r.Normal()));
            var sawtooth = p.GcSawtooth ? 0.15 * (c.Hours(i) / gcPeriodHours % 1) : 0;
            memory[i] = p.MemoryGib * (1 << 30) * (1 + p.MemoryLoadShare * load + sawtooth + p.MemoryGrowthPerDay * c.Hours(i) / 24) * memoryPhase[i]
                        * (1 + 0.005 * r.Normal());
            latency[i] = p.LatencyMs / 1000 * (1 + p.LatencyLoadGain * Math.Min(2.25, load * load)) * latencyFactor[i] * Math.Exp(latencyNoise * r.Normal());
            network[i] = rps[i] * p.NetKibPerRequest * 1024 * (1 + 0.05 * r.Normal());
            var snapshot = p.SnapshotEveryHours > 0 && c.Hours(i) % p.SnapshotEveryHours < 0.15
                ? p.MemoryGib * 1024 / (0.15 * 3600) : 0;
            disk[i] = Math.Max(0, (cpu[i] * p.DiskMibPerCore * (maintenance ? p.MaintenanceDiskFactor : 1) + p.DiskBaseMib + snapshot) * (1 << 20) * (1 + 0.1 * r.Normal()));
        }
        return new WorkloadMetrics
        {
            Step = TimeSpan.FromHours(c.StepHours), Start = c.Start, CpuCores = cpu, MemoryBytes = memory,
            RequestsPerSecond = r.Chance(p.RequestsMissing) ? null : rps, LatencySeconds = latency,
            NetworkBytesPerSecond = network, DiskBytesPerSecond = disk,
        };
    }

    /// <summary>With probability <paramref name="p"/>, one episode of <paramref name="minMinutes"/>-<paramref name="maxMinutes"/> where the factor is <paramref name="magnitude"/>(); 1 elsewhere.</summary>
    private static double[] Incident(GeneratorRandom r, Clock c, double p, Func<double> magnitude, double minMinutes, double maxMinutes)
    {
        var factor = new double[c.N];
        Array.Fill(factor, 1.0);
        if (!r.Chance(p)) return factor;
        var start = r.Int(0, c.N);
        var length = Math.Max(1, (int)(r.Uniform(minMinutes, maxMinutes) / 60 / c.StepHours));
        var value = magnitude();
        for (var i = start; i < Math.Min(c.N, start + length); i++) factor[i] = value;
        return factor;
    }

    /// <summary>Memory multipliers: a leak ended by a restart (15%), or a restart that drops memory and refills it over hours (20%).</summary>
    private static double[] MemoryIncidents(GeneratorRandom r, Clock c)
    {
        var factor = new double[c.N];
        Array.Fill(factor, 1.0);
        var start = r.Int(0, c.N);
        if (r.Chance(0.15))
        {
            var length = Math.Max(1, (int)(r.Uniform(6, 48) / c.StepHours));
            var growth = r.Uniform(0.3, 1.5);
            for (var i = start; i < Math.Min(c.N, start + length); i++) factor[i] = 1 + growth * (i - start) / length;
        }
        else if (r.Chance(0.2 / 0.85))
        {
            var refillHours = r.Uniform(1, 6);
            for (var i = start; i < c.N; i++) factor[i] = 1 - 0.6 * Math.Exp(-(i - start) * c.StepHours / refillHours);
        }
        return factor;
    }

    private static WorkloadMetrics DropSeries(GeneratorRandom r, WorkloadMetrics m) => m with
    {
        MemoryBytes = r.Chance(0.05) ? null : m.MemoryBytes,
        LatencySeconds = r.Chance(0.25) ? null : m.LatencySeconds,
        NetworkBytesPerSecond = r.Chance(0.35) ? null : m.NetworkBytesPerSecond,
        DiskBytesPerSecond = r.Chance(0.35) ? null : m.DiskBytesPerSecond,
    };
}
