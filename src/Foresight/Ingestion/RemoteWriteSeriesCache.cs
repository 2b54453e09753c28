using System.Numerics;
using Foresight.Series;

namespace Foresight.Ingestion;

/// <summary>
/// The identity of recently decoded remote-write series, keyed by the raw protobuf bytes of their labels: a
/// sender writes a series' labels the same way in every request (Prometheus keeps each series' label set and
/// re-encodes it unchanged), so a request for a known series costs one hash and one byte comparison instead of
/// decoding, validating and sorting its labels again, and the decoder hands back the same <see cref="Labels"/>
/// instance each time (which the store then finds by reference). Four-way set-associative: each hash names a set of
/// four slots and a new series takes the place of the oldest of the four, so memory is bounded by the slot count
/// (524,288 slots, 4 MB; an entry per cached series holds its label bytes, some 200 B beside the label set the store
/// already holds) and a fleet larger than the cache only loses the shortcut for some of its series. A series loses it
/// where more series than ways share a set: senders write their series in the same order every round, so those
/// series then miss on every request. With two ways and 131,072 slots that was 45% of 100,000 series (Poisson with
/// 1.5 series a set; the soak's allocation profile showed the label sets decoded anew); a direct-mapped table had lost
/// 3.7% of 5,000. With four ways and 524,288 slots (0.76 series a set) it is 0.8% of 100,000 series.
/// Entries are immutable and a slot is replaced by one reference write, so concurrent requests share the table
/// without a lock (a race can lose an entry, which costs one full decode).
/// </summary>
internal sealed class RemoteWriteSeriesCache(int slots)
{
    private const int Ways = 4;
    private readonly Entry?[] _slots = new Entry?[(int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(Ways, slots))];

    /// <summary>The decoder's cache.</summary>
    public static RemoteWriteSeriesCache Shared { get; } = new(1 << 19);

    /// <summary>The metric and labels decoded before from exactly these label bytes, if still cached.</summary>
    public bool TryGet(ReadOnlySpan<byte> labelBytes, out string metric, out Labels labels)
    {
        var set = Set(labelBytes);
        for (var way = 0; way < Ways; way++)
        {
            var entry = _slots[set + way];
            if (entry is not null && labelBytes.SequenceEqual(entry.LabelBytes))
            {
                (metric, labels) = (entry.Metric, entry.Labels);
                return true;
            }
        }
        (metric, labels) = ("", Labels.Empty);
        return false;
    }

    /// <summary>Remembers a series decoded (and validated) from <paramref name="labelBytes"/>.</summary>
    public void Add(ReadOnlySpan<byte> labelBytes, string metric, Labels labels)
    {
        // The set's entries move one way down and the new one takes the first: the oldest is dropped.
        var set = Set(labelBytes);
        for (var way = Ways - 1; way > 0; way--) _slots[set + way] = _slots[set + way - 1];
        _slots[set] = new Entry(labelBytes.ToArray(), metric, labels);
    }

    /// <summary>The first slot of the set the bytes hash to.</summary>
    private int Set(ReadOnlySpan<byte> bytes)
    {
        var hash = new HashCode();
        hash.AddBytes(bytes);
        return hash.ToHashCode() & (_slots.Length - Ways);
    }

    private sealed record Entry(byte[] LabelBytes, string Metric, Labels Labels);
}
