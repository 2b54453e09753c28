using Foresight.Scaling;
using Foresight.Series;

namespace Foresight.Evaluation.Demo;

/// <summary>A service of the demo fleet and the shape of its traffic.</summary>
/// <param name="Name">Service name (the <c>service</c> label).</param>
/// <param name="Kind">Workload class (web, api, batch, cache, database).</param>
/// <param name="PeakRps">Requests per second at the daily peak of a weekday.</param>
/// <param name="CpuPerRequest">CPU core-seconds per request.</param>
/// <param name="BaseMemoryMiB">Resident memory at idle.</param>
/// <param name="BaseLatency">Service time in seconds at low load.</param>
/// <param name="Capacity">Requests per second at which the service saturates.</param>
/// <param name="WeekendFactor">Traffic on weekends relative to weekdays.</param>
/// <param name="GrowthPerWeek">Relative traffic growth per week (trend).</param>
/// <param name="CpuRequestCores">CPU cores the service requests today (sized generously, as most teams do).</param>
/// <param name="MemoryRequestMiB">Memory it requests today, in MiB.</param>
/// <param name="LatencySlo">Its latency objective for the 99th percentile, in seconds.</param>
public sealed record DemoService(string Name, string Kind, double PeakRps, double CpuPerRequest, double BaseMemoryMiB,
    double BaseLatency, double Capacity, double WeekendFactor, double GrowthPerWeek, double CpuRequestCores, double MemoryRequestMiB,
    double LatencySlo);

/// <summary>An incident injected into the demo data, for later capabilities to find.</summary>
/// <param name="Service">Affected service.</param>
/// <param name="Kind">latency, errors, traffic-surge, memory-leak or level-shift.</param>
/// <param name="StartOffset">Start, as an offset from the beginning of the backfill.</param>
/// <param name="Duration">How long it lasts.</param>
public sealed record DemoIncident(string Service, string Kind, TimeSpan StartOffset, TimeSpan Duration);

/// <summary>
/// A synthetic but realistic fleet: several services, each with request rate, CPU, memory,
/// p95 latency and error ratio, sampled every 15 seconds, with daily and weekly cycles, growth,
/// correlated noise, queueing-shaped latency and a few injected incidents. Every value is a pure
/// function of the series and the timestamp (hash-seeded noise), so backfill and live streaming
/// agree and a restart continues the same story. Values carry realistic precision (0.1 req/s,
/// 1 millicore, 4 KiB pages, 0.1 ms, 0.01 %).
/// </summary>
public sealed class DemoFleet
{
    /// <summary>Sampling interval of every demo series.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    /// <summary>How much history <c>serve --demo</c> backfills.</summary>
    public static readonly TimeSpan Backfill = TimeSpan.FromDays(14);

    private const double StepSeconds = 15;
    private readonly long _originMs;
    private readonly ulong _seed;

    /// <summary>Length of the batches <see cref="Batches"/> yields: six hours of every series.</summary>
    public static readonly TimeSpan BatchSpan = TimeSpan.FromHours(6);

    /// <summary>Where the backfill of a fleet started at <paramref name="nowMs"/> begins: <see cref="Backfill"/> earlier, at a midnight (UTC), so incidents land at their stated hours.</summary>
    public static long BackfillStart(long nowMs)
    {
        var origin = nowMs - (long)Backfill.TotalMilliseconds;
        return origin - origin % 86_400_000;
    }

    /// <summary>The points in [<paramref name="fromMs"/>, <paramref name="toMs"/>) as consecutive batches of <see cref="BatchSpan"/>, each with the end it covers up to.</summary>
    public IEnumerable<(long End, List<SeriesWrite> Batch)> Batches(long fromMs, long toMs)
    {
        var span = (long)BatchSpan.TotalMilliseconds;
        for (var t = fromMs; t < toMs; t += span)
        {
            var end = Math.Min(t + span, toMs);
            yield return (end, Generate(t, end));
        }
    }

    /// <summary>Creates the fleet whose story starts at <paramref name="originMs"/> (start of the backfill).</summary>
    public DemoFleet(long originMs, ulong seed = 42)
    {
        _originMs = originMs - originMs % (long)Interval.TotalMilliseconds;
        _seed = seed;
    }

    /// <summary>
    /// The services. Their requests are what a team sized once and never revisited: most ask for two to
    /// four times the CPU they use at peak (clusters average 8-13% CPU use), and <c>recommendations</c>
    /// asks for less memory than its model needs.
    /// </summary>
    public static IReadOnlyList<DemoService> Services { get; } =
    [
        new("frontend", "web", 420, 0.0021, 380, 0.045, 900, 0.55, 0.015, 4, 1024, 0.25),
        new("checkout", "api", 85, 0.0095, 610, 0.120, 160, 0.70, 0.02, 2, 1536, 0.8),
        new("catalog", "api", 260, 0.0034, 900, 0.030, 600, 0.60, 0.01, 2, 2048, 0.15),
        new("search", "api", 180, 0.0120, 1400, 0.080, 320, 0.65, 0.03, 4, 4096, 0.5),
        new("payments", "api", 40, 0.0150, 520, 0.210, 90, 0.75, 0.02, 1, 1024, 1.5),
        new("recommendations", "ml", 140, 0.0260, 2600, 0.095, 260, 0.60, 0.01, 6, 3072, 0.6),
    ];

    /// <summary>
    /// The capacity model of a demo service's replicas, for <c>serve --demo</c>'s workloads: a replica
    /// is a tenth of the service's saturation rate (<see cref="DemoService.Capacity"/>) and is run at
    /// a 70% target, so it serves 7% of that rate; 2-minute start-up, 1 to 30 replicas, 0.05 per
    /// replica-hour. At the weekday peak that is 7 to 9 replicas per service, at night 2 or 3.
    /// </summary>
    public static CapacityModel CapacityModelFor(DemoService service) => new()
    {
        ReplicaCapacity = Math.Round(service.Capacity * 0.07, 1),
        StartupDelay = TimeSpan.FromMinutes(2),
        MinReplicas = 1,
        MaxReplicas = 30,
        PricePerReplicaHour = 0.05,
    };

    /// <summary>The metrics each service has.</summary>
    public static IReadOnlyList<string> Metrics { get; } =
    [
        "http_requests_per_second", "cpu_usage_cores", "memory_usage_bytes", "http_request_duration_p95_seconds", "http_errors_ratio",
    ];

    /// <summary>Incidents, relative to the start of the backfill.</summary>
    public static IReadOnlyList<DemoIncident> Incidents { get; } =
    [
        new("catalog", "latency", TimeSpan.FromDays(3) + TimeSpan.FromHours(14), TimeSpan.FromMinutes(40)),
        new("payments", "errors", TimeSpan.FromDays(5) + TimeSpan.FromHours(10.5), TimeSpan.FromMinutes(25)),
        new("checkout", "traffic-surge", TimeSpan.FromDays(8) + TimeSpan.FromHours(19), TimeSpan.FromMinutes(90)),
        new("search", "memory-leak", TimeSpan.FromDays(10), TimeSpan.FromHours(20)),
        new("frontend", "level-shift", TimeSpan.FromDays(12) + TimeSpan.FromHours(9), TimeSpan.FromDays(30)),
    ];

    /// <summary>
    /// The points of every demo series on the 15-second grid in [<paramref name="fromMs"/>,
    /// <paramref name="toMs"/>), one <see cref="SeriesWrite"/> per series.
    /// </summary>
    public List<SeriesWrite> Generate(long fromMs, long toMs)
    {
        var step = (long)Interval.TotalMilliseconds;
        var first = fromMs % step == 0 ? fromMs : fromMs - ((fromMs % step) + step) % step + step;
        var writes = new List<SeriesWrite>(Services.Count * Metrics.Count);
        for (var s = 0; s < Services.Count; s++)
        {
            var service = Services[s];
            var labels = Labels.Of(("service", service.Name), ("env", "demo"), ("kind", service.Kind));
            var lists = new List<Point>[Metrics.Count];
            for (var m = 0; m < lists.Length; m++) lists[m] = [];
            for (var t = first; t < toMs; t += step)
            {
                var sample = Sample(s, t);
                for (var m = 0; m < lists.Length; m++) lists[m].Add(new Point(t, sample[m]));
            }
            for (var m = 0; m < lists.Length; m++) writes.Add(new SeriesWrite(Metrics[m], labels, lists[m]));
        }
        return writes;
    }

    /// <summary>The five metric values of service <paramref name="s"/> at time <paramref name="t"/>, in <see cref="Metrics"/> order.</summary>
    public double[] Sample(int s, long t)
    {
        var svc = Services[s];
        var k = (t - _originMs) / (long)(StepSeconds * 1000);
        var hours = (t - _originMs) / 3_600_000.0;
        var hourOfDay = (((t / 3_600_000.0) % 24) + 24) % 24;
        var dayOfWeek = (int)((((t / 86_400_000) + 4) % 7 + 7) % 7); // 0 = Sunday (1970-01-01 was a Thursday)
        var weekend = dayOfWeek is 0 or 6;

        // Daily cycle: low at 04:00, peak mid-afternoon with a smaller evening shoulder.
        var daily = 0.25 + 0.75 * Math.Pow(Math.Max(0, Math.Sin(Math.PI * (hourOfDay - 4) / 24)), 1.6)
                    + 0.12 * Math.Exp(-Math.Pow(hourOfDay - 20.5, 2) / 3);
        var level = svc.PeakRps * daily * (weekend ? svc.WeekendFactor : 1) * (1 + svc.GrowthPerWeek * hours / 168);
        var slow = SmoothNoise(s, 0, k, 240) * 0.06 + SmoothNoise(s, 1, k, 20) * 0.03;
        var rps = level * (1 + slow + 0.03 * Gaussian(s, 2, k));

        var latencyFactor = 1.0;
        var errorBoost = 0.0;
        var memoryExtraMiB = 0.0;
        foreach (var incident in Incidents)
        {
            if (incident.Service != svc.Name) continue;
            var start = _originMs + (long)incident.StartOffset.TotalMilliseconds;
            var end = start + (long)incident.Duration.TotalMilliseconds;
            if (t < start || t >= end) continue;
            var progress = (t - start) / (double)(end - start);
            switch (incident.Kind)
            {
                case "latency": latencyFactor *= 3.5 + Gaussian(s, 3, k) * 0.3; break;
                case "errors": errorBoost += 0.08 + 0.02 * Gaussian(s, 4, k); break;
                case "traffic-surge": rps *= 1.9; break;
                case "memory-leak": memoryExtraMiB += 1800 * progress; break;
                case "level-shift": rps *= 1.25; break;
            }
        }
        rps = Math.Max(0, rps);

        var utilization = Math.Min(0.97, rps / svc.Capacity);
        var cpu = 0.05 + rps * svc.CpuPerRequest * (1 + 0.04 * Gaussian(s, 5, k));
        var gcSaw = ((k % 160) / 160.0) * 0.08 * svc.BaseMemoryMiB;
        var memoryMiB = svc.BaseMemoryMiB * (1 + 0.15 * utilization) + gcSaw + memoryExtraMiB + 2 * SmoothNoise(s, 6, k, 40);
        var latency = svc.BaseLatency * latencyFactor / (1 - utilization) * (1 + 0.08 * Gaussian(s, 7, k));
        var errors = 0.002 * (1 + utilization * 2) * Math.Exp(0.5 * Gaussian(s, 8, k)) + Math.Max(0, errorBoost);

        return
        [
            Math.Round(rps, 1),
            Math.Round(Math.Max(0, cpu), 3),
            Math.Round(memoryMiB * 256) * 4096,
            Math.Round(Math.Max(0.0005, latency), 4),
            Math.Round(Math.Min(1, errors), 4),
        ];
    }

    private double Gaussian(int s, int stream, long k)
    {
        var u1 = Uniform(s, stream, k, 0);
        var u2 = Uniform(s, stream, k, 1);
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Value noise: Gaussian knots every <paramref name="period"/> steps, cosine-interpolated.</summary>
    private double SmoothNoise(int s, int stream, long k, int period)
    {
        var knot = Math.DivRem(k, period, out var rem);
        if (rem < 0)
        {
            knot--;
            rem += period;
        }
        var a = Gaussian(s, 100 + stream, knot);
        var b = Gaussian(s, 100 + stream, knot + 1);
        var w = (1 - Math.Cos(Math.PI * rem / period)) / 2;
        return a + (b - a) * w;
    }

    private double Uniform(int s, int stream, long k, int salt)
    {
        // SplitMix64 over the coordinates: deterministic, stateless, well mixed.
        var z = _seed + (ulong)s * 0x9E3779B97F4A7C15UL + (ulong)stream * 0xBF58476D1CE4E5B9UL + (ulong)k * 0x94D049BB133111EBUL + (ulong)salt;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return ((z >> 11) + 0.5) / (1UL << 53);
    }
}
