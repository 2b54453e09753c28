using BenchmarkDotNet.Attributes;
using Foresight.Forecasting;

namespace Foresight.Benchmarks;

/// <summary>
/// MSTL with periods 24 and 168 on 960 hourly points (40 days, the M4 Hourly training length):
/// two iterations of two STL fits with R's default windows and jumps. Stl alone shows the cost of
/// one fit; the forecaster adds the naive inner model and the seasonal continuation.
/// </summary>
[MemoryDiagnoser]
public class MstlBenchmarks
{
    private const int N = 960;
    private static readonly int[] Periods = [24, 168];
    private readonly MstlForecaster _forecaster = new(new SeasonalNaive());
    private double[] _y = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        _y = new double[N];
        for (var t = 0; t < N; t++)
        {
            _y[t] = 100 + 0.02 * t + 10 * Math.Sin(2 * Math.PI * t / 24) + 6 * Math.Sin(2 * Math.PI * t / 168 + 0.7) + (rng.NextDouble() - 0.5) * 4;
        }
    }

    [Benchmark(Baseline = true)]
    public MstlResult Mstl24x168() => Mstl.Decompose(_y, Periods);

    [Benchmark]
    public StlResult Stl24() => Stl.Decompose(_y, 24, new StlOptions { SeasonalWindow = 11 });

    [Benchmark]
    public MstlResult RobustMstl24x168() => Mstl.Decompose(_y, Periods, new MstlOptions { Robust = true });

    [Benchmark]
    public ModelForecast MstlNaiveForecast48() => _forecaster.Forecast(_y, 48, Periods);
}
