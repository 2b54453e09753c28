using System.Globalization;
using Foresight.Series.Chunks;
using Foresight.Series;

namespace Foresight.Storage.Sqlite;

public sealed partial class SqliteTimeSeriesStore
{
    /// <inheritdoc />
    public ValueTask CheckpointAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Checkpoint();
        return ValueTask.CompletedTask;
    }

    /// <summary>Writes the sealed chunks and changed heads to SQLite in one transaction, then deletes the log segments it covers.</summary>
    internal void Checkpoint()
    {
        lock (_checkpointLock)
        {
            var chunks = new List<(long, SealedChunk, long)>();
            var moved = new List<(SeriesState State, int Count)>();
            var snapshots = new List<(long Id, HeadChunk? Head)>();
            int closedSegment;
            lock (_writeLock)
            {
                closedSegment = _wal.Rotate();
                foreach (var state in _dirty)
                {
                    if (state.Pending.Count > 0)
                    {
                        foreach (var c in state.Pending) chunks.Add((state.Info.Id, c, ++_nextChunkSeq));
                        moved.Add((state, state.BeginFlush()));
                    }
                    if (state.HeadDirty)
                    {
                        snapshots.Add((state.Info.Id, state.SnapshotHead()));
                        state.HeadDirty = false;
                    }
                }
                _dirty.Clear();
            }
            // Encoding the copies (a decode and ChunkCodec.Encode each) is most of a checkpoint's work: appends go on meanwhile.
            var heads = snapshots.ConvertAll(static h => (h.Id, h.Head is null ? null : SeriesState.ToChunk(h.Head)));
            try
            {
                _db.WriteCheckpoint(chunks, heads, closedSegment);
            }
            catch
            {
                // Nothing was committed: put everything back so the next checkpoint retries it.
                lock (_writeLock)
                {
                    foreach (var (state, count) in moved)
                    {
                        state.AbortFlush(count);
                        _dirty.Add(state);
                    }
                    foreach (var (id, _) in heads)
                    {
                        if (_byId.TryGetValue(id, out var s))
                        {
                            s.HeadDirty = true;
                            _dirty.Add(s);
                        }
                    }
                }
                throw;
            }
            lock (_writeLock)
            {
                foreach (var (state, count) in moved) state.EndFlush(count);
                foreach (var (_, c, _) in chunks)
                {
                    _storedChunks++;
                    _storedPoints += c.Count;
                    _storedBytes += c.Data.Length;
                }
            }
            _wal.DeleteThrough(closedSegment);
        }
    }

    /// <inheritdoc />
    public ValueTask<int> EnforceRetentionAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(EnforceRetention());
    }

    private int EnforceRetention()
    {
        var retentionMs = (long)_options.Retention.TotalMilliseconds;
        if (retentionMs <= 0) return 0;
        var cutoff = _options.Time.GetUtcNow().ToUnixTimeMilliseconds() - retentionMs;
        var removed = 0;
        lock (_checkpointLock)
        {
            long[] ids;
            lock (_writeLock) ids = [.. _byId.Keys];
            var (chunks, points, bytes) = _db.DeleteChunksBefore(cutoff, ids);
            removed += (int)chunks;
            lock (_writeLock)
            {
                _storedChunks -= chunks;
                _storedPoints -= points;
                _storedBytes -= bytes;
                foreach (var state in _byId.Values) removed += state.RemovePendingBefore(cutoff);
            }
        }
        return removed;
    }

    private void Recover(Action<string> log)
    {
        foreach (var (id, tenant, metric, labels) in _db.LoadSeries())
        {
            Register(new SeriesInfo(id, tenant, metric, DeserializeLabels(labels)));
        }
        (_storedChunks, _storedPoints, _storedBytes, _maxChunkSpan, _nextChunkSeq) = _db.ChunkTotals();

        var ts = new long[65536];
        var values = new double[65536];
        foreach (var (seriesId, data) in _db.LoadHeads())
        {
            if (!_byId.TryGetValue(seriesId, out var state)) continue;
            var n = ChunkCodec.Decode(data, ts, values);
            state.LoadHead(ts.AsSpan(0, n), values.AsSpan(0, n));
            _headPoints += n;
            state.MaxTimestamp = Math.Max(state.MaxTimestamp, n > 0 ? ts[n - 1] : long.MinValue);
        }
        foreach (var (seriesId, maxTs) in _db.NewestStoredTimestamps())
        {
            // The newest stored timestamp bounds out-of-order writes after a restart too.
            if (_byId.TryGetValue(seriesId, out var state)) state.MaxTimestamp = Math.Max(state.MaxTimestamp, maxTs);
        }

        var checkpointed = int.TryParse(_db.ReadMeta("checkpoint_segment"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var c) ? c : 0;
        var replayed = 0;
        var records = 0;
        foreach (var segment in _wal.ListSegments())
        {
            if (segment <= checkpointed || segment >= _wal.CurrentSegment) continue;
            replayed++;
            foreach (var payload in _wal.ReadSegment(segment, (valid, total) =>
                log($"write-ahead log segment {segment}: ignored a torn tail of {total - valid} bytes (a write cut short by a crash, never acknowledged)")))
            {
                try
                {
                    lock (_writeLock) ApplyPayload(payload);
                }
                catch (InvalidDataException ex)
                {
                    throw new InvalidDataException(
                        $"{_wal.SegmentPath(segment)}: {ex.Message}; the data directory was left as it is (was it written by a newer Foresight?)", ex);
                }
                records++;
            }
        }
        if (records > 0) log($"recovered {records} write-ahead log records from {replayed} segment(s)");
        if (replayed > 0) Checkpoint();
        _wal.DeleteThrough(checkpointed);
    }
}
