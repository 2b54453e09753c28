namespace Foresight.Detection;

/// <summary>
/// Infers a series' sampling step and daily cycle from its timestamps (Unix milliseconds): the step
/// is the median of the first <see cref="ProbeDeltas"/> spacings, and the period is a day of steps
/// when a day is a whole number of steps between 4 and <c>maxPeriod</c>, otherwise there is none.
/// The phase of a point comes from its time of day, not its position, so gaps do not shift it.
/// </summary>
internal sealed class CycleClock
{
    internal const int ProbeDeltas = 9;
    private const long DayMs = 86_400_000;
    private readonly long[] _deltas = new long[ProbeDeltas];
    private readonly int _maxPeriod;
    private long _previous = long.MinValue;
    private int _seen;

    public CycleClock(int maxPeriod) => _maxPeriod = maxPeriod;

    /// <summary>True once the step (and so the period, possibly 0) is known.</summary>
    public bool Ready { get; private set; }

    /// <summary>The sampling step in milliseconds, once <see cref="Ready"/>.</summary>
    public long StepMs { get; private set; }

    /// <summary>Steps per day, or 0 when the series has no usable daily cycle.</summary>
    public int Period { get; private set; }

    public void Observe(long timestamp)
    {
        if (!Ready && _previous != long.MinValue)
        {
            _deltas[_seen++] = timestamp - _previous;
            if (_seen == ProbeDeltas)
            {
                Array.Sort(_deltas);
                StepMs = Math.Max(1, _deltas[ProbeDeltas / 2]);
                Period = DayMs % StepMs == 0 && DayMs / StepMs >= 4 && DayMs / StepMs <= _maxPeriod ? (int)(DayMs / StepMs) : 0;
                Ready = true;
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
}
