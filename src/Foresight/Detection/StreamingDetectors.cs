namespace Foresight.Detection;

/// <summary>The streaming detectors by name, as the CLI and the evaluation commands refer to them.</summary>
public static class StreamingDetectors
{
    /// <summary>Every name <see cref="TryCreate"/> knows.</summary>
    public static IReadOnlyList<string> Names { get; } = [WindowedGaussianDetector.Name];

    /// <summary>Gets a factory of fresh detectors (one per series) by name, or returns false.</summary>
    public static bool TryCreate(string name, out Func<IStreamingDetector> factory)
    {
        factory = name switch
        {
            WindowedGaussianDetector.Name => () => new WindowedGaussianDetector(),
            _ => null!,
        };
        return factory is not null;
    }
}
