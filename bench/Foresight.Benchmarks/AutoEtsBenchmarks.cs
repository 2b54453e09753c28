using BenchmarkDotNet.Attributes;
using Foresight.Forecasting;

namespace Foresight.Benchmarks;

/// <summary>
/// AutoEts fit + 48-step forecast on a 900-point synthetic hourly series (daily m = 24 cycle, slow
/// trend, Gaussian noise): all 15 candidates with seasonality, and the 6 non-seasonal candidates on
/// the same series with its additive seasonal figure removed (the MSTL path).
/// </summary>
[MemoryDiagnoser]
public class AutoEtsBenchmarks
{
    private const int N = 900;
    private const int Period = 24;
    private readonly AutoEts _model = new();
    private double[] _hourly = [];
    private double[] _adjusted = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        _hourly = new double[N];
        for (var t = 0; t < N; t++)
        {
            var noise = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            _hourly[t] = 200 + 0.05 * t + 40 * Math.Sin(2 * Math.PI * t / Period) + 10 * Math.Cos(4 * Math.PI * t / Period) + 5 * noise;
        }
        var figure = new double[Period];
        for (var t = 0; t < N; t++) figure[t % Period] += _hourly[t] / (N / Period);
        var mean = figure.Average();
        _adjusted = new double[N];
        for (var t = 0; t < N; t++) _adjusted[t] = _hourly[t] - (figure[t % Period] - mean);
        Console.WriteLine($"// seasonal: {_model.Fit(_hourly, Period)}; adjusted: {_model.Fit(_adjusted)}");
    }

    [Benchmark]
    public double[] Seasonal() => _model.Forecast(_hourly, 48, [Period]).Mean;

    [Benchmark]
    public double[] NonSeasonalAdjusted() => _model.Forecast(_adjusted, 48, []).Mean;
}
