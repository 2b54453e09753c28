using Foresight.Capacity;

namespace Foresight.Evaluation.Capacity;

/// <summary>Settings of <see cref="LatencyEvaluation"/> (<c>foresight eval latency</c>).</summary>
public sealed record LatencyEvaluationOptions
{
    /// <summary>Load-test levels the model is fitted on, as shares of the true knee cμ. Default 0.05, 0.10, ..., 0.50.</summary>
    public IReadOnlyList<double> FitLevels { get; init; } = Enumerable.Range(1, 10).Select(i => i * 0.05).ToArray();

    /// <summary>Unseen levels where predictions are scored, as shares of the knee. Default 0.55, 0.60, ..., 0.80.</summary>
    public IReadOnlyList<double> TestLevels { get; init; } = Enumerable.Range(11, 6).Select(i => i * 0.05).ToArray();

    /// <summary>Measured requests per load-test level. Default 20 000.</summary>
    public int RequestsPerLevel { get; init; } = 20_000;

    /// <summary>Requests behind each "true" latency at a test level. Default 400 000.</summary>
    public int TruthRequests { get; init; } = 400_000;

    /// <summary>Multiplicative lognormal measurement noise (standard deviation of the log) on every load-test statistic. Default 0.02.</summary>
    public double MeasurementNoise { get; init; } = 0.02;

    /// <summary>Settings of the fit.</summary>
    public LatencyFitOptions Fit { get; init; } = new() { BootstrapResamples = 0 };
}

/// <summary>Prediction against truth at one unseen load.</summary>
/// <param name="Share">Load as a share of the true knee.</param>
/// <param name="ArrivalRate">Requests/s.</param>
/// <param name="Truth">Mean, p95, p99 of the long simulation, s.</param>
/// <param name="Predicted">The fitted model's mean, p95, p99, s.</param>
/// <param name="LastObservedP99">Baseline: p99 at the highest load-test level.</param>
/// <param name="LinearP99">Baseline: least-squares line of p99 against load over the load test, extrapolated.</param>
public sealed record LatencyCheck(double Share, double ArrivalRate, LatencyTriple Truth, LatencyTriple Predicted, double LastObservedP99, double LinearP99);

/// <summary>Mean, p95 and p99 latency.</summary>
public readonly record struct LatencyTriple(double Mean, double P95, double P99);

/// <summary>One seed's system, its fit and its checks.</summary>
public sealed record LatencySeedOutcome(int Seed, SimulatedSystem System, string? Model, string? Error, IReadOnlyList<LatencyCheck> Checks);

/// <summary>
/// The evaluation behind <c>foresight eval latency</c>: for each seed, draws a service (c in 1..16,
/// mean service time 5–200 ms log-uniform, service distribution exponential, gamma or lognormal with cs² in
/// 0.3–2, a fixed overhead of 0 or 1–20 ms), simulates a load test at <see cref="LatencyEvaluationOptions.FitLevels"/>
/// of its knee with simulation and measurement noise, fits a <see cref="LatencyModel"/> on it, and scores the
/// predicted latency at the unseen <see cref="LatencyEvaluationOptions.TestLevels"/> against long simulations.
/// </summary>
public static class LatencyEvaluation
{
    /// <summary>The service a seed stands for.</summary>
    public static SimulatedSystem DrawSystem(int seed)
    {
        var random = new Random(seed);
        var servers = random.Next(1, 17);
        var meanService = 0.005 * Math.Pow(40, random.NextDouble());
        var distribution = (ServiceDistribution)random.Next(3);
        var scv = distribution == ServiceDistribution.Exponential ? 1 : 0.3 + 1.7 * random.NextDouble();
        var overhead = random.NextDouble() < 0.5 ? 0 : 0.001 + 0.019 * random.NextDouble();
        return new SimulatedSystem(servers, meanService, scv, distribution, overhead);
    }

    /// <summary>Runs one seed: its load test, the fit and the scored predictions.</summary>
    public static LatencySeedOutcome RunSeed(int seed, LatencyEvaluationOptions options)
    {
        var system = DrawSystem(seed);
        var random = new Random(unchecked(seed * 7919 + 1));
        var levels = options.FitLevels.Select(s => LoadTestSimulator.Run(system, s * system.Knee, options.RequestsPerLevel, random, options.MeasurementNoise)).ToArray();
        var observations = levels.Select(l => new LatencyObservation(l.Throughput, l.Mean, l.P95, l.P99)).ToArray();
        if (!LatencyModel.TryFit(observations, out var model, out var error, options.Fit))
            return new LatencySeedOutcome(seed, system, null, error, []);

        var last = levels[^1];
        var (slope, intercept) = Line(levels.Select(l => l.Throughput).ToArray(), levels.Select(l => l.P99).ToArray());
        var truthRandom = new Random(unchecked(seed * 104729 + 2));
        var checks = new List<LatencyCheck>();
        foreach (var share in options.TestLevels)
        {
            var rate = share * system.Knee;
            var truth = LoadTestSimulator.Run(system, rate, options.TruthRequests, truthRandom);
            var predicted = model!.Queue;
            checks.Add(new LatencyCheck(share, rate,
                new LatencyTriple(truth.Mean, truth.P95, truth.P99),
                new LatencyTriple(predicted.MeanResponse(rate), predicted.ResponseQuantile(rate, 0.95), predicted.ResponseQuantile(rate, 0.99)),
                last.P99, intercept + slope * rate));
        }
        return new LatencySeedOutcome(seed, system, model!.ToString(), null, checks);
    }

    /// <summary>Mean absolute percentage error, in percent, of <paramref name="predicted"/> against <paramref name="truth"/> over the checks.</summary>
    public static double Mape(IEnumerable<LatencyCheck> checks, Func<LatencyCheck, double> predicted, Func<LatencyCheck, double> truth)
    {
        var errors = checks.Select(c => Math.Abs(predicted(c) - truth(c)) / truth(c)).ToList();
        return errors.Count == 0 ? double.NaN : 100 * errors.Average();
    }

    private static (double Slope, double Intercept) Line(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0;
        for (var i = 0; i < x.Length; i++) { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) * (x[i] - mx); }
        var slope = sxx > 0 ? sxy / sxx : 0;
        return (slope, my - slope * mx);
    }
}
