using Foresight.RightSizing;

namespace Foresight.Tests.RightSizing;

public class DecayingHistogramTests
{
    private const long T0 = 1_736_121_600_000;
    private const long Hour = 3_600_000;
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);

    [Fact]
    public void Vpa_cpu_and_memory_schemes_have_176_buckets_growing_five_percent()
    {
        var cpu = ExponentialBuckets.Cpu;
        cpu.Count.Should().Be(176, "ceil(ln(1000 × 0.05 / 0.01 + 1) / ln 1.05) + 1 = ceil(174.6) + 1");
        ExponentialBuckets.Memory.Count.Should().Be(176);
        cpu.Start(1).Should().BeApproximately(0.01, 1e-15);
        cpu.Start(2).Should().BeApproximately(0.01 + 0.0105, 1e-15);
        cpu.Find(1.0).Should().Be(36, "1.0 lies between Start(36) = 0.9679 and Start(37) = 1.0163");
        cpu.Start(37).Should().BeApproximately(1.01628, 1e-5);
        cpu.Find(5000).Should().Be(175, "values past the range go to the last bucket");
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.95)]
    [InlineData(0.99)]
    public void Percentile_with_equal_weights_is_the_sorted_array_percentile_up_to_one_bucket(double p)
    {
        var random = new Random(17);
        var values = Enumerable.Range(0, 1000).Select(_ => Math.Exp(random.NextDouble() * 4 - 2)).ToArray(); // 0.14 to 7.4 cores
        var histogram = new DecayingHistogram(ExponentialBuckets.Cpu, Day);
        foreach (var v in values) histogram.AddSample(v, 1, T0);

        Array.Sort(values);
        var exact = values[(int)Math.Ceiling(p * values.Length) - 1]; // smallest value with at least p of the weight at or below it
        var estimate = histogram.Percentile(p);
        estimate.Should().BeGreaterThanOrEqualTo(exact, "the histogram answers with the end of the bucket holding the percentile");
        estimate.Should().BeLessThanOrEqualTo(exact * 1.05 + 0.01, "a bucket is at most 5% wider than its start plus the first bucket's size");
    }

    [Fact]
    public void A_sample_weighs_half_after_one_half_life()
    {
        var histogram = new DecayingHistogram(ExponentialBuckets.Cpu, Day);
        histogram.AddSample(1.0, 1, T0);
        histogram.TotalWeightAt(T0).Should().BeApproximately(1, 1e-12);
        histogram.TotalWeightAt(T0 + 24 * Hour).Should().BeApproximately(0.5, 1e-12);

        histogram.AddSample(2.0, 1, T0 + 24 * Hour);
        histogram.TotalWeightAt(T0 + 24 * Hour).Should().BeApproximately(1.5, 1e-12, "the old sample counts 0.5 beside the new one's 1");
        // Weights 1 (value 1) and 2 (value 2) relative to each other: a third of the weight is at 1 core.
        histogram.Percentile(0.33).Should().Be(ExponentialBuckets.Cpu.Start(37), "the end of 1.0's bucket");
        histogram.Percentile(0.34).Should().Be(ExponentialBuckets.Cpu.Start(ExponentialBuckets.Cpu.Find(2.0) + 1));
    }

    [Fact]
    public void Renormalisation_keeps_weights_finite_and_percentiles_equal_to_an_independent_weighted_percentile()
    {
        // 3000 hourly samples with a 1-hour half-life: the newest would weigh 2^3000 (beyond double) without renormalisation.
        var halfLife = TimeSpan.FromHours(1);
        var histogram = new DecayingHistogram(ExponentialBuckets.Cpu, halfLife);
        var samples = Enumerable.Range(0, 3000).Select(i => (Time: T0 + i * Hour, Value: 0.1 + (i * 37 % 100) / 50.0)).ToArray();
        foreach (var (time, value) in samples) histogram.AddSample(value, 1, time);

        var last = samples[^1].Time;
        histogram.ReferenceMs.Should().BeGreaterThan(T0 + 2800 * Hour, "the reference moved forward with the samples");
        double.IsFinite(histogram.TotalWeightAt(last)).Should().BeTrue();
        histogram.TotalWeightAt(last).Should().BeApproximately(2, 1e-3, "1 + 1/2 + 1/4 + ... seen from the last sample");

        foreach (var p in new[] { 0.1, 0.5, 0.9, 0.99 })
        {
            histogram.Percentile(p).Should().Be(WeightedPercentileBucketEnd(samples, last, halfLife, p), $"p = {p}");
        }
    }

    [Fact]
    public void Empty_histogram_reports_no_data_as_NaN()
    {
        var histogram = new DecayingHistogram(ExponentialBuckets.Memory, Day);
        histogram.IsEmpty.Should().BeTrue();
        histogram.Percentile(0.9).Should().Be(double.NaN);
        histogram.TotalWeightAt(T0).Should().Be(0);
    }

    [Fact]
    public void Subtracting_the_only_sample_empties_the_histogram()
    {
        var histogram = new DecayingHistogram(ExponentialBuckets.Memory, Day);
        histogram.AddSample(5e8, 1, T0 + 3 * Hour);
        histogram.SubtractSample(5e8, 1, T0 + 3 * Hour);
        histogram.IsEmpty.Should().BeTrue();
        histogram.Percentile(0.5).Should().Be(double.NaN);
    }

    [Fact]
    public void Checkpoint_restores_the_same_percentiles_and_decay()
    {
        var histogram = new DecayingHistogram(ExponentialBuckets.Cpu, Day);
        for (var i = 0; i < 200; i++) histogram.AddSample(0.2 + i % 17 * 0.1, 1 + i % 3, T0 + i * Hour);

        DecayingHistogram.TryRestore(histogram.ToCheckpoint(), out var restored, out var error).Should().BeTrue(error);
        foreach (var p in new[] { 0.1, 0.5, 0.9 }) restored.Percentile(p).Should().Be(histogram.Percentile(p));
        restored.TotalWeightAt(T0 + 300 * Hour).Should().BeApproximately(histogram.TotalWeightAt(T0 + 300 * Hour), 1e-12);

        histogram.AddSample(3, 1, T0 + 201 * Hour);
        restored.AddSample(3, 1, T0 + 201 * Hour);
        restored.Percentile(0.95).Should().Be(histogram.Percentile(0.95));
    }

    [Fact]
    public void Checkpoint_of_another_format_version_is_refused_with_the_versions_named()
    {
        var checkpoint = new DecayingHistogram(ExponentialBuckets.Cpu, Day).ToCheckpoint() with { FormatVersion = 9 };
        DecayingHistogram.TryRestore(checkpoint, out _, out var error).Should().BeFalse();
        error.Should().Contain("version 9").And.Contain("version 1");
    }

    [Fact]
    public void Checkpoint_with_a_bucket_outside_the_scheme_is_refused()
    {
        var checkpoint = new DecayingHistogram(ExponentialBuckets.Cpu, Day).ToCheckpoint() with
        {
            ReferenceMs = T0,
            BucketWeights = new Dictionary<int, double> { [500] = 1 },
        };
        DecayingHistogram.TryRestore(checkpoint, out _, out var error).Should().BeFalse();
        error.Should().Contain("bucket 500");
    }

    /// <summary>Sorts the samples by value, weights each 2^((t − last) / halfLife), and returns the end of the bucket where the cumulative weight reaches p.</summary>
    private static double WeightedPercentileBucketEnd((long Time, double Value)[] samples, long last, TimeSpan halfLife, double p)
    {
        var weighted = samples.Select(s => (s.Value, Weight: Math.Pow(2, (s.Time - last) / halfLife.TotalMilliseconds))).OrderBy(s => s.Value).ToArray();
        var threshold = p * weighted.Sum(s => s.Weight);
        var cumulative = 0.0;
        foreach (var (value, weight) in weighted)
        {
            cumulative += weight;
            if (cumulative >= threshold) return ExponentialBuckets.Cpu.Start(ExponentialBuckets.Cpu.Find(value) + 1);
        }
        throw new InvalidOperationException("unreachable");
    }
}
