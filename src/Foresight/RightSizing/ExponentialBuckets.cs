namespace Foresight.RightSizing;

/// <summary>
/// Bucket boundaries that grow geometrically: bucket <c>i</c> starts at
/// <c>first × (ratioⁱ − 1) / (ratio − 1)</c>, so bucket 0 is <c>[0, first)</c>, each bucket is
/// <c>ratio</c> times as wide as the one before, and the last bucket (the one that holds
/// <see cref="MaxValue"/>) is open-ended. A value's bucket is found in O(1) by a logarithm.
/// </summary>
/// <remarks>
/// This is the scheme of the Kubernetes Vertical Pod Autoscaler recommender
/// (<c>NewExponentialHistogramOptions</c> in
/// <c>vertical-pod-autoscaler/pkg/recommender/util/histogram_options.go</c>), with its two instances in
/// <c>pkg/recommender/model/aggregations_config.go</c>: CPU from 0.01 cores up to 1000 cores and memory
/// from 10⁷ bytes up to 10¹² bytes, both with buckets 5% wider than the previous one. With ratio 1.05
/// a bucket's end is at most about 5% above any value in it (plus the first bucket's size near zero),
/// which is the resolution of every percentile the histogram reports.
/// </remarks>
public sealed record ExponentialBuckets
{
    /// <summary>The VPA's CPU scheme: first bucket 0.01 cores, ratio 1.05, up to 1000 cores (176 buckets).</summary>
    public static ExponentialBuckets Cpu { get; } = new(0.01, 1.05, 1000);

    /// <summary>The VPA's memory scheme: first bucket 10⁷ bytes, ratio 1.05, up to 10¹² bytes (176 buckets).</summary>
    public static ExponentialBuckets Memory { get; } = new(1e7, 1.05, 1e12);

    /// <summary>Creates a scheme; throws when a parameter is out of range (a programming error: schemes are fixed in code).</summary>
    /// <param name="firstBucketSize">Width of the first bucket, &gt; 0.</param>
    /// <param name="ratio">How much wider each bucket is than the one before, &gt; 1.</param>
    /// <param name="maxValue">The value the last bucket starts at or below, &gt; <paramref name="firstBucketSize"/>.</param>
    public ExponentialBuckets(double firstBucketSize, double ratio, double maxValue)
    {
        if (!double.IsFinite(firstBucketSize) || firstBucketSize <= 0) throw new ArgumentOutOfRangeException(nameof(firstBucketSize), firstBucketSize, "must be a positive number");
        if (!double.IsFinite(ratio) || ratio <= 1) throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "must be greater than 1");
        if (!double.IsFinite(maxValue) || maxValue <= firstBucketSize) throw new ArgumentOutOfRangeException(nameof(maxValue), maxValue, "must be greater than the first bucket size");
        FirstBucketSize = firstBucketSize;
        Ratio = ratio;
        MaxValue = maxValue;
        Count = (int)Math.Ceiling(Math.Log(maxValue * (ratio - 1) / firstBucketSize + 1) / Math.Log(ratio)) + 1;
    }

    /// <summary>Width of the first bucket.</summary>
    public double FirstBucketSize { get; }

    /// <summary>Growth of the bucket width from one bucket to the next.</summary>
    public double Ratio { get; }

    /// <summary>Values at or above the last bucket's start all fall in the last bucket.</summary>
    public double MaxValue { get; }

    /// <summary>Number of buckets.</summary>
    public int Count { get; }

    /// <summary>Where bucket <paramref name="bucket"/> starts (the end of bucket <c>bucket − 1</c>).</summary>
    public double Start(int bucket)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bucket);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(bucket, Count);
        return FirstBucketSize * (Math.Pow(Ratio, bucket) - 1) / (Ratio - 1);
    }

    /// <summary>The bucket that holds <paramref name="value"/> (a finite number, 0 or more); values past the range go to the last bucket.</summary>
    public int Find(double value)
    {
        if (value < FirstBucketSize) return 0;
        var bucket = (int)Math.Floor(Math.Log(value * (Ratio - 1) / FirstBucketSize + 1) / Math.Log(Ratio));
        return Math.Min(bucket, Count - 1);
    }
}
