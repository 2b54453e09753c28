using Foresight.Detection.State;

namespace Foresight.Detection;

/// <summary>
/// Infers a series' sampling step and daily cycle from its timestamps (Unix milliseconds): the step
/// is the median of the first <see cref="ProbeDeltas"/> spacings, and the period is a day of steps
/// when a day is a whole number of steps between 4 and <c>maxPeriod</c>, otherwise there is none.
/// The phase of a point comes from its time of day, not its position, so gaps do not shift it.
/// The probed spacings are let go once the step is known.
/// </summary>
internal sealed class CycleClock
{
    internal const int ProbeDeltas = 9;
    private const long DayMs = 86_400_000;
    private long[]? _deltas = new long[ProbeDeltas]; // null once Ready
    private readonly int _maxPeriod;
    private long _previous = long.MinValue;
    private int _seen;

    public CycleClock(int maxPeriod) => _maxPeriod = maxPeriod;

    /// <summary>The largest period kept, in steps.</summary>
    public int MaxPeriod => _maxPeriod;

    /// <summary>True once the step (and so the period, possibly 0) is known.</summary>
    public bool Ready { get; private set; }

    /// <summary>The sampling step in milliseconds, once <see cref="Ready"/>.</summary>
    public long StepMs { get; private set; }

    /// <summary>Steps per day, or 0 when the series has no usable daily cycle.</summary>
    public int Period { get; private set; }

    public void Observe(long timestamp)
    {
        if (_deltas is not null && _previous != long.MinValue)
        {
            _deltas[_seen++] = timestamp - _previous;
            if (_seen == ProbeDeltas)
            {
                Array.Sort(_deltas);
                StepMs = Math.Max(1, _deltas[ProbeDeltas / 2]);
                Period = DayMs % StepMs == 0 && DayMs / StepMs >= 4 && DayMs / StepMs <= _maxPeriod ? (int)(DayMs / StepMs) : 0;
                Ready = true;
                _deltas = null;
            }
        }
        _previous = timestamp;
    }

    /// <summary>The position of a timestamp in the daily cycle, in [0, Period).</summary>
    public int Phase(long timestamp)
    {
        var ms = ((timestamp % DayMs) + DayMs) % DayMs;
        return (int)(ms / StepMs) % Period;
    }

    public void WriteState(BinaryWriter writer)
    {
        writer.Write(_previous);
        writer.Write(Ready);
        if (_deltas is not null)
        {
            writer.Write(_seen);
            for (var i = 0; i < _seen; i++) writer.Write(_deltas[i]);
            return;
        }
        writer.Write(StepMs);
        writer.Write(Period);
    }

    public void ReadState(BinaryReader reader)
    {
        _previous = reader.ReadInt64();
        Ready = reader.ReadBoolean();
        if (!Ready)
        {
            (StepMs, Period) = (0, 0);
            _seen = reader.ReadInt32();
            if (_seen < 0 || _seen >= ProbeDeltas) throw new InvalidDataException($"{_seen} spacings probed before the step is known, where {ProbeDeltas} make it known.");
            _deltas = new long[ProbeDeltas];
            for (var i = 0; i < _seen; i++) _deltas[i] = reader.ReadInt64();
            return;
        }
        _deltas = null;
        _seen = ProbeDeltas;
        StepMs = reader.ReadInt64();
        if (StepMs < 1) throw new InvalidDataException($"a step of {StepMs} ms.");
        Period = reader.ReadInt32();
        if (Period < 0 || Period > _maxPeriod) throw new InvalidDataException($"a daily period of {Period} steps, where this detector keeps at most {_maxPeriod}.");
    }
}
