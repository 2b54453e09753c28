using Foresight.Series;

namespace Foresight.Detection;

/// <summary>How live detection treats a series.</summary>
public enum ScoreAs
{
    /// <summary>Not scored (its points are stored, never fed to a detector).</summary>
    Skip,

    /// <summary>Each point's value is scored (a gauge).</summary>
    Value,

    /// <summary>The per-second rate between consecutive points is scored (a counter), a drop counting as a reset.</summary>
    Rate,
}

/// <summary>
/// Which series live detection scores, and how. Without <see cref="Score"/> selectors every series is
/// scored except what an operator would not want alerted on: histogram buckets (<c>*_bucket</c>, and
/// any series with an <c>le</c> label), summary quantiles (a <c>quantile</c> label), info metrics
/// (<c>*_info</c>, <c>target_info</c>), creation timestamps (<c>*_created</c>) and the detector's own
/// score series. With <see cref="Score"/> selectors only the series matching one of them are scored.
/// A series matching a <see cref="Skip"/> selector is never scored. Counters are scored as per-second
/// rates, the way Prometheus' <c>rate()</c> reads them: by name, <c>*_total</c>, <c>*_count</c> and
/// <c>*_sum</c> (the Prometheus and OpenMetrics counter suffixes, which OTLP monotonic sums also get
/// from the translator unless <c>add_total_suffix</c> is off), and any series matching a <see cref="Rate"/>
/// selector. Decisions use only the series' identity, so they are made once per series.
/// </summary>
public sealed class ScoringPolicy
{
    /// <summary>Series to score; empty: all but the default exclusions.</summary>
    public IReadOnlyList<SeriesSelector> Score { get; init; } = [];

    /// <summary>Series never to score (applied after <see cref="Score"/>).</summary>
    public IReadOnlyList<SeriesSelector> Skip { get; init; } = [];

    /// <summary>Further series to score as rates (counters whose name does not say so).</summary>
    public IReadOnlyList<SeriesSelector> Rate { get; init; } = [];

    /// <summary>How <paramref name="metric"/>{<paramref name="labels"/>} is scored; <paramref name="scoreMetric"/> (the score series' name) is always skipped.</summary>
    public ScoreAs Decide(string metric, Labels labels, string scoreMetric)
    {
        if (metric == scoreMetric) return ScoreAs.Skip;
        if (Score.Count > 0 ? !Any(Score, metric, labels) : IsExcludedByDefault(metric, labels)) return ScoreAs.Skip;
        if (Any(Skip, metric, labels)) return ScoreAs.Skip;
        return IsCounterName(metric) || Any(Rate, metric, labels) ? ScoreAs.Rate : ScoreAs.Value;
    }

    /// <summary>True for the series the default policy does not score (buckets, quantiles, info metrics, <c>*_created</c>).</summary>
    public static bool IsExcludedByDefault(string metric, Labels labels) =>
        metric.EndsWith("_bucket", StringComparison.Ordinal) || labels.Get("le") is not null || labels.Get("quantile") is not null
        || metric.EndsWith("_info", StringComparison.Ordinal) || metric == "target_info" || metric.EndsWith("_created", StringComparison.Ordinal);

    /// <summary>True for the Prometheus counter suffixes: <c>_total</c>, and a histogram's or summary's <c>_count</c> and <c>_sum</c>.</summary>
    public static bool IsCounterName(string metric) =>
        metric.EndsWith("_total", StringComparison.Ordinal) || metric.EndsWith("_count", StringComparison.Ordinal) || metric.EndsWith("_sum", StringComparison.Ordinal);

    private static bool Any(IReadOnlyList<SeriesSelector> selectors, string metric, Labels labels)
    {
        foreach (var s in selectors)
        {
            if (s.Matches(metric, labels)) return true;
        }
        return false;
    }
}

/// <summary>
/// The per-second rate of a counter from consecutive samples, as Prometheus' <c>rate()</c> reads a
/// counter: a value below the previous one is a reset, after which the counter counted up from 0, so
/// the increase is the new value itself. The first sample only seeds it; a sample not newer than the
/// previous one, or not finite, is ignored. O(1) state: the previous sample.
/// </summary>
public struct CounterRate
{
    private long _timestamp;
    private double _value;
    private bool _seeded;

    /// <summary>The rate ending at this sample; false for the first sample and ignored ones.</summary>
    public bool TryNext(long timestamp, double value, out double rate)
    {
        rate = 0;
        if (!double.IsFinite(value) || (_seeded && timestamp <= _timestamp)) return false;
        var had = _seeded;
        var (previousTs, previous) = (_timestamp, _value);
        (_timestamp, _value, _seeded) = (timestamp, value, true);
        if (!had) return false;
        var increase = value >= previous ? value - previous : value;
        rate = increase / ((timestamp - previousTs) / 1000.0);
        return true;
    }
}
