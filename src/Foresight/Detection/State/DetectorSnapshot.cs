namespace Foresight.Detection.State;

/// <summary>Snapshots of streaming detectors and the other restorable state of live detection.</summary>
public static class DetectorSnapshot
{
    /// <summary>
    /// The framing of a detector snapshot: magic <c>FSDT</c>, format version 7 (the ensemble's members' shared clock and window written once;
    /// the likelihood's window as blocks
    /// without per-block counts, 11 of 800 averages, its averaging window as 2-byte scores; the context tables as bounded recency sets, the ensemble's as 2-byte
    /// tags, a seasonal detector's phase counters as bytes; version 6 had a clock and a window per member, 5 the averaging window as doubles, 4 had 4-byte context keys, 3 had 87 blocks of 100,
    /// version 2 a count per block; versions 1 to 6 are refused and those series start cold).
    /// </summary>
    public static SnapshotFormat Format { get; } = new("FSDT", 7, "detector snapshot");

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
