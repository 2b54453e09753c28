namespace Foresight.RightSizing;

/// <summary>
/// A histogram over <see cref="ExponentialBuckets"/> whose samples lose half their weight every
/// <see cref="HalfLife"/>, so a percentile describes recent usage more than old usage without
/// keeping any sample. <see cref="AddSample"/>, <see cref="SubtractSample"/> and
/// <see cref="TotalWeightAt"/> are O(1); <see cref="Percentile"/> is O(buckets).
/// </summary>
/// <remarks>
/// <para>
/// Follows the Kubernetes Vertical Pod Autoscaler recommender (<c>decaying_histogram.go</c> and
/// <c>histogram.go</c> in <c>vertical-pod-autoscaler/pkg/recommender/util</c>; design in the VPA
/// proposal, <c>community/contributors/design-proposals/autoscaling/vertical-pod-autoscaler.md</c>,
/// "Recommendation model"). Rather than shrinking every stored weight as time passes, a sample at time
/// <c>t</c> is stored with weight <c>w × 2^((t − reference) / halfLife)</c>: newer samples are added
/// heavier, which gives the same ratios between samples as decaying the old ones. When a sample arrives
/// more than 100 half-lives after the reference, the reference moves forward to that sample's time
/// (rounded to a multiple of the half-life) and every weight is multiplied by the matching power of two,
/// an exact operation in floating point, so weights never overflow and percentiles do not change.
/// Buckets whose weight falls below <see cref="Epsilon"/> count as empty (they are then far older than
/// anything recent).
/// </para>
/// <para>
/// <see cref="Percentile"/> walks the buckets from the smallest value and returns the <em>end</em> of
/// the bucket where the cumulative weight first reaches <c>p × total</c> (the start of the last bucket
/// if that is the one), as VPA does: an estimate up to one bucket (5% with the default schemes) above the
/// exact weighted percentile, never below it. An empty histogram returns <see cref="double.NaN"/>
/// (VPA returns 0; NaN cannot be mistaken for a recommendation).
/// </para>
/// </remarks>
public sealed class DecayingHistogram
{
    /// <summary>Weight below which a bucket counts as empty: VPA's 0.001 × its minimum sample weight of 0.1.</summary>
    public const double Epsilon = 1e-4;

    /// <summary>How many half-lives the newest sample may be ahead of the reference before the weights are renormalised.</summary>
    private const int MaxDecayExponent = 100;

    private readonly double[] _weights;
    private readonly long _halfLifeMs;
    private double _total;
    private int _min;
    private int _max;
    private long? _referenceMs;

    /// <summary>Creates an empty histogram.</summary>
    /// <param name="buckets">The bucket scheme (<see cref="ExponentialBuckets.Cpu"/> or <see cref="ExponentialBuckets.Memory"/> for the VPA's).</param>
    /// <param name="halfLife">Age at which a sample weighs half as much as a new one; at least 1 ms. VPA uses 24 h for both CPU and memory.</param>
    public DecayingHistogram(ExponentialBuckets buckets, TimeSpan halfLife)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        if (halfLife < TimeSpan.FromMilliseconds(1)) throw new ArgumentOutOfRangeException(nameof(halfLife), halfLife, "must be at least 1 ms");
        Buckets = buckets;
        HalfLife = halfLife;
        _halfLifeMs = (long)halfLife.TotalMilliseconds;
        _weights = new double[buckets.Count];
        _min = buckets.Count - 1;
        _max = 0;
    }

    /// <summary>The bucket scheme.</summary>
    public ExponentialBuckets Buckets { get; }

    /// <summary>The decay half-life.</summary>
    public TimeSpan HalfLife { get; }

    /// <summary>True when no bucket holds at least <see cref="Epsilon"/> of weight.</summary>
    public bool IsEmpty => _weights[_min] < Epsilon;

    /// <summary>The time (Unix ms) at which a stored weight equals the sample's own weight; null before the first sample.</summary>
    internal long? ReferenceMs => _referenceMs;

    /// <summary>Adds <paramref name="value"/> (finite, 0 or more) with weight <paramref name="weight"/> (finite, 0 or more) observed at <paramref name="timeMs"/> (Unix ms).</summary>
    public void AddSample(double value, double weight, long timeMs)
    {
        CheckSample(value, weight);
        var bucket = Buckets.Find(value);
        var stored = weight * DecayFactor(timeMs);
        _weights[bucket] += stored;
        _total += stored;
        if (_weights[bucket] >= Epsilon)
        {
            _min = Math.Min(_min, bucket);
            _max = Math.Max(_max, bucket);
        }
    }

    /// <summary>
    /// Removes a sample added earlier with the same value, weight and time (the memory recommender
    /// replaces a window's peak this way). Removing more than a bucket holds empties the bucket.
    /// </summary>
    public void SubtractSample(double value, double weight, long timeMs)
    {
        CheckSample(value, weight);
        var bucket = Buckets.Find(value);
        var stored = weight * DecayFactor(timeMs);
        if (stored > _weights[bucket] - Epsilon) stored = _weights[bucket];
        _weights[bucket] -= stored;
        _total -= stored;
        UpdateMinAndMax();
    }

    /// <summary>
    /// The value below which a share <paramref name="p"/> (0 to 1) of the decayed weight lies, as the end
    /// of the bucket where the cumulative weight reaches it; <see cref="double.NaN"/> when the histogram is empty.
    /// </summary>
    public double Percentile(double p)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "must be between 0 and 1");
        if (IsEmpty) return double.NaN;
        var threshold = p * _total;
        var partial = 0.0;
        var bucket = _min;
        for (; bucket < _max; bucket++)
        {
            partial += _weights[bucket];
            if (partial >= threshold) break;
        }
        return bucket < Buckets.Count - 1 ? Buckets.Start(bucket + 1) : Buckets.Start(bucket);
    }

    /// <summary>The total weight as seen at <paramref name="timeMs"/>: each sample's weight halved once per half-life of its age then (0 when empty).</summary>
    public double TotalWeightAt(long timeMs) =>
        _referenceMs is { } reference ? _total * Math.Pow(2, (reference - timeMs) / (double)_halfLifeMs) : 0;

    /// <summary>The state as a <see cref="HistogramCheckpoint"/> (exact weights of the non-empty buckets).</summary>
    public HistogramCheckpoint ToCheckpoint()
    {
        var weights = new SortedDictionary<int, double>();
        for (var b = 0; b < _weights.Length; b++)
        {
            if (_weights[b] > 0) weights[b] = _weights[b];
        }
        return new HistogramCheckpoint(HistogramCheckpoint.CurrentFormatVersion, Buckets.FirstBucketSize, Buckets.Ratio, Buckets.MaxValue,
            _halfLifeMs, _referenceMs, weights);
    }

    /// <summary>
    /// Rebuilds a histogram from <paramref name="checkpoint"/>; false with a message saying what is wrong
    /// when the checkpoint is of another format version or its contents are out of range.
    /// </summary>
    public static bool TryRestore(HistogramCheckpoint checkpoint, out DecayingHistogram histogram, out string error)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        histogram = null!;
        error = "";
        if (checkpoint.FormatVersion != HistogramCheckpoint.CurrentFormatVersion)
        {
            error = $"histogram checkpoint format version {checkpoint.FormatVersion} is not supported (this build reads version {HistogramCheckpoint.CurrentFormatVersion})";
            return false;
        }
        if (!(checkpoint.FirstBucketSize > 0) || !(checkpoint.Ratio > 1) || !(checkpoint.MaxValue > checkpoint.FirstBucketSize)
            || !double.IsFinite(checkpoint.MaxValue) || !double.IsFinite(checkpoint.Ratio))
        {
            error = $"histogram checkpoint has an invalid bucket scheme (first {checkpoint.FirstBucketSize}, ratio {checkpoint.Ratio}, max {checkpoint.MaxValue})";
            return false;
        }
        if (checkpoint.HalfLifeMs < 1)
        {
            error = $"histogram checkpoint half-life must be at least 1 ms (got {checkpoint.HalfLifeMs})";
            return false;
        }
        if (checkpoint.BucketWeights.Count > 0 && checkpoint.ReferenceMs is null)
        {
            error = "histogram checkpoint has weights but no reference time";
            return false;
        }
        var restored = new DecayingHistogram(new ExponentialBuckets(checkpoint.FirstBucketSize, checkpoint.Ratio, checkpoint.MaxValue),
            TimeSpan.FromMilliseconds(checkpoint.HalfLifeMs)) { _referenceMs = checkpoint.ReferenceMs };
        foreach (var (bucket, weight) in checkpoint.BucketWeights)
        {
            if (bucket < 0 || bucket >= restored._weights.Length)
            {
                error = $"histogram checkpoint bucket {bucket} is outside the scheme's 0..{restored._weights.Length - 1}";
                return false;
            }
            if (!double.IsFinite(weight) || weight < 0)
            {
                error = $"histogram checkpoint bucket {bucket} has weight {weight}; weights must be finite and 0 or more";
                return false;
            }
            restored._weights[bucket] = weight;
            restored._total += weight;
        }
        restored._min = 0;
        restored._max = restored._weights.Length - 1;
        restored.UpdateMinAndMax();
        histogram = restored;
        return true;
    }

    private static void CheckSample(double value, double weight)
    {
        if (!double.IsFinite(value) || value < 0) throw new ArgumentOutOfRangeException(nameof(value), value, "must be a finite number, 0 or more");
        if (!double.IsFinite(weight) || weight < 0) throw new ArgumentOutOfRangeException(nameof(weight), weight, "must be a finite number, 0 or more");
    }

    /// <summary>2^((t − reference) / halfLife), first moving the reference forward when that would exceed 2^100.</summary>
    private double DecayFactor(long timeMs)
    {
        if (_referenceMs is not { } reference)
        {
            _referenceMs = RoundToHalfLife(timeMs);
        }
        else if (timeMs - reference > MaxDecayExponent * _halfLifeMs)
        {
            ShiftReference(timeMs);
        }
        return Math.Pow(2, (timeMs - _referenceMs!.Value) / (double)_halfLifeMs);
    }

    private void ShiftReference(long timeMs)
    {
        var next = RoundToHalfLife(timeMs);
        var exponent = (int)Math.Round((_referenceMs!.Value - next) / (double)_halfLifeMs);
        var factor = Math.ScaleB(1, exponent);
        _total = 0;
        for (var b = 0; b < _weights.Length; b++)
        {
            var w = _weights[b] * factor;
            _weights[b] = w < Epsilon ? 0 : w;
            _total += _weights[b];
        }
        _referenceMs = next;
        UpdateMinAndMax();
    }

    private long RoundToHalfLife(long timeMs)
    {
        var rounded = (long)Math.Round(timeMs / (double)_halfLifeMs, MidpointRounding.AwayFromZero);
        return rounded * _halfLifeMs;
    }

    private void UpdateMinAndMax()
    {
        var last = _weights.Length - 1;
        while (_weights[_min] < Epsilon && _min < last) _min++;
        while (_weights[_max] < Epsilon && _max > 0) _max--;
    }
}

/// <summary>
/// The saved state of a <see cref="DecayingHistogram"/>: its bucket scheme, half-life, reference time
/// and the weights of its non-empty buckets (exact doubles, where VPA's checkpoints round them to
/// integers of at most 10 000). <see cref="FormatVersion"/> lets a newer build refuse an older layout
/// with a clear message.
/// </summary>
/// <param name="FormatVersion">Layout version; this build writes and reads <see cref="CurrentFormatVersion"/>.</param>
/// <param name="FirstBucketSize">The scheme's first bucket size.</param>
/// <param name="Ratio">The scheme's growth ratio.</param>
/// <param name="MaxValue">The scheme's maximum value.</param>
/// <param name="HalfLifeMs">The decay half-life in milliseconds.</param>
/// <param name="ReferenceMs">The reference time of the stored weights (Unix ms); null when nothing was ever added.</param>
/// <param name="BucketWeights">Stored weight by bucket index, relative to <paramref name="ReferenceMs"/>.</param>
public sealed record HistogramCheckpoint(int FormatVersion, double FirstBucketSize, double Ratio, double MaxValue, long HalfLifeMs,
    long? ReferenceMs, IReadOnlyDictionary<int, double> BucketWeights)
{
    /// <summary>The layout version this build writes.</summary>
    public const int CurrentFormatVersion = 1;
}
