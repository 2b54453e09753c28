namespace Foresight.Detection.State;

/// <summary>Snapshots of streaming detectors and the other restorable state of live detection.</summary>
public static class DetectorSnapshot
{
    /// <summary>
    /// The framing of a detector snapshot: magic <c>FSDT</c>, format version 8: the ensemble's members' shared clock and
    /// window written once; the context tables as bounded recency sets, the ensemble's as tags packed in as many bits as
    /// their layout needs; the likelihood's window as 11 blocks of 800 averages without per-block counts and its averaging
    /// window as 2-byte scores; a seasonal detector's phase counters as bytes. Version 7 had 16-bit tags and 64-bit block
    /// counts, 6 a clock and a window per member, 5 the averaging window as doubles, 4 4-byte context keys, 3 87 blocks of
    /// 100, 2 a count per block; versions 1 to 7 are refused and those series start cold.
    /// </summary>
    public static SnapshotFormat Format { get; } = new("FSDT", 8, "detector snapshot");

    /// <summary>A snapshot of <paramref name="state"/>.</summary>
    /// <exception cref="NotSupportedException">Part of the state (a wrapped detector) cannot be saved.</exception>
    public static byte[] Save(IRestorableState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return Format.Write(state.WriteState);
    }

    /// <summary>
    /// Restores <paramref name="fresh"/> from <paramref name="snapshot"/>. False, with a message for
    /// the log, when the snapshot is of another version, truncated, corrupt or of another kind of
    /// detector: <paramref name="fresh"/> must then be discarded and the state started cold.
    /// </summary>
    public static bool TryRestore(ReadOnlySpan<byte> snapshot, IRestorableState fresh, out string? error)
    {
        ArgumentNullException.ThrowIfNull(fresh);
        return Format.TryRead(snapshot, fresh.ReadState, out error);
    }
}
