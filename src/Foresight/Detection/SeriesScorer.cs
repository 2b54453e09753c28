using Foresight.Detection.State;

namespace Foresight.Detection;

/// <summary>One scored point: its score and the range it was expected in (NaN before the range has data).</summary>
public readonly record struct ScoredPoint(double Score, double ExpectedLow, double ExpectedHigh);

/// <summary>
/// Streaming scoring of one series, shared by the live pipeline and <c>foresight detect</c>: a
/// detector plus the expected range reported with anomalies. Points that are not newer than the
/// last scored one (out-of-order writes, repeated timestamps) or not finite are skipped, because
/// a streaming detector needs strictly increasing time. Its state, the detector's included, can be
/// saved and restored (<see cref="DetectorSnapshot"/>) when the detector is an <see cref="IRestorableState"/>.
/// </summary>
public sealed class SeriesScorer(IStreamingDetector detector) : IRestorableState
{
    private readonly ExpectedRange _range = new();
    private long _last = long.MinValue;

    /// <summary>The detector.</summary>
    public IStreamingDetector Detector { get; } = detector;

    /// <summary>The timestamp of the last scored point, <see cref="long.MinValue"/> before the first.</summary>
    public long LastScored => _last;

    /// <summary>Whether <see cref="WriteState"/> can save the detector.</summary>
    public bool CanSave => Detector is IRestorableState;

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

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">The detector's state cannot be saved (<see cref="CanSave"/> is false).</exception>
    public void WriteState(BinaryWriter writer)
    {
        var detector = StateIo.Restorable(Detector);
        writer.WriteTag("scorer");
        writer.Write(_last);
        _range.WriteState(writer);
        detector.WriteState(writer);
    }

    /// <inheritdoc />
    public void ReadState(BinaryReader reader)
    {
        var detector = StateIo.Restorable(Detector);
        reader.ExpectTag("scorer");
        _last = reader.ReadInt64();
        _range.ReadState(reader);
        detector.ReadState(reader);
    }
}
