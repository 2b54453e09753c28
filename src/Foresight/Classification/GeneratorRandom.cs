namespace Foresight.Classification;

/// <summary>Seeded draws for <see cref="WorkloadGenerator"/>: uniform, log-uniform, Gaussian, Poisson and AR(1) noise.</summary>
internal sealed class GeneratorRandom(int seed)
{
    private readonly Random _random = new(seed);

    public double Uniform(double low, double high) => low + (high - low) * _random.NextDouble();

    /// <summary>Log-uniform: every decade between the bounds is as likely.</summary>
    public double LogUniform(double low, double high) => Math.Exp(Uniform(Math.Log(low), Math.Log(high)));

    public bool Chance(double p) => _random.NextDouble() < p;

    public int Int(int low, int highExclusive) => _random.Next(low, highExclusive);

    public T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    public double Normal()
    {
        var u1 = 1 - _random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * _random.NextDouble());
    }

    public int Poisson(double mean)
    {
        var limit = Math.Exp(-mean);
        var k = 0;
        for (var p = _random.NextDouble(); p > limit; p *= _random.NextDouble()) k++;
        return k;
    }

    /// <summary>
    /// A stationary AR(1) path with marginal standard deviation <paramref name="sigma"/> and time
    /// constant <paramref name="tauHours"/>, sampled every <paramref name="stepHours"/> (so its
    /// variance does not depend on the step).
    /// </summary>
    public double[] Ar1(int n, double stepHours, double sigma, double tauHours)
    {
        var phi = Math.Exp(-stepHours / tauHours);
        var innovation = sigma * Math.Sqrt(1 - phi * phi);
        var path = new double[n];
        var x = sigma * Normal();
        for (var i = 0; i < n; i++)
        {
            x = phi * x + innovation * Normal();
            path[i] = x;
        }
        return path;
    }
}
