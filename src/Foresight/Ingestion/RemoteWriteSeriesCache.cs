using System.Numerics;
using Foresight.Series;

namespace Foresight.Ingestion;

/// <summary>
/// The identity of recently decoded remote-write series, keyed by the raw protobuf bytes of their labels: a
/// sender writes a series' labels the same way in every request (Prometheus keeps each series' label set and
/// re-encodes it unchanged), so a request for a known series costs one hash and one byte comparison instead of
/// decoding, validating and sorting its labels again, and the decoder hands back the same <see cref="Labels"/>
/// instance each time (which the store then finds by reference). Direct-mapped: a slot per hash, the newest
/// series wins a collision, so memory is bounded by the slot count (131,072: the label bytes and an entry per
/// cached series, some 200 B beside the label set the store already holds) and a fleet larger than the cache
/// only loses the shortcut for some of its series. Entries are immutable and a slot is replaced by one reference
/// write, so concurrent requests share it without a lock.
/// </summary>
internal sealed class RemoteWriteSeriesCache(int slots)
{
    private readonly Entry?[] _slots = new Entry?[(int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, slots))];

    /// <summary>The decoder's cache.</summary>
    public static RemoteWriteSeriesCache Shared { get; } = new(1 << 17);

    /// <summary>The metric and labels decoded before from exactly these label bytes, if still cached.</summary>
    public bool TryGet(ReadOnlySpan<byte> labelBytes, out string metric, out Labels labels)
    {
        var entry = _slots[Slot(labelBytes)];
        if (entry is not null && labelBytes.SequenceEqual(entry.LabelBytes))
        {
            (metric, labels) = (entry.Metric, entry.Labels);
            return true;
        }
        (metric, labels) = ("", Labels.Empty);
        return false;
    }

    /// <summary>Remembers a series decoded (and validated) from <paramref name="labelBytes"/>.</summary>
    public void Add(ReadOnlySpan<byte> labelBytes, string metric, Labels labels) =>
        _slots[Slot(labelBytes)] = new Entry(labelBytes.ToArray(), metric, labels);

    private int Slot(ReadOnlySpan<byte> bytes)
    {
        var hash = new HashCode();
        hash.AddBytes(bytes);
        return hash.ToHashCode() & (_slots.Length - 1);
    }

    private sealed record Entry(byte[] LabelBytes, string Metric, Labels Labels);
}
