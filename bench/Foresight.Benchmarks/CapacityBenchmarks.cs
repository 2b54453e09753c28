using BenchmarkDotNet.Attributes;
using Foresight.Capacity;
using Foresight.Cost;
using Foresight.RightSizing;

namespace Foresight.Benchmarks;

/// <summary>
/// The hot paths of right-sizing and capacity: a day of 15-second usage samples into the VPA-style
/// recommender (what the server does per workload per request, for 14 days), the latency-against-load
/// fit on 24 load bins with and without its bootstrap (what <c>GET /api/v1/capacity</c> runs), the
/// Universal Scalability Law fit on the 32-point Cisco data, and instance packing of 60 workloads
/// (180 replicas) onto the built-in catalog's AWS types.
/// </summary>
[MemoryDiagnoser]
public class CapacityBenchmarks
{
    private const long T0 = 1_736_121_600_000;
    private UsageSample[] _day = [];
    private LatencyObservation[] _bins = [];
    private double[] _concurrency = [];
    private double[] _throughput = [];
    private List<WorkloadDemand> _fleet = [];
    private InstanceCatalog _aws = InstanceCatalog.Default;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(7);
        _day = new UsageSample[5760];
        for (var i = 0; i < _day.Length; i++)
        {
            var daily = 1 + 0.5 * Math.Sin(2 * Math.PI * i / 5760);
            _day[i] = new UsageSample(T0 + i * 15_000L, 0.8 * daily * (1 + 0.1 * rng.NextDouble()), 6e8 * (1 + 0.05 * rng.NextDouble()));
        }
        // An M/M/2 service (10 ms) measured at 24 loads up to 60% of saturation, p95 with 3% noise.
        var queue = new QueueModel { Servers = 2, ServiceRate = 100 };
        _bins = Enumerable.Range(1, 24).Select(k =>
        {
            var rate = 120.0 * k / 24;
            return new LatencyObservation(rate, double.NaN, P95: queue.ResponseQuantile(rate, 0.95) * (1 + 0.03 * (rng.NextDouble() - 0.5)));
        }).ToArray();
        _throughput =
        [
            955.16, 1878.91, 2688.01, 3548.68, 4315.54, 5130.43, 5931.37, 6531.08, 7219.8, 7867.61, 8278.71, 8646.7,
            9047.84, 9426.55, 9645.37, 9897.24, 10097.6, 10240.5, 10532.39, 10798.52, 11151.43, 11518.63, 11806, 12089.37,
            12075.41, 12177.29, 12211.41, 12158.93, 12155.27, 12118.04, 12140.4, 12074.39,
        ];
        _concurrency = Enumerable.Range(1, 32).Select(n => (double)n).ToArray();
        _fleet = Enumerable.Range(0, 60).Select(i => new WorkloadDemand($"w{i}", 0.1 + 1.9 * rng.NextDouble(), (0.25 + 7.75 * rng.NextDouble()) * (1L << 30), 3, AntiAffinity: true)).ToList();
        _aws = InstanceCatalog.Default.ForProvider("aws");
    }

    [Benchmark]
    public double RightSizingDay()
    {
        var recommender = new RightSizingRecommender();
        foreach (var sample in _day) recommender.AddSample(sample, 2);
        recommender.TryRecommend("w", RightSizingStrategies.Balanced, out var recommendation, out _);
        return recommendation.Cpu.Target;
    }

    [Benchmark]
    public double LatencyFit() =>
        LatencyModel.TryFit(_bins, out var model, out _, new LatencyFitOptions { BootstrapResamples = 0 }) ? model!.SaturationLoad : double.NaN;

    [Benchmark]
    public double LatencyFitWithBootstrap() =>
        LatencyModel.TryFit(_bins, out var model, out _, new LatencyFitOptions { BootstrapResamples = 20 }) ? model!.SaturationLoad : double.NaN;

    [Benchmark]
    public double UslFit() => UniversalScalabilityLaw.TryFit(_concurrency, _throughput, out var model, out _) ? model!.Lambda.Value : double.NaN;

    [Benchmark]
    public double PackFleet() => InstancePacker.TryPack(_fleet, _aws, null, out var result, out _) ? result.CostPerHour : double.NaN;
}
