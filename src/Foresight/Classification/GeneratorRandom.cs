namespace Foresight.Classification;

/// <summary>Seeded draws for <see cref="WorkloadGenerator"/>: uniform, log-uniform, Gaussian, Poisson and AR(1) noise.</summary>
internal sealed class GeneratorRandom
{
    // xoshiro256** (Blackman & Vigna), seeded through SplitMix64: fast and identical on every platform.
    private ulong _s0, _s1, _s2, _s3;
    private double _spareNormal = double.NaN;

    public GeneratorRandom(int seed)
    {
        var z = (ulong)(uint)seed;
        _s0 = SplitMix(ref z);
        _s1 = SplitMix(ref z);
        _s2 = SplitMix(ref z);
        _s3 = SplitMix(ref z);
    }

    private static ulong SplitMix(ref ulong z)
    {
        var x = z += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    private ulong Next()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    private double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Log-uniform: every decade between the bounds is as likely.</summary>
    public double LogUniform(double low, double high) => Math.Exp(Uniform(Math.Log(low), Math.Log(high)));

    public bool Chance(double p) => NextDouble() < p;

    public int Int(int low, int highExclusive) => low + (int)(NextDouble() * (highExclusive - low));

    public T Pick<T>(IReadOnlyList<T> items) => items[Int(0, items.Count)];

    /// <summary>Standard normal by Box-Muller, both values of each pair used.</summary>
    public double Normal()
    {
        if (!double.IsNaN(_spareNormal))
        {
            var spare = _spareNormal;
            _spareNormal = double.NaN;
            return spare;
        }
        var radius = Math.Sqrt(-2 * Math.Log(1 - NextDouble()));
        var (sin, cos) = Math.SinCos(2 * Math.PI * NextDouble());
        _spareNormal = radius * sin;
        return radius * cos;
    }

    public int Poisson(double mean)
    {
        var limit = Math.Exp(-mean);
        var k = 0;
        for (var p = NextDouble(); p > limit; p *= NextDouble()) k++;
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
