using BenchmarkDotNet.Attributes;
using Foresight.Forecasting;

namespace Foresight.Benchmarks;

/// <summary>
/// The theta family on a 900-point hourly series (m = 24, multiplicative daily cycle on a slow trend
/// with 3% noise): seasonality test, decomposition, estimation and a 48-step forecast. AutoTheta fits
/// all four variants; StandardTheta is the single cheapest member.
/// </summary>
[MemoryDiagnoser]
public class ThetaBenchmarks
{
    private const int N = 900;
    private static readonly int[] Seasons = [24];
    private readonly AutoTheta _auto = new();
    private readonly StandardTheta _standard = new();
    private readonly DynamicOptimizedTheta _dotm = new();
    private double[] _series = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        _series = new double[N];
        for (var t = 0; t < N; t++)
        {
            var season = 1 + 0.3 * Math.Sin(2 * Math.PI * t / 24) + 0.1 * Math.Cos(4 * Math.PI * t / 24);
            _series[t] = (500 + 0.2 * t) * season * (1 + 0.03 * (rng.NextDouble() - 0.5));
        }
    }

    [Benchmark(Baseline = true)]
    public double[] AutoTheta() => _auto.Forecast(_series, 48, Seasons).Mean;

    [Benchmark]
    public double[] StandardTheta() => _standard.Forecast(_series, 48, Seasons).Mean;

    [Benchmark]
    public double[] DynamicOptimizedTheta() => _dotm.Forecast(_series, 48, Seasons).Mean;
}
