using Foresight.Numerics;

namespace Foresight.Classification;

/// <summary>A feature of <see cref="WorkloadFeatures"/>: its name, unit and why it separates classes.</summary>
/// <param name="Name">Snake-case name, stable across versions.</param>
/// <param name="Unit">Unit of the value ("" for ratios and shares).</param>
/// <param name="Meaning">What it measures and which classes it tells apart.</param>
public sealed record WorkloadFeature(string Name, string Unit, string Meaning);

/// <summary>
/// Features of the shape of a workload's metrics, for <see cref="WorkloadClassifier"/>. The series
/// are first averaged into 5-minute buckets (or kept at the step when coarser) and into hours; a
/// feature whose source series is missing, or which is undefined (no requests, no variation), is NaN,
/// and the classifier treats NaN as "not known" rather than zero.
/// </summary>
/// <remarks>
/// Cycle strength follows Wang, Smith &amp; Hyndman, "Characteristic-based clustering for time series
/// data" (Data Mining and Knowledge Discovery 13, 2006), in the form of Hyndman's <c>tsfeatures</c>:
/// F_S = max(0, 1 − Var(remainder) / Var(seasonal + remainder)) on an additive decomposition of the
/// hourly series with a 24-hour period. Burstiness and duty cycle follow the usual trace-analysis
/// measures (coefficient of variation, peak-to-median, share of time above half the peak; e.g. Reiss
/// et al., "Heterogeneity and dynamicity of clouds at scale: Google trace analysis", SoCC 2012).
/// See <see cref="Definitions"/> for each feature.
/// </remarks>
public sealed class WorkloadFeatures
{
    internal const int CpuDaily = 0, WeekendRatio = 1, CpuCv = 2, CpuPeakToMedian = 3, CpuBurstShare = 4, CpuDuty = 5,
        CpuIdle = 6, CpuOnRunsPerDay = 7, CpuOnRunHours = 8, CpuCores = 9, MemGib = 10, MemGibPerCore = 11, MemCv = 12,
        MemGrowth = 13, MemCpuCorr = 14, ReqRate = 15, ReqDaily = 16, ReqCv = 17, CpuMsPerRequest = 18, CpuReqCorr = 19,
        LatencyMs = 20, LatencyElasticity = 21, NetKibPerRequest = 22, NetMibPerCore = 23, DiskMibPerCore = 24, DiskCv = 25;

    /// <summary>Every feature, in the order of <see cref="Values"/>.</summary>
    public static IReadOnlyList<WorkloadFeature> Definitions { get; } =
    [
        new("cpu_daily_strength", "", "Seasonal strength of hourly CPU at a 24 h period: high for user-driven web, API and microservices and for daily crons, low for steady caches and long training runs."),
        new("weekend_ratio", "", "Mean load on Saturday and Sunday (UTC) over the weekday mean, from requests or else CPU: business APIs drop at weekends, consumer web holds or rises."),
        new("cpu_cv", "", "Coefficient of variation of 5-minute CPU: burstiness; highest for on/off batch, lowest for flat caches and training."),
        new("cpu_peak_to_median", "", "99th percentile of 5-minute CPU over its median (capped at 100): batch and spiky services peak far above their typical level."),
        new("cpu_burst_share", "", "Share of 5-minute buckets 1.5x above their 3-hour moving average: time in short bursts (flash crowds, retry storms, job starts)."),
        new("cpu_duty_cycle", "", "Share of time CPU is at least half its peak: short for cron batch, near one for training and for flat services."),
        new("cpu_idle_share", "", "Share of time CPU is under a tenth of its peak: the off-time of on/off batch."),
        new("cpu_on_runs_per_day", "", "On-periods per day (on above 60% of the peak, off below 30%): the periodicity of cron-like jobs; about one for a daily cycle."),
        new("cpu_on_run_hours", "h", "Mean length of those on-periods: minutes to hours for batch, the whole history for steady load, days for training."),
        new("cpu_cores", "cores", "Mean CPU in use: small for microservices and caches, large for training and databases."),
        new("memory_gib", "GiB", "Median resident memory: large for databases, caches and models."),
        new("memory_gib_per_core", "GiB/core", "Median memory over mean CPU: very high for caches, high for databases and ML, low for web and microservices."),
        new("memory_cv", "", "Coefficient of variation of memory: caches and databases hold memory flat; batch jobs allocate and release it."),
        new("memory_growth_per_day", "1/day", "Least-squares memory slope as a share of the mean per day: leaks and cache fill-up grow, steady services stay near zero."),
        new("memory_cpu_correlation", "", "Correlation of memory with CPU: batch jobs allocate while they run; caches and databases hold memory whatever the load."),
        new("requests_per_second", "1/s", "Median request rate (0 when the series is all zero, NaN when absent): high for caches and microservices, none for batch and training."),
        new("requests_daily_strength", "", "Seasonal strength of hourly requests at 24 h: the users' day behind the traffic."),
        new("requests_cv", "", "Coefficient of variation of 5-minute requests: smooth for services with many callers."),
        new("cpu_ms_per_request", "ms", "CPU core-milliseconds per request: microseconds for caches, about a millisecond for microservices and web, tens for APIs, hundreds for ML inference."),
        new("cpu_requests_correlation", "", "Correlation of CPU with requests: request-driven services track their traffic; databases and ML add their own work."),
        new("latency_ms", "ms", "Median latency: sub-millisecond caches, milliseconds for databases and microservices, tens to hundreds for web and APIs, slowest for ML inference."),
        new("latency_load_elasticity", "", "Slope of log latency on log request rate: how latency rises with load (queueing), flat for caches."),
        new("network_kib_per_request", "KiB", "Network bytes per request: large pages for web, small payloads for APIs and caches."),
        new("network_mib_per_core", "MiB/s/core", "Network throughput per CPU core: high for caches and web, low for compute-bound ML and batch."),
        new("disk_mib_per_core", "MiB/s/core", "Disk IO per CPU core: high for databases and batch, near zero for caches and stateless services."),
        new("disk_cv", "", "Coefficient of variation of disk IO: steady for databases, periodic for snapshotting caches and batch jobs."),
    ];

    /// <summary>Number of features.</summary>
    public static int Count => Definitions.Count;

    private readonly double[] _values;

    internal WorkloadFeatures(double[] values) => _values = values;

    /// <summary>The values, in the order of <see cref="Definitions"/>; NaN where unknown.</summary>
    public IReadOnlyList<double> Values => _values;

    /// <summary>The value of the feature named <paramref name="name"/>; throws for an unknown name.</summary>
    public double this[string name]
    {
        get
        {
            for (var i = 0; i < Definitions.Count; i++)
            {
                if (Definitions[i].Name == name) return _values[i];
            }
            throw new ArgumentException($"unknown feature '{name}'", nameof(name));
        }
    }

    /// <summary>Computes the features of <paramref name="metrics"/>; false with the reason when the metrics cannot be used (<see cref="WorkloadMetrics.Validate"/>).</summary>
    public static bool TryCompute(WorkloadMetrics metrics, out WorkloadFeatures features, out string error)
    {
        features = null!;
        if (metrics.Validate() is { } problem)
        {
            error = problem;
            return false;
        }
        features = new WorkloadFeatures(Compute(metrics));
        error = "";
        return true;
    }

    private static double[] Compute(WorkloadMetrics m)
    {
        var v = new double[Count];
        Array.Fill(v, double.NaN);
        var fineSize = Math.Max(1, (int)Math.Round(TimeSpan.FromMinutes(5) / m.Step));
        var hourSize = Math.Max(1, (int)Math.Round(TimeSpan.FromHours(1) / m.Step));
        var fineHours = fineSize * m.Step.TotalHours;
        var days = m.Length * m.Step.TotalDays;

        var cpu = FeatureMath.BucketMeans(m.CpuCores, fineSize);
        var cpuHourly = FeatureMath.BucketMeans(m.CpuCores, hourSize);
        var cpuMean = FeatureMath.Mean(cpu);
        var cpuSorted = FeatureMath.Sorted(cpu);
        var cpuPeak = RobustStats.Quantile(cpuSorted, 0.99);
        var cpuMedian = RobustStats.Quantile(cpuSorted, 0.5);
        v[CpuDaily] = FeatureMath.SeasonalStrength(cpuHourly, 24);
        v[CpuCv] = FeatureMath.CoefficientOfVariation(cpu);
        v[CpuPeakToMedian] = cpuPeak > 0 ? Math.Min(100, cpuPeak / Math.Max(cpuMedian, cpuPeak / 100)) : double.NaN;
        v[CpuCores] = cpuMean;
        if (cpuPeak > 0)
        {
            var window = Math.Max(3, (int)Math.Round(3 / fineHours));
            v[CpuBurstShare] = FeatureMath.BurstShare(cpu, window, cpuPeak);
            v[CpuDuty] = Share(cpu, x => x >= 0.5 * cpuPeak);
            v[CpuIdle] = Share(cpu, x => x <= 0.1 * cpuPeak);
            var (runs, meanLength) = FeatureMath.OnRuns(cpu, cpuPeak);
            v[CpuOnRunsPerDay] = runs / days;
            v[CpuOnRunHours] = meanLength * fineHours;
        }
        var cores = Math.Max(cpuMean, 0.005);

        if (m.MemoryBytes is { } memoryBytes)
        {
            var memory = FeatureMath.BucketMeans(memoryBytes, fineSize);
            var gib = FeatureMath.Quantile(memory, 0.5) / (1 << 30);
            var memoryMean = FeatureMath.Mean(memory);
            v[MemGib] = gib;
            v[MemGibPerCore] = gib / cores;
            v[MemCv] = FeatureMath.CoefficientOfVariation(memory);
            if (memoryMean > 0) v[MemGrowth] = FeatureMath.Slope(TimeAxis(memory.Length, fineHours / 24), memory) / memoryMean;
            v[MemCpuCorr] = FeatureMath.Correlation(memory, cpu);
        }

        var weekendSource = cpuHourly;
        if (m.RequestsPerSecond is { } requestSeries)
        {
            var requests = FeatureMath.BucketMeans(requestSeries, fineSize);
            var requestMean = FeatureMath.Mean(requests);
            v[ReqRate] = FeatureMath.Quantile(requests, 0.5);
            if (requestMean > 0.01)
            {
                var requestsHourly = FeatureMath.BucketMeans(requestSeries, hourSize);
                weekendSource = requestsHourly;
                v[ReqDaily] = FeatureMath.SeasonalStrength(requestsHourly, 24);
                v[ReqCv] = FeatureMath.CoefficientOfVariation(requests);
                v[CpuMsPerRequest] = 1000 * cpuMean / requestMean;
                v[CpuReqCorr] = FeatureMath.Correlation(cpu, requests);
                if (m.LatencySeconds is { } latencySeries)
                {
                    var latency = FeatureMath.BucketMeans(latencySeries, fineSize);
                    v[LatencyElasticity] = LogLogSlope(requests, latency);
                }
                if (m.NetworkBytesPerSecond is { } networkSeries)
                    v[NetKibPerRequest] = FeatureMath.Mean(FeatureMath.BucketMeans(networkSeries, fineSize)) / 1024 / requestMean;
            }
        }
        v[WeekendRatio] = WeekendOverWeekday(weekendSource, m.Start, hourSize * m.Step);
        if (m.LatencySeconds is { } latencyOnly) v[LatencyMs] = 1000 * FeatureMath.Quantile(FeatureMath.BucketMeans(latencyOnly, fineSize), 0.5);
        if (m.NetworkBytesPerSecond is { } network)
            v[NetMibPerCore] = FeatureMath.Mean(FeatureMath.BucketMeans(network, fineSize)) / (1 << 20) / cores;
        if (m.DiskBytesPerSecond is { } diskSeries)
        {
            var disk = FeatureMath.BucketMeans(diskSeries, fineSize);
            v[DiskMibPerCore] = FeatureMath.Mean(disk) / (1 << 20) / cores;
            v[DiskCv] = FeatureMath.CoefficientOfVariation(disk);
        }
        return v;
    }

    private static double Share(ReadOnlySpan<double> x, Func<double, bool> predicate)
    {
        var count = 0;
        foreach (var value in x) if (predicate(value)) count++;
        return (double)count / x.Length;
    }

    private static double[] TimeAxis(int n, double stepDays)
    {
        var t = new double[n];
        for (var i = 0; i < n; i++) t[i] = i * stepDays;
        return t;
    }

    private static double LogLogSlope(ReadOnlySpan<double> requests, ReadOnlySpan<double> latency)
    {
        var x = new List<double>(requests.Length);
        var y = new List<double>(requests.Length);
        for (var i = 0; i < requests.Length; i++)
        {
            if (requests[i] <= 0 || !(latency[i] > 0)) continue;
            x.Add(Math.Log(requests[i]));
            y.Add(Math.Log(latency[i]));
        }
        return x.Count >= 10 ? FeatureMath.Slope(x.ToArray(), y.ToArray()) : double.NaN;
    }

    private static double WeekendOverWeekday(ReadOnlySpan<double> hourly, DateTimeOffset start, TimeSpan hour)
    {
        double weekend = 0, weekday = 0;
        int weekendCount = 0, weekdayCount = 0;
        for (var i = 0; i < hourly.Length; i++)
        {
            var day = (start + i * hour).UtcDateTime.DayOfWeek;
            if (day is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                weekend += hourly[i];
                weekendCount++;
            }
            else
            {
                weekday += hourly[i];
                weekdayCount++;
            }
        }
        if (weekendCount < 24 || weekdayCount < 24 || weekday <= 0) return double.NaN;
        return weekend / weekendCount / (weekday / weekdayCount);
    }
}
