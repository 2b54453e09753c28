namespace Foresight.Detection;

/// <summary>
/// A streaming anomaly detector: it sees one point at a time, in time order, and answers at once
/// how anomalous that point is given everything before it. This is the setting of the Numenta
/// Anomaly Benchmark (Lavin &amp; Ahmad, ICMLA 2015; Ahmad et al., Neurocomputing 2017): no look-ahead,
/// no second pass, and the first points of a series are the detector's warm-up.
/// </summary>
/// <remarks>An instance holds the state of one series; make one per series.</remarks>
public interface IStreamingDetector
{
    /// <summary>Takes the next point and returns its anomaly score in [0, 1] (1 = certainly anomalous).</summary>
    /// <param name="timestamp">Unix milliseconds, non-decreasing from call to call.</param>
    /// <param name="value">The observed value (finite).</param>
    double Update(long timestamp, double value);
}
