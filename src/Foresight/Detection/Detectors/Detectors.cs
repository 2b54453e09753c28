namespace Foresight.Detection;

/// <summary>
/// The entry point to the streaming detectors: a fresh detector by name with the default options
/// (the ones evaluated on NAB), and a batch helper that scores a whole series.
/// </summary>
public static class Detectors
{
    /// <summary>The names <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["ensemble", "zscore", "sr", "bocpd", "forecast", "context", WindowedGaussianDetector.Name];

    /// <summary>
    /// A fresh detector: <c>zscore</c> (<see cref="SeasonalRobustZScore"/>), <c>sr</c>
    /// (<see cref="SpectralResidual"/>), <c>bocpd</c> (<see cref="Bocpd"/>), <c>forecast</c>
    /// (<see cref="ForecastResidual"/>), <c>context</c> (<see cref="ContextNovelty"/>), <c>ensemble</c> (<see cref="Ensemble"/>) or <c>windowedgaussian</c>
    /// (NAB's baseline, <see cref="WindowedGaussianDetector"/>). Names are
    /// case-insensitive; an unknown name throws <see cref="ArgumentException"/>.
    /// </summary>
    public static IStreamingDetector Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.ToLowerInvariant() switch
        {
            "zscore" => new SeasonalRobustZScore(),
            "sr" => new SpectralResidual(),
            "bocpd" => new Bocpd(),
            "forecast" => new ForecastResidual(),
            "context" => new ContextNovelty(),
            "ensemble" => new Ensemble(),
            WindowedGaussianDetector.Name => new WindowedGaussianDetector(),
            _ => throw new ArgumentException($"Unknown detector '{name}'; expected one of: {string.Join(", ", Names)}.", nameof(name)),
        };
    }

    /// <summary>A factory of fresh detectors (one per series) by name, or false for an unknown name.</summary>
    public static bool TryCreate(string name, out Func<IStreamingDetector> factory)
    {
        if (!Names.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            factory = null!;
            return false;
        }
        factory = () => Create(name);
        return true;
    }

    /// <summary>Runs <paramref name="detector"/> over a whole series, point by point, and returns one score per point.</summary>
    public static double[] ScoreAll(IStreamingDetector detector, ReadOnlySpan<long> timestamps, ReadOnlySpan<double> values)
    {
        var scores = new double[values.Length];
        ScoreAll(detector, timestamps, values, scores);
        return scores;
    }

    /// <summary>Runs <paramref name="detector"/> over a whole series and writes one score per point into <paramref name="scores"/>.</summary>
    public static void ScoreAll(IStreamingDetector detector, ReadOnlySpan<long> timestamps, ReadOnlySpan<double> values, Span<double> scores)
    {
        ArgumentNullException.ThrowIfNull(detector);
        if (timestamps.Length != values.Length || scores.Length < values.Length)
            throw new ArgumentException("timestamps and values must have the same length, and scores room for every point.");
        for (var i = 0; i < values.Length; i++) scores[i] = detector.Update(timestamps[i], values[i]);
    }
}
