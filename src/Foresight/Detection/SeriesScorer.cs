namespace Foresight.Detection;

/// <summary>One scored point: its score and the range it was expected in (NaN before the range has data).</summary>
public readonly record struct ScoredPoint(double Score, double ExpectedLow, double ExpectedHigh);

/// <summary>
/// Streaming scoring of one series, shared by the live pipeline and <c>foresight detect</c>: a
/// detector plus the expected range reported with anomalies. Points that are not newer than the
/// last scored one (out-of-order writes, repeated timestamps) or not finite are skipped, because
/// a streaming detector needs strictly increasing time.
/// </summary>
public sealed class SeriesScorer(IStreamingDetector detector)
{
    private readonly ExpectedRange _range = new();
    private long _last = long.MinValue;

    /// <summary>The detector.</summary>
    public IStreamingDetector Detector { get; } = detector;

    /// <summary>Scores a point; false when it is skipped.</summary>
    public bool TryScore(long timestamp, double value, out ScoredPoint scored)
    {
        if (timestamp <= _last || !double.IsFinite(value))
        {
            scored = default;
            return false;
        }
        _last = timestamp;
        var (low, high) = (_range.Low, _range.High);
        var score = Detector.Update(timestamp, value);
        _range.Update(value);
        scored = new ScoredPoint(score, low, high);
        return true;
    }
}
