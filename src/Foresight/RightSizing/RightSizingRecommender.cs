namespace Foresight.RightSizing;

/// <summary>
/// Right-sizing state of one workload (or container-like unit), fed sample by sample in time order,
/// and its recommendation for any <see cref="RightSizingStrategy"/> at any moment. O(1) per sample;
/// the state is two <see cref="DecayingHistogram"/>s and a few counters, whatever the history length.
/// </summary>
/// <remarks>
/// <para>
/// The method is the Kubernetes Vertical Pod Autoscaler recommender's (design: the VPA proposal,
/// <c>community/contributors/design-proposals/autoscaling/vertical-pod-autoscaler.md</c>; behaviour:
/// <c>pkg/recommender/model/container.go</c>, <c>aggregate_container_state.go</c>,
/// <c>pkg/recommender/logic/estimator.go</c> and <c>recommender.go</c>); the code is our own.
/// </para>
/// <para>
/// <b>CPU.</b> Every usage sample goes into a decaying histogram (24 h half-life) with weight equal to
/// the CPU request when one is known (at least <see cref="RightSizingOptions.MinCpuSampleWeight"/>), 1
/// otherwise: the percentile is then of CPU time demanded, weighted towards recent days.
/// </para>
/// <para>
/// <b>Memory.</b> Usage is cut into windows of <see cref="RightSizingOptions.MemoryAggregationInterval"/>
/// (24 h) starting at the first sample; each window's peak is one sample of weight 1 stamped at the
/// window's end. While a window is open a higher value replaces its peak (subtract the old, add the new).
/// An out-of-memory kill adds a sample of max(<see cref="RightSizingOptions.OomBumpRatio"/> × used,
/// used + <see cref="RightSizingOptions.OomMinBumpBytes"/>), where used is the larger of the memory the
/// event reports and the window's usage peak, so the next recommendation is above what was killed.
/// </para>
/// <para>
/// <b>Weekly memory (our addition).</b> With a 24 h half-life the last two days carry three quarters of
/// the weight, so a recommendation made after a quiet weekend sizes Monday for Sunday's traffic. When
/// <see cref="RightSizingOptions.WeeklyHalfLife"/> is set (default 7 days) each resource keeps a second
/// histogram of the same samples with that half-life, and every percentile is the larger of the two:
/// the 24 h histogram still raises a recommendation within hours of a rise, the weekly one keeps a
/// weekend or a holiday from lowering it below the week's level. Set it to null for the VPA's single
/// histogram.
/// </para>
/// <para>
/// <b>Bounds.</b> For percentile <c>q</c> of a strategy, <c>P(q) × (1 + margin)</c>; then, with
/// <c>c</c> the confidence in days (span from first to last sample, bounded by sample count / samples per
/// day), the upper bound is multiplied by <c>1 + 1/c</c> (×2 after one day, ×1.14 after a week, +∞ with no
/// span) and the lower bound by <c>(1 + 0.001/c)^−2</c>, VPA's <c>WithConfidenceMultiplier(1, 1)</c> and
/// <c>(0.001, −2)</c>. Last, every value is raised to the minimums (25 millicores, 250 MiB).
/// </para>
/// </remarks>
public sealed class RightSizingRecommender
{
    private const double MsPerDay = 86_400_000;
    private readonly RecencyHistograms _cpu;
    private readonly RecencyHistograms _memory;
    private readonly long _intervalMs;
    private long _firstMs;
    private long _lastMs = long.MinValue;
    private long? _windowEndMs;
    private double _memoryPeak;
    private double _oomPeak;

    /// <summary>Creates an empty state; throws <see cref="ArgumentException"/> when <paramref name="options"/> are invalid.</summary>
    public RightSizingRecommender(RightSizingOptions? options = null)
    {
        Options = options ?? new RightSizingOptions();
        if (Options.Validate() is { } problem) throw new ArgumentException(problem, nameof(options));
        _cpu = new RecencyHistograms(Options.CpuBuckets, Options.CpuHalfLife, Options.WeeklyHalfLife);
        _memory = new RecencyHistograms(Options.MemoryBuckets, Options.MemoryHalfLife, Options.WeeklyHalfLife);
        _intervalMs = (long)Options.MemoryAggregationInterval.TotalMilliseconds;
    }

    /// <summary>The settings.</summary>
    public RightSizingOptions Options { get; }

    /// <summary>Samples accepted.</summary>
    public int Samples { get; private set; }

    /// <summary>Samples refused: not after the previous one, or with a negative or infinite value.</summary>
    public int Discarded { get; private set; }

    /// <summary>History in days: min((last − first sample) / 1 day, samples / <see cref="RightSizingOptions.SamplesPerDay"/>); 0 before two samples.</summary>
    public double ConfidenceDays => Samples == 0 ? 0 : Math.Min((_lastMs - _firstMs) / MsPerDay, Samples / Options.SamplesPerDay);

    /// <summary>
    /// Adds a usage sample; false (and counted in <see cref="Discarded"/>) when it is not later than the
    /// previous accepted one, or a value is negative or infinite, or both values are NaN. A NaN metric is
    /// simply not measured in that sample.
    /// </summary>
    /// <param name="sample">The sample.</param>
    /// <param name="cpuRequestCores">The CPU request in force at the time, if known: the CPU sample's weight.</param>
    public bool AddSample(UsageSample sample, double? cpuRequestCores = null)
    {
        var hasCpu = !double.IsNaN(sample.CpuCores);
        var hasMemory = !double.IsNaN(sample.MemoryBytes);
        if (sample.TimestampMs <= _lastMs || (!hasCpu && !hasMemory) || (hasCpu && !IsAmount(sample.CpuCores)) || (hasMemory && !IsAmount(sample.MemoryBytes)))
        {
            Discarded++;
            return false;
        }
        if (Samples == 0) _firstMs = sample.TimestampMs;
        _lastMs = sample.TimestampMs;
        Samples++;
        if (hasCpu)
        {
            var weight = cpuRequestCores is { } request && IsAmount(request) ? Math.Max(request, Options.MinCpuSampleWeight) : 1.0;
            _cpu.AddSample(sample.CpuCores, weight, sample.TimestampMs);
        }
        if (hasMemory)
        {
            AddMemory(sample.TimestampMs, sample.MemoryBytes, isOom: false);
        }
        return true;
    }

    /// <summary>
    /// Records an out-of-memory kill; false when its memory is not a finite positive number or it is
    /// older than the previous memory window (VPA discards those too).
    /// </summary>
    public bool RecordOom(OomEvent oom)
    {
        if (!IsAmount(oom.MemoryBytes) || oom.MemoryBytes == 0) return false;
        if (_windowEndMs is { } end && oom.TimestampMs < end - _intervalMs) return false;
        var used = Math.Max(oom.MemoryBytes, _memoryPeak);
        var needed = Math.Max(used + Options.OomMinBumpBytes, used * Options.OomBumpRatio);
        AddMemory(oom.TimestampMs, needed, isOom: true);
        return true;
    }

    /// <summary>
    /// The recommendation for <paramref name="strategy"/>; false with a message when there are no CPU or no
    /// memory samples yet. Throws <see cref="ArgumentException"/> for an invalid strategy.
    /// </summary>
    /// <param name="workload">Name carried into the result.</param>
    /// <param name="strategy">Percentiles and margin.</param>
    /// <param name="recommendation">The result, when true.</param>
    /// <param name="error">What is missing, when false.</param>
    /// <param name="current">Current requests, for the deltas.</param>
    public bool TryRecommend(string workload, RightSizingStrategy strategy, out RightSizingRecommendation recommendation, out string error,
        ResourceRequests? current = null)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        if (strategy.Validate() is { } problem) throw new ArgumentException(problem, nameof(strategy));
        recommendation = null!;
        error = "";
        if (_cpu.IsEmpty || _memory.IsEmpty)
        {
            error = $"workload '{workload}' has no {(_cpu.IsEmpty ? "CPU" : "memory")} usage samples to recommend from";
            return false;
        }
        var confidence = ConfidenceDays;
        recommendation = new RightSizingRecommendation(workload, strategy.Name, strategy.TargetPercentile,
            Range(_cpu, strategy, confidence, Options.MinCpuCores, current?.CpuCores),
            Range(_memory, strategy, confidence, Options.MinMemoryBytes, current?.MemoryBytes),
            confidence, Samples, _firstMs, _lastMs);
        return true;
    }

    private static ResourceRange Range(RecencyHistograms histogram, RightSizingStrategy strategy, double confidence, double minimum, double? current)
    {
        var scale = 1 + strategy.SafetyMargin;
        var lower = histogram.Percentile(strategy.LowerPercentile) * scale * Math.Pow(1 + 0.001 / confidence, -2);
        var target = histogram.Percentile(strategy.TargetPercentile) * scale;
        var upper = histogram.Percentile(strategy.UpperPercentile) * scale * (1 + 1 / confidence);
        return new ResourceRange(Math.Max(minimum, lower), Math.Max(minimum, target), Math.Max(minimum, upper), current);
    }

    /// <summary>Folds one memory value into the current window's peak (VPA's <c>addMemorySample</c>).</summary>
    private void AddMemory(long timeMs, double bytes, bool isOom)
    {
        _windowEndMs ??= timeMs;
        var end = _windowEndMs.Value;
        var addPeak = false;
        if (timeMs < end)
        {
            var oldPeak = Math.Max(_memoryPeak, _oomPeak);
            if (oldPeak > 0 && bytes > oldPeak)
            {
                _memory.SubtractSample(oldPeak, 1, end);
                addPeak = true;
            }
        }
        else
        {
            end += (timeMs - end) / _intervalMs * _intervalMs + _intervalMs;
            _windowEndMs = end;
            _memoryPeak = 0;
            _oomPeak = 0;
            addPeak = true;
        }
        if (addPeak) _memory.AddSample(bytes, 1, end);
        if (!isOom) _memoryPeak = Math.Max(_memoryPeak, bytes);
        else if (addPeak) _oomPeak = bytes;
    }

    private static bool IsAmount(double value) => double.IsFinite(value) && value >= 0;
}

/// <summary>The 24 h histogram of one resource and, optionally, its weekly twin; percentiles are the larger of the two.</summary>
internal sealed class RecencyHistograms(ExponentialBuckets buckets, TimeSpan halfLife, TimeSpan? weeklyHalfLife)
{
    private readonly DecayingHistogram _recent = new(buckets, halfLife);
    private readonly DecayingHistogram? _weekly = weeklyHalfLife is { } h ? new(buckets, h) : null;

    public bool IsEmpty => _recent.IsEmpty;

    public void AddSample(double value, double weight, long timeMs)
    {
        _recent.AddSample(value, weight, timeMs);
        _weekly?.AddSample(value, weight, timeMs);
    }

    public void SubtractSample(double value, double weight, long timeMs)
    {
        _recent.SubtractSample(value, weight, timeMs);
        _weekly?.SubtractSample(value, weight, timeMs);
    }

    public double Percentile(double p) => _weekly is null ? _recent.Percentile(p) : Math.Max(_recent.Percentile(p), _weekly.Percentile(p));
}
