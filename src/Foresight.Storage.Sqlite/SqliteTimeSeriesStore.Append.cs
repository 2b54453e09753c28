using System.Buffers.Binary;
using Foresight.Series;

namespace Foresight.Storage.Sqlite;

public sealed partial class SqliteTimeSeriesStore
{
    private const byte SamplesRecord = 1;

    private byte[] _payload = new byte[64 * 1024];
    private byte[] _walScratch = new byte[64 * 1024 + 8];

    /// <inheritdoc />
    public ValueTask<AppendResult> AppendAsync(string tenant, IReadOnlyList<SeriesWrite> batch, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Append(tenant, batch));
    }

    private AppendResult Append(string tenant, IReadOnlyList<SeriesWrite> batch)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(batch);
        if (tenant.Contains('\0', StringComparison.Ordinal)) throw new ArgumentException("a tenant name holds no NUL", nameof(tenant));
        ObjectDisposedException.ThrowIf(_disposed, this);
        int accepted;
        int dropped;
        long mark;
        List<AppendedSeries> stored = [];

        AppendVerdict verdict;
        lock (_writeLock)
        {
            // Resolve every entry to its series (existing, or to be created if any of its points is stored).
            // A known series is found by its label set (whose hash is computed once, and which a decoder that caches
            // series hands back as the same instance) without building a key string.
            var keys = new (string Tenant, string Metric, Labels Labels)[batch.Count];
            var targets = new SeriesState?[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                keys[i] = (tenant, batch[i].Metric, batch[i].Labels);
                _byIdentity.TryGetValue(keys[i], out targets[i]);
            }
            verdict = _validator.Validate(batch, keys, key => _byIdentity.TryGetValue(key, out var s) ? s.MaxTimestamp : long.MinValue);
            CreateSeries(tenant, batch, keys, targets, verdict);

            // One log record for the batch, then apply to the heads.
            var payload = BuildPayload(batch, targets, verdict, out accepted, out dropped);
            if (accepted > 0)
            {
                if (_walScratch.Length < payload.Length + 8) _walScratch = new byte[payload.Length + 8];
                try
                {
                    mark = _wal.Append(payload, _walScratch);
                }
                catch (IOException ex)
                {
                    // Nothing was applied: the heads change only after the log holds the record.
                    throw new StoreWriteException($"the write-ahead log could not be written ({ex.Message}); nothing of the batch was stored", ex);
                }
                ApplyPayload(payload);
                stored = AppendValidator.Stored(batch, verdict, i => targets[i]!.Info);
            }
            else
            {
                mark = 0;
            }
        }
        if (mark > 0 && _options.SyncWrites) _wal.SyncTo(mark);
        if (_wal.CurrentSegmentBytes > CheckpointWalBytes) CheckpointRequested?.Invoke();
        return new AppendResult(accepted, dropped, verdict.RejectedPoints, verdict.Rejections, stored);
    }

    /// <summary>
    /// Creates the series of the entries that store a point and have none yet, durable in SQLite before any
    /// log record refers to them. A series SQLite refuses for itself is refused alone (named in
    /// <paramref name="verdict"/>) and the others are created; a failure of the database as a whole (full disk,
    /// I/O error, read-only file) throws <see cref="StoreWriteException"/> with nothing of the batch stored.
    /// </summary>
    private void CreateSeries(string tenant, IReadOnlyList<SeriesWrite> batch, (string, string, Labels)[] keys, SeriesState?[] targets,
        AppendVerdict verdict)
    {
        List<(int Entry, SeriesRow Row)>? created = null;
        for (var i = 0; i < batch.Count; i++)
        {
            if (targets[i] is not null || !verdict.StoresAny(batch, i)) continue;
            if (_byIdentity.TryGetValue(keys[i], out var existing))
            {
                targets[i] = existing;
                continue;
            }
            var w = batch[i];
            var info = new SeriesInfo(_nextSeriesId, tenant, w.Metric, w.Labels);
            targets[i] = Register(info);
            (created ??= []).Add((i, new SeriesRow(info.Id, tenant, w.Metric, SerializeLabels(w.Labels))));
        }
        if (created is null) return;
        try
        {
            _db.InsertSeries([.. created.Select(c => c.Row)]);
            return;
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex) when (!SqliteDatabase.IsStorageFailure(ex))
        {
            // One series at a time, so only the ones SQLite refuses are left out.
        }
        catch (Exception ex)
        {
            foreach (var (_, row) in created) Unregister(row.Id);
            if (ex is Microsoft.Data.Sqlite.SqliteException or IOException)
                throw new StoreWriteException($"the new series could not be recorded ({ex.Message}); nothing of the batch was stored", ex);
            throw;
        }
        foreach (var (entry, row) in created)
        {
            try
            {
                _db.InsertSeries([row]);
            }
            catch (Microsoft.Data.Sqlite.SqliteException ex) when (!SqliteDatabase.IsStorageFailure(ex))
            {
                Unregister(row.Id);
                for (var i = entry; i < batch.Count; i++)
                {
                    if (targets[i]?.Info.Id != row.Id) continue;
                    targets[i] = null;
                    var points = 0;
                    for (var j = 0; j < batch[i].Points.Count; j++)
                    {
                        if (verdict.Stores(i, j, batch[i].Points[j].Value)) points++;
                    }
                    verdict.RefuseSeries(i, points,
                        new PointRejection(i, new SeriesKey("", batch[i].Metric, batch[i].Labels).Canonical(), -1,
                            $"the series could not be recorded ({ex.Message.TrimEnd('.')})"));
                }
            }
        }
    }

    /// <inheritdoc />
    public event Action? CheckpointRequested;

    /// <summary>Log size after which a checkpoint is requested.</summary>
    internal const long CheckpointWalBytes = 128L * 1024 * 1024;

    private ReadOnlySpan<byte> BuildPayload(IReadOnlyList<SeriesWrite> batch, SeriesState?[] targets, AppendVerdict verdict, out int accepted, out int dropped)
    {
        accepted = 0;
        dropped = 0;
        var total = 0;
        foreach (var w in batch) total += w.Points.Count;
        var size = 1 + 4 + batch.Count * 12 + total * 16;
        if (_payload.Length < size) _payload = new byte[Math.Max(size, _payload.Length * 2)];
        var span = _payload.AsSpan();
        span[0] = SamplesRecord;
        var pos = 5;
        var entries = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            var points = batch[i].Points;
            if (targets[i] is null)
            {
                // Refused whole, or nothing of it stored (no series was created): count what policy left out.
                if (verdict.RefusesSeries(i)) continue;
                for (var j = 0; j < points.Count; j++)
                {
                    if (!_validator.Keeps(points[j].Value)) dropped++;
                }
                continue;
            }
            var countPos = pos + 8;
            BinaryPrimitives.WriteInt64LittleEndian(span[pos..], targets[i]!.Info.Id);
            pos += 12;
            var n = 0;
            for (var j = 0; j < points.Count; j++)
            {
                var p = points[j];
                if (verdict.Refuses(i, j)) continue;
                if (!_validator.Keeps(p.Value))
                {
                    dropped++;
                    continue;
                }
                BinaryPrimitives.WriteInt64LittleEndian(span[pos..], p.Timestamp);
                BinaryPrimitives.WriteUInt64LittleEndian(span[(pos + 8)..], BitConverter.DoubleToUInt64Bits(p.Value));
                pos += 16;
                n++;
            }
            if (n == 0)
            {
                pos -= 12;
                continue;
            }
            BinaryPrimitives.WriteInt32LittleEndian(span[countPos..], n);
            accepted += n;
            entries++;
        }
        BinaryPrimitives.WriteInt32LittleEndian(span[1..], entries);
        return span[..pos];
    }

    /// <summary>Applies one samples record to the heads (used by appends and by log replay).</summary>
    private void ApplyPayload(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 5 || payload[0] != SamplesRecord)
        {
            throw new InvalidDataException($"unknown write-ahead log record type {(payload.Length > 0 ? payload[0] : -1)}");
        }
        var entries = BinaryPrimitives.ReadInt32LittleEndian(payload[1..]);
        var pos = 5;
        var chunkPoints = _options.ChunkPoints;
        var spanMs = (long)_options.ChunkSpan.TotalMilliseconds;
        for (var e = 0; e < entries; e++)
        {
            var id = BinaryPrimitives.ReadInt64LittleEndian(payload[pos..]);
            var n = BinaryPrimitives.ReadInt32LittleEndian(payload[(pos + 8)..]);
            pos += 12;
            if (!_byId.TryGetValue(id, out var state))
            {
                throw new InvalidDataException($"write-ahead log refers to unknown series id {id}");
            }
            var before = state.HeadCount;
            for (var j = 0; j < n; j++)
            {
                var ts = BinaryPrimitives.ReadInt64LittleEndian(payload[pos..]);
                var value = BitConverter.UInt64BitsToDouble(BinaryPrimitives.ReadUInt64LittleEndian(payload[(pos + 8)..]));
                pos += 16;
                if (state.HeadCount > 0 && ts > state.MaxTimestamp
                    && (state.HeadCount >= chunkPoints || ts - state.HeadFirst >= spanMs))
                {
                    _headPoints -= before;   // the sealed points that were counted; the rest never were
                    before = 0;
                    var chunk = state.Seal();
                    if (chunk.MaxTs - chunk.MinTs > _maxChunkSpan) _maxChunkSpan = chunk.MaxTs - chunk.MinTs;
                }
                state.Add(ts, value);
            }
            _headPoints += state.HeadCount - before;
            _dirty.Add(state);
        }
    }

    private void Unregister(long id)
    {
        if (!_byId.Remove(id, out var state)) return;
        _byIdentity.Remove((state.Info.Tenant, state.Info.Metric, state.Info.Labels));
        lock (_catalogLock) _index.Remove(state.Info, state);
    }
}
