using Foresight.Series.Chunks;
using Foresight.Series;

namespace Foresight.Storage.Sqlite;

public sealed partial class SqliteTimeSeriesStore
{
    /// <inheritdoc />
    public ValueTask<bool> ReadAsync(string tenant, long seriesId, long from, long to, List<Point> into, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(tenant, seriesId, from, to, into));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SeriesPoints>> ReadManyAsync(string tenant, IReadOnlyList<long> seriesIds, long from, long to,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(seriesIds);
        var result = new List<SeriesPoints>(seriesIds.Count);
        foreach (var id in seriesIds)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var points = new List<Point>();
            if (Read(tenant, id, from, to, points)) result.Add(new SeriesPoints(id, points));
        }
        return ValueTask.FromResult<IReadOnlyList<SeriesPoints>>(result);
    }

    private bool Read(string tenant, long seriesId, long from, long to, List<Point> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        if (to <= from) return Get(tenant, seriesId) is not null;

        // Sources in write order (oldest first): stored chunks, chunks being checkpointed, chunks
        // sealed since, the head. In-memory sources are taken first: a chunk committed by a
        // concurrent checkpoint is then seen twice (and de-duplicated), never missed.
        var memory = new List<SealedChunk>();
        var head = new List<Point>();
        long maxSpan;
        lock (_writeLock)
        {
            if (!_byId.TryGetValue(seriesId, out var state) || state.Info.Tenant != tenant) return false;
            foreach (var c in state.Flushing) if (c.MaxTs >= from && c.MinTs < to) memory.Add(c);
            foreach (var c in state.Pending) if (c.MaxTs >= from && c.MinTs < to) memory.Add(c);
            state.CopyHead(from, to, head);
            maxSpan = _maxChunkSpan;
        }
        var stored = new List<(long MinTs, long MaxTs, long Seq, byte[] Data)>();
        _db.ReadChunks(seriesId, from, to, maxSpan, stored);

        var sources = new List<(long MinTs, long MaxTs, int Order, byte[]? Data)>(stored.Count + memory.Count + 1);
        stored.Sort(static (a, b) => a.Seq.CompareTo(b.Seq));
        foreach (var c in stored) sources.Add((c.MinTs, c.MaxTs, sources.Count, c.Data));
        foreach (var c in memory) sources.Add((c.MinTs, c.MaxTs, sources.Count, c.Data));
        if (head.Count > 0) sources.Add((head[0].Timestamp, head[^1].Timestamp, sources.Count, null));

        sources.Sort(static (a, b) => a.MinTs != b.MinTs ? a.MinTs.CompareTo(b.MinTs) : a.Order.CompareTo(b.Order));
        var disjoint = true;
        for (var i = 1; i < sources.Count; i++)
        {
            if (sources[i].MinTs <= sources[i - 1].MaxTs)
            {
                disjoint = false;
                break;
            }
        }
        if (disjoint)
        {
            foreach (var s in sources) AddSource(s.Data, head, from, to, into);
            return true;
        }

        // Overlap from out-of-order writes: merge by timestamp, the newest write of a timestamp wins.
        var merged = new List<(Point Point, int Order)>();
        var scratch = new List<Point>();
        foreach (var s in sources)
        {
            scratch.Clear();
            AddSource(s.Data, head, from, to, scratch);
            foreach (var p in scratch) merged.Add((p, s.Order));
        }
        merged.Sort(static (a, b) => a.Point.Timestamp != b.Point.Timestamp
            ? a.Point.Timestamp.CompareTo(b.Point.Timestamp)
            : a.Order.CompareTo(b.Order));
        for (var i = 0; i < merged.Count; i++)
        {
            if (i + 1 < merged.Count && merged[i + 1].Point.Timestamp == merged[i].Point.Timestamp) continue;
            into.Add(merged[i].Point);
        }
        return true;
    }

    private static void AddSource(byte[]? data, List<Point> head, long from, long to, List<Point> into)
    {
        if (data is not null)
        {
            ChunkCodec.DecodeInto(data, into, from, to);
        }
        else
        {
            into.AddRange(head);
        }
    }
}
