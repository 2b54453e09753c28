using Foresight.Series;
using Foresight.Series.Chunks;

namespace Foresight.Storage.Sqlite;

/// <summary>A sealed, compressed run of one series' points.</summary>
internal sealed record SealedChunk(long MinTs, long MaxTs, int Count, byte[] Data);

/// <summary>
/// In-memory state of one series: its identity, the open head chunk (compressed as it is appended,
/// <see cref="HeadChunk"/>) and the chunks sealed since the last checkpoint. Guarded by the store's write lock.
/// </summary>
internal sealed class SeriesState
{
    private readonly HeadChunk _head = new();

    public SeriesState(SeriesInfo info) => Info = info;

    public SeriesInfo Info { get; }

    /// <summary>Points in the head.</summary>
    public int HeadCount => _head.Count;

    /// <summary>Newest timestamp ever accepted for this series (long.MinValue when none).</summary>
    public long MaxTimestamp { get; set; } = long.MinValue;

    /// <summary>Head changed since the last checkpoint snapshot.</summary>
    public bool HeadDirty { get; set; }

    // Both lists exist only while they hold a chunk: most series seal one chunk an hour or less, and two empty
    // lists per series were 64 B each of 200,000 series (the fleet-size gcdump, issue 18).
    private List<SealedChunk>? _pending;
    private List<SealedChunk>? _flushing;

    /// <summary>Chunks sealed since the last checkpoint, not yet in the database.</summary>
    public IReadOnlyList<SealedChunk> Pending => _pending ?? (IReadOnlyList<SealedChunk>)[];

    /// <summary>Chunks being written by a running checkpoint (still served from memory until committed).</summary>
    public IReadOnlyList<SealedChunk> Flushing => _flushing ?? (IReadOnlyList<SealedChunk>)[];

    /// <summary>Moves the pending chunks behind those already flushing (a checkpoint takes them); returns how many moved.</summary>
    public int BeginFlush()
    {
        if (_pending is null) return 0;
        var moved = _pending.Count;
        if (_flushing is null) _flushing = _pending;
        else _flushing.AddRange(_pending);
        _pending = null;
        return moved;
    }

    /// <summary>The checkpoint committed the first <paramref name="count"/> flushing chunks: they are in the database now.</summary>
    public void EndFlush(int count)
    {
        if (_flushing is null) return;
        _flushing.RemoveRange(0, count);
        if (_flushing.Count == 0) _flushing = null;
    }

    /// <summary>The checkpoint failed: its first <paramref name="count"/> flushing chunks are pending again, ahead of newer ones.</summary>
    public void AbortFlush(int count)
    {
        if (_flushing is null || count == 0) return;
        (_pending ??= []).InsertRange(0, _flushing.GetRange(0, count));
        EndFlush(count);
    }

    /// <summary>Drops pending chunks wholly older than <paramref name="cutoff"/> (retention); returns how many.</summary>
    public int RemovePendingBefore(long cutoff)
    {
        if (_pending is null) return 0;
        var removed = _pending.RemoveAll(c => c.MaxTs < cutoff);
        if (_pending.Count == 0) _pending = null;
        return removed;
    }

    /// <summary>Oldest timestamp in the head, long.MaxValue when it is empty.</summary>
    public long HeadFirst => _head.Count == 0 ? long.MaxValue : _head.First;

    /// <summary>Appends the head's points with <paramref name="from"/> ≤ timestamp &lt; <paramref name="to"/>, in order.</summary>
    public void CopyHead(long from, long to, List<Point> into) => _head.CopyRange(from, to, into);

    /// <summary>Adds a point to the head: appended when newest, kept aside for the next re-encode otherwise; an equal
    /// timestamp takes the new value.</summary>
    public void Add(long ts, double value)
    {
        HeadDirty = true;
        if (ts > MaxTimestamp) MaxTimestamp = ts;
        _head.Add(ts, value);
    }

    /// <summary>Encodes the head into a sealed chunk and empties it.</summary>
    public SealedChunk Seal()
    {
        var chunk = Encode();
        (_pending ??= []).Add(chunk);
        _head.Clear();
        HeadDirty = true;
        return chunk;
    }

    /// <summary>A copy of the head for a checkpoint snapshot (a copy of its bytes, cheap under the write lock; the
    /// checkpoint encodes it with <see cref="HeadChunk.Encode"/> after releasing the lock), or null when empty.</summary>
    public HeadChunk? SnapshotHead() => HeadCount == 0 ? null : _head.Clone();


    /// <summary>Restores the head from a snapshot taken by <see cref="SnapshotHead"/>.</summary>
    public void LoadHead(ReadOnlySpan<long> ts, ReadOnlySpan<double> values)
    {
        for (var i = 0; i < ts.Length; i++) Add(ts[i], values[i]);
        HeadDirty = false;
    }

    private SealedChunk Encode() => new(_head.First, _head.Last, _head.Count, _head.Encode());
}
