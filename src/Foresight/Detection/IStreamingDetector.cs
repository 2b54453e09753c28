namespace Foresight.Detection;

/// <summary>
/// A streaming anomaly detector for one series: each point is scored when it arrives, with no
/// look-ahead, in constant time and bounded memory. A plug-in point: detectors and the ensemble
/// implement it, the evaluation and the live pipeline drive it.
/// </summary>
public interface IStreamingDetector
{
    /// <summary>
    /// Consumes the next point (timestamps strictly increasing) and returns its anomaly score in
    /// [0, 1]: 0 for normal, values near 1 for points the detector is sure are anomalous. During
    /// its warm-up a detector returns 0.
    /// </summary>
    double Update(long timestamp, double value);
}
