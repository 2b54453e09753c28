using Foresight.Series;
using Foresight.Series.Chunks;

namespace Foresight.Storage.Sqlite;

/// <summary>A sealed, compressed run of one series' points.</summary>
internal sealed record SealedChunk(long MinTs, long MaxTs, int Count, byte[] Data);

/// <summary>
/// In-memory state of one series: its identity, the open head chunk (sorted, unique timestamps,
/// kept raw so out-of-order points can be inserted) and the chunks sealed since the last
/// checkpoint. Guarded by the store's write lock.
/// </summary>
internal sealed class SeriesState
{
    private long[] _ts = new long[16];
    private double[] _values = new double[16];

    public SeriesState(SeriesInfo info, string key) => (Info, Key) = (info, key);

    public SeriesInfo Info { get; }

    /// <summary>The store's in-memory key of the series (tenant, NUL, canonical metric{labels}).</summary>
    public string Key { get; }

    /// <summary>Points in the head.</summary>
    public int HeadCount { get; private set; }

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

    public ReadOnlySpan<long> HeadTimestamps => _ts.AsSpan(0, HeadCount);

    public ReadOnlySpan<double> HeadValues => _values.AsSpan(0, HeadCount);

    public long HeadFirst => HeadCount == 0 ? long.MaxValue : _ts[0];

    /// <summary>Adds a point to the head: appended when newest, inserted in order otherwise; an equal timestamp is overwritten.</summary>
    public void Add(long ts, double value)
    {
        HeadDirty = true;
        if (ts > MaxTimestamp) MaxTimestamp = ts;
        var n = HeadCount;
        if (n == 0 || ts > _ts[n - 1])
        {
            if (n == _ts.Length) Grow();
            _ts[n] = ts;
            _values[n] = value;
            HeadCount = n + 1;
            return;
        }
        var i = Array.BinarySearch(_ts, 0, n, ts);
        if (i >= 0)
        {
            _values[i] = value;
            return;
        }
        i = ~i;
        if (n == _ts.Length) Grow();
        Array.Copy(_ts, i, _ts, i + 1, n - i);
        Array.Copy(_values, i, _values, i + 1, n - i);
        _ts[i] = ts;
        _values[i] = value;
        HeadCount = n + 1;
    }

    /// <summary>Encodes the head into a sealed chunk and empties it.</summary>
    public SealedChunk Seal()
    {
        var chunk = Encode();
        (_pending ??= []).Add(chunk);
        HeadCount = 0;
        HeadDirty = true;
        if (_ts.Length > 4096)
        {
            _ts = new long[16];
            _values = new double[16];
        }
        return chunk;
    }

    /// <summary>The head as a chunk (for checkpoint snapshots), or null when empty.</summary>
    public SealedChunk? SnapshotHead() => HeadCount == 0 ? null : Encode();

    /// <summary>Restores the head from a snapshot taken by <see cref="SnapshotHead"/>.</summary>
    public void LoadHead(ReadOnlySpan<long> ts, ReadOnlySpan<double> values)
    {
        for (var i = 0; i < ts.Length; i++) Add(ts[i], values[i]);
        HeadDirty = false;
    }

    private SealedChunk Encode()
    {
        var ts = HeadTimestamps;
        var data = ChunkCodec.Encode(ts, HeadValues);
        return new SealedChunk(ts[0], ts[^1], ts.Length, data);
    }

    private void Grow()
    {
        Array.Resize(ref _ts, _ts.Length * 2);
        Array.Resize(ref _values, _values.Length * 2);
    }
}
