using Foresight.Detection.State;

namespace Foresight.Detection;

/// <summary>
/// What the members of one <see cref="Ensemble"/> would each keep of the same input: the series' clock
/// (<see cref="CycleClock"/>, for <see cref="SeasonalRobustZScore"/> and <see cref="ForecastResidual"/>) and a window of
/// its latest values, the current one included (the recent window of <see cref="SeasonalRobustZScore"/>, which is the
/// values before the current one, and the window of <see cref="SpectralResidual"/>, the newest values). The ensemble
/// observes each point here once, before its members run; each member then reads what it used to keep, so the scores are
/// those of members with their own copies, at the memory of one (65 values and one clock instead of 64 + 59 values and
/// two clocks by default).
/// </summary>
internal sealed class SharedInput
{
    public SharedInput(int window, int maxPeriod)
    {
        Values = new RingBuffer(window);
        Clock = new CycleClock(maxPeriod);
    }

    /// <summary>The latest values, oldest first, the current point's last.</summary>
    public RingBuffer Values { get; }

    /// <summary>The clock, which has observed the current point's timestamp.</summary>
    public CycleClock Clock { get; }

    /// <summary>Called by the ensemble once per point, before its members.</summary>
    public void Observe(long timestamp, double value)
    {
        Clock.Observe(timestamp);
        Values.Push(value);
    }

    public void WriteState(BinaryWriter writer)
    {
        writer.WriteTag("input");
        Clock.WriteState(writer);
        Values.WriteState(writer);
    }

    public void ReadState(BinaryReader reader)
    {
        reader.ExpectTag("input");
        Clock.ReadState(reader);
        Values.ReadState(reader, "shared window");
    }
}
