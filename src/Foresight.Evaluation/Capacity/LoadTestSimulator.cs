using Foresight.Capacity;
using Foresight.Numerics;

namespace Foresight.Evaluation.Capacity;

/// <summary>Shape of the simulated service-time distribution.</summary>
public enum ServiceDistribution
{
    /// <summary>Exponential (squared coefficient of variation 1).</summary>
    Exponential,

    /// <summary>Gamma with the system's squared coefficient of variation.</summary>
    Gamma,

    /// <summary>Lognormal with the system's squared coefficient of variation (a heavier tail than gamma).</summary>
    Lognormal,
}

/// <summary>A simulated service: c servers, a service-time distribution, a fixed overhead. Times in seconds.</summary>
/// <param name="Servers">c ≥ 1.</param>
/// <param name="MeanServiceTime">E[S] &gt; 0, seconds.</param>
/// <param name="ServiceScv">Var[S]/E[S]² (forced to 1 for <see cref="ServiceDistribution.Exponential"/>).</param>
/// <param name="Distribution">The service-time family.</param>
/// <param name="Overhead">Fixed seconds added to each response.</param>
public sealed record SimulatedSystem(int Servers, double MeanServiceTime, double ServiceScv, ServiceDistribution Distribution, double Overhead)
{
    /// <summary>cμ = c / E[S], requests per second where the system saturates.</summary>
    public double Knee => Servers / MeanServiceTime;
}

/// <summary>What a load test measured at one load level.</summary>
/// <param name="OfferedRate">The rate the generator aimed at, requests/s.</param>
/// <param name="Throughput">Completed requests over the measured window, requests/s.</param>
/// <param name="Mean">Mean latency, s.</param>
/// <param name="P95">95th percentile latency, s.</param>
/// <param name="P99">99th percentile latency, s.</param>
/// <param name="Requests">Requests measured.</param>
public sealed record LoadLevel(double OfferedRate, double Throughput, double Mean, double P95, double P99, int Requests);

/// <summary>
/// Discrete-event simulation of a G/G/c first-come-first-served queue driven by Poisson arrivals: each
/// arrival takes the server that frees first (start = max(arrival, free time), the Kiefer–Wolfowitz
/// recursion), so a run of n requests costs O(n log c). The queue starts empty; the first 5% of requests
/// are a warm-up and are not measured. All randomness comes from the caller's <see cref="Random"/>.
/// </summary>
public static class LoadTestSimulator
{
    /// <summary>Runs <paramref name="requests"/> measured requests at <paramref name="arrivalRate"/> and summarises their latencies.</summary>
    /// <param name="system">The service.</param>
    /// <param name="arrivalRate">λ &gt; 0, requests/s (may exceed the knee; the queue then grows through the run).</param>
    /// <param name="requests">Measured requests (≥ 100).</param>
    /// <param name="random">The source of randomness.</param>
    /// <param name="measurementNoise">Standard deviation of a multiplicative lognormal error applied to each reported latency statistic (0 for none).</param>
    public static LoadLevel Run(SimulatedSystem system, double arrivalRate, int requests, Random random, double measurementNoise = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(requests, 100);
        if (!(arrivalRate > 0)) throw new ArgumentOutOfRangeException(nameof(arrivalRate), arrivalRate, "the arrival rate must be positive");
        var latencies = Latencies(system, arrivalRate, requests, random, out var window);
        var sum = 0.0;
        foreach (var l in latencies) sum += l;
        Array.Sort(latencies);
        return new LoadLevel(arrivalRate, requests / window,
            sum / requests * Noise(random, measurementNoise),
            RobustStats.Quantile(latencies, 0.95) * Noise(random, measurementNoise),
            RobustStats.Quantile(latencies, 0.99) * Noise(random, measurementNoise),
            requests);
    }

    /// <summary>The measured requests' latencies, in arrival order; <paramref name="window"/> is the span of their arrivals, s.</summary>
    internal static double[] Latencies(SimulatedSystem system, double arrivalRate, int requests, Random random, out double window)
    {
        var warmUp = requests / 19;   // 5% of the total
        var free = new PriorityQueue<double, double>(system.Servers);
        for (var i = 0; i < system.Servers; i++) free.Enqueue(0, 0);
        var latencies = new double[requests];
        double clock = 0, firstMeasured = 0;
        for (var i = 0; i < warmUp + requests; i++)
        {
            clock += -Math.Log(1 - random.NextDouble()) / arrivalRate;
            var start = Math.Max(clock, free.Peek());
            var finish = start + ServiceTime(system, random);
            free.EnqueueDequeue(finish, finish);
            if (i == warmUp) firstMeasured = clock;
            if (i >= warmUp) latencies[i - warmUp] = finish - clock + system.Overhead;
        }
        window = Math.Max(clock - firstMeasured, 1e-12);
        return latencies;
    }

    private static double ServiceTime(SimulatedSystem system, Random random)
    {
        var mean = system.MeanServiceTime;
        switch (system.Distribution)
        {
            case ServiceDistribution.Exponential:
                return -mean * Math.Log(1 - random.NextDouble());
            case ServiceDistribution.Gamma:
                var shape = 1 / system.ServiceScv;
                return Gamma(shape, random) * mean / shape;
            default:
                var s2 = Math.Log(1 + system.ServiceScv);
                return mean * Math.Exp(-s2 / 2 + Math.Sqrt(s2) * Normal(random));
        }
    }

    /// <summary>A Gamma(shape, 1) draw by Marsaglia &amp; Tsang (ACM TOMS 26, 2000), with the U^{1/k} boost below shape 1.</summary>
    private static double Gamma(double shape, Random random)
    {
        if (shape < 1) return Gamma(shape + 1, random) * Math.Pow(1 - random.NextDouble(), 1 / shape);
        var d = shape - 1.0 / 3;
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = Normal(random);
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            var u = 1 - random.NextDouble();
            if (Math.Log(u) < 0.5 * x * x + d - d * v + d * Math.Log(v)) return d * v;
        }
    }

    /// <summary>A standard normal draw (Box–Muller).</summary>
    internal static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static double Noise(Random random, double sd) => sd > 0 ? Math.Exp(sd * Normal(random)) : 1;
}
