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

    /// <summary>Series a checkpoint takes per hold of the write lock.</summary>
    internal const int CheckpointSlice = 4096;

    /// <summary>The checkpoint's encoded heads (used under <see cref="_checkpointLock"/>).</summary>
    private readonly CheckpointArena _checkpointArena = new();

    /// <summary>For tests: called after each slice of a checkpoint, with the write lock released.</summary>
    internal Action<int>? CheckpointSliceTaken { get; set; }

    /// <summary>
    /// Writes the sealed chunks and changed heads to SQLite in one transaction, then deletes the log segments it covers.
    /// </summary>
    /// <remarks>
    /// The log is rotated first; the changed series are then taken <see cref="CheckpointSlice"/> at a time, each slice
    /// under one short hold of the write lock (its sealed chunks moved to flushing, a copy of its head's bytes), and a
    /// slice's copies are encoded with the lock released, so an append waits for one slice at most, never for the
    /// whole fleet's encodes. This stays consistent with the rotation: every point of the closed segments was applied
    /// to its series before the rotation (the log append and the head update share the lock), and points only move
    /// from a head to sealed chunks, so whatever a slice takes later still holds it. A slice may also take points
    /// written after the rotation; they are in the open segment too, and replaying it after a crash applies them
    /// again in log order onto the snapshot, which changes nothing (the same value for the same timestamp, and for a
    /// timestamp written twice the log's last write wins, since the head is the newest source a read merges).
    /// </remarks>
    internal void Checkpoint()
    {
        lock (_checkpointLock)
        {
            var chunks = new List<(long, SealedChunk, long)>();
            var moved = new List<(SeriesState State, int Count)>();
            var heads = new List<(long Id, CheckpointArena.Place? Head)>();
            var arena = _checkpointArena;
            var slice = new List<(long Id, HeadChunk? Head)>(CheckpointSlice);
            int closedSegment;
            SeriesState[] taken;
            lock (_writeLock)
            {
                closedSegment = _wal.Rotate();
                taken = [.. _dirty];
                _dirty.Clear();
            }
            try
            {
                for (var first = 0; first < taken.Length; first += CheckpointSlice)
                {
                    lock (_writeLock)
                    {
                        foreach (var state in taken.AsSpan(first, Math.Min(CheckpointSlice, taken.Length - first)))
                        {
                            if (state.Pending.Count > 0)
                            {
                                foreach (var c in state.Pending) chunks.Add((state.Info.Id, c, ++_nextChunkSeq));
                                moved.Add((state, state.BeginFlush()));
                            }
                            if (state.HeadDirty)
                            {
                                slice.Add((state.Info.Id, state.SnapshotHead()));
                                state.HeadDirty = false;
                            }
                        }
                    }
                    // Encoding the copies (a decode and ChunkCodec.Encode each) is most of a checkpoint's work.
                    // Each into the arena: the encoded arrays die young instead of waiting for the write below.
                    foreach (var (id, head) in slice) heads.Add((id, head is null ? null : arena.Add(head.Encode())));
                    slice.Clear();
                    CheckpointSliceTaken?.Invoke(first / CheckpointSlice);
                }
                _db.WriteCheckpoint(chunks, heads.Select(h => (h.Id, h.Head is { } place ? arena[place].ToArray() : null)), closedSegment);
            }
            catch
            {
                // Nothing was committed: put everything back so the next checkpoint retries it.
                lock (_writeLock)
                {
                    foreach (var (state, count) in moved) state.AbortFlush(count);
                    foreach (var state in taken)
                    {
                        if (!_byId.ContainsKey(state.Info.Id)) continue;
                        state.HeadDirty = true;
                        _dirty.Add(state);
                    }
                }
                throw;
            }
            finally
            {
                arena.Reset();
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
