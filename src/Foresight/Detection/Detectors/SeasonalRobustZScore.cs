using Foresight.Detection.State;
using Foresight.Numerics;

namespace Foresight.Detection;

/// <summary>Parameters of <see cref="SeasonalRobustZScore"/>. The defaults are the ones used on NAB (same for every series).</summary>
public sealed record SeasonalRobustZScoreOptions
{
    /// <summary>The defaults, one instance shared by every detector built without options (a record cannot change, so sharing is safe).</summary>
    internal static SeasonalRobustZScoreOptions Default { get; } = new();

    /// <summary>Past daily cycles kept per phase (ring buffers), 1–60. Memory is period × cycles values.</summary>
    public int Cycles { get; init; } = 7;

    /// <summary>Phases on each side pooled with a point's own phase, 0–10, so that a few cycles already give a usable sample.</summary>
    public int PhaseNeighbours { get; init; } = 2;

    /// <summary>Length of the recent (non-seasonal) window, 8–1024.</summary>
    public int RecentWindow { get; init; } = 64;

    /// <summary>Largest daily period, in steps, for which a seasonal baseline is kept (a day of 1-minute data is 1440).</summary>
    public int MaxPeriod { get; init; } = 1440;

    /// <summary>Smallest sample (seasonal or recent) the detector scores against; before that it is warming up and returns 0.</summary>
    public int MinSamples { get; init; } = 12;

    /// <summary>Tukey fence multiplier k: a value inside [Q1 − k·IQR, Q3 + k·IQR] has its score halved.</summary>
    public double FenceK { get; init; } = 1.5;

    /// <summary>The |z| that maps to a score of 0.5; score = |z| / (|z| + ZHalf).</summary>
    public double ZHalf { get; init; } = 4.0;
}

/// <summary>
/// Robust z-score against a seasonal baseline. The daily period is inferred from the timestamps'
/// spacing (a day of steps when that is a whole number, else none). For each phase of the day the
/// values of the last <see cref="SeasonalRobustZScoreOptions.Cycles"/> cycles are kept in ring
/// buffers; a new value is compared with the median of its phase and the neighbouring phases,
/// scaled by 1.4826·MAD (the consistent estimator of σ for Gaussian data; Rousseeuw &amp; Croux,
/// JASA 1993), with IQR/1.349 as a fallback when the MAD is 0. The same is done against a window of
/// recent values, and the smaller of the two |z| is kept, so a point must be unusual both for its
/// time of day and for the recent level. Values inside Tukey's fences (Q1 − k·IQR, Q3 + k·IQR)
/// have their score halved. Score = |z| / (|z| + ZHalf) ∈ [0, 1). Cost per point is constant:
/// two sorts of at most Cycles·(2·PhaseNeighbours+1) and RecentWindow values; no allocation. Memory per instance is
/// the recent window and, once a daily period P is known, P·Cycles values and two bytes per phase: 16 KB at a
/// 5-minute step (P = 288), 80 KB at a 1-minute step, none when a day is more than MaxPeriod steps (a 15-second
/// scrape); the sorting buffers are shared by the instances on a thread.
/// </summary>
public sealed class SeasonalRobustZScore : IStreamingDetector, IRestorableState
{
    private readonly SeasonalRobustZScoreOptions _options;
    private readonly CycleClock _clock;
    private readonly RingBuffer _recent; // with a shared input, its values: the recent window and the current value
    private readonly SharedInput? _input;
    private readonly int _sampleSize;
    [ThreadStatic] private static double[]? t_sample, t_scratch;
    private double[] _phaseValues = [];
    private byte[] _phaseCount = [];
    private byte[] _phaseHead = [];
    private double _meanAbsDiff = double.NaN;
    private double _previous = double.NaN;

    /// <summary>Creates the detector with the given (or default) options.</summary>
    public SeasonalRobustZScore(SeasonalRobustZScoreOptions? options = null)
        : this(options, input: null)
    {
    }

    /// <summary>A member of an ensemble that reads its clock and recent window from <paramref name="input"/> (which holds at least RecentWindow + 1 values).</summary>
    internal SeasonalRobustZScore(SeasonalRobustZScoreOptions? options, SharedInput? input)
    {
        _options = options ?? SeasonalRobustZScoreOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.Cycles, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_options.Cycles, 60);
        ArgumentOutOfRangeException.ThrowIfNegative(_options.PhaseNeighbours);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.RecentWindow, 4);
        _input = input;
        if (input is not null && input.Clock.MaxPeriod != _options.MaxPeriod) throw new ArgumentException("The shared clock has another MaxPeriod.", nameof(input));
        if (input is not null && input.Values.Capacity != _options.RecentWindow + 1) throw new ArgumentException("The shared window must hold the recent window and the current value.", nameof(input));
        _clock = input?.Clock ?? new CycleClock(_options.MaxPeriod);
        _recent = input?.Values ?? new RingBuffer(_options.RecentWindow);
        _sampleSize = Math.Max(_recent.Capacity, _options.Cycles * (2 * _options.PhaseNeighbours + 1));
    }

    /// <inheritdoc />
    public double Update(long timestamp, double value)
    {
        if (_input is null) _clock.Observe(timestamp);
        if (_clock.Ready && _clock.Period > 0 && _phaseCount.Length == 0)
        {
            _phaseValues = new double[_clock.Period * _options.Cycles];
            _phaseCount = new byte[_clock.Period];
            _phaseHead = new byte[_clock.Period];
        }

        var score = 0.0;
        if (_clock.Ready && RecentCount >= _options.MinSamples)
        {
            if (t_sample is null || t_sample.Length < _sampleSize) (t_sample, t_scratch) = (new double[_sampleSize], new double[_sampleSize]);
            var (z, insideFences) = RecentZ(value);
            if (_phaseCount.Length > 0)
            {
                var (zs, insideSeasonal) = SeasonalZ(timestamp, value);
                if (!double.IsNaN(zs) && zs < z) (z, insideFences) = (zs, insideSeasonal);
            }
            score = z / (z + _options.ZHalf);
            if (insideFences) score *= 0.5;
        }

        if (!double.IsNaN(_previous))
        {
            var d = Math.Abs(value - _previous);
            _meanAbsDiff = double.IsNaN(_meanAbsDiff) ? d : _meanAbsDiff + 0.01 * (d - _meanAbsDiff);
        }
        _previous = value;
        if (_input is null) _recent.Push(value);
        if (_phaseCount.Length > 0) AddSeasonal(_clock.Phase(timestamp), value);
        return score;
    }

    /// <summary>Values in the recent window, the current one not included.</summary>
    private int RecentCount => _input is null ? _recent.Count : _recent.Count - 1;

    private (double Z, bool InsideFences) RecentZ(double value)
    {
        var n = RecentCount;
        _recent.CopyTo(t_sample); // with a shared input the current value lands after the n recent ones and is not used
        return Standardize(t_sample.AsSpan(0, n), value);
    }

    private (double Z, bool InsideFences) SeasonalZ(long timestamp, double value)
    {
        var period = _clock.Period;
        var phase = _clock.Phase(timestamp);
        var cycles = _options.Cycles;
        var n = 0;
        for (var d = -_options.PhaseNeighbours; d <= _options.PhaseNeighbours; d++)
        {
            var p = ((phase + d) % period + period) % period;
            var count = _phaseCount[p];
            for (var i = 0; i < count; i++) t_sample![n++] = _phaseValues[p * cycles + i];
        }
        return n < _options.MinSamples ? (double.NaN, false) : Standardize(t_sample.AsSpan(0, n), value);
    }

    private (double Z, bool InsideFences) Standardize(Span<double> sample, double value)
    {
        var (median, mad, q1, q3) = RobustStats.Describe(sample, t_scratch);
        var iqr = q3 - q1;
        var scale = mad > 0 ? 1.4826 * mad : iqr / 1.349;
        var floor = Math.Max(1e-9 * (1 + Math.Abs(median)), double.IsNaN(_meanAbsDiff) ? 0 : 0.25 * _meanAbsDiff);
        scale = Math.Max(scale, floor);
        var inside = value >= q1 - _options.FenceK * iqr && value <= q3 + _options.FenceK * iqr;
        return (Math.Abs(value - median) / scale, inside);
    }

    private void AddSeasonal(int phase, double value)
    {
        var cycles = _options.Cycles;
        if (_phaseCount[phase] < cycles)
        {
            _phaseValues[phase * cycles + _phaseCount[phase]++] = value;
            return;
        }
        _phaseValues[phase * cycles + _phaseHead[phase]] = value;
        _phaseHead[phase] = (byte)((_phaseHead[phase] + 1) % cycles);
    }

    /// <inheritdoc />
    public void WriteState(BinaryWriter writer)
    {
        writer.WriteTag("zscore");
        if (_input is null)
        {
            _clock.WriteState(writer);
            _recent.WriteState(writer);
        }
        writer.WriteDoubles(_phaseValues);
        writer.Write(_phaseCount.Length);
        writer.Write(_phaseCount);
        writer.Write(_phaseHead);
        writer.Write(_meanAbsDiff);
        writer.Write(_previous);
    }

    /// <inheritdoc />
    public void ReadState(BinaryReader reader)
    {
        reader.ExpectTag("zscore");
        if (_input is null)
        {
            _clock.ReadState(reader);
            _recent.ReadState(reader, "recent window");
        }
        var phases = _clock.Ready ? _clock.Period : 0;
        _phaseValues = reader.ReadDoubles(phases * _options.Cycles, "seasonal values");
        reader.ExpectCount(_phaseValues.Length == 0 ? 0 : phases, "phases");
        _phaseCount = ReadBytes(reader, _phaseValues.Length == 0 ? 0 : phases, "phase counts");
        _phaseHead = ReadBytes(reader, _phaseCount.Length, "phase heads");
        foreach (var n in _phaseCount) if (n < 0 || n > _options.Cycles) throw new InvalidDataException($"{n} cycles in a phase, where this detector keeps {_options.Cycles}.");
        foreach (var h in _phaseHead) if (h < 0 || h >= _options.Cycles) throw new InvalidDataException($"a phase head at {h}, where this detector keeps {_options.Cycles} cycles.");
        _meanAbsDiff = reader.ReadDouble();
        _previous = reader.ReadDouble();
    }

    private static byte[] ReadBytes(BinaryReader reader, int count, string what)
    {
        var bytes = reader.ReadBytes(count);
        if (bytes.Length != count) throw new EndOfStreamException($"the state ends in the {what}.");
        return bytes;
    }
}
