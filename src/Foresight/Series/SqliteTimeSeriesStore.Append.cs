using System.Buffers.Binary;
using System.Globalization;
using Foresight.Series.Storage;

namespace Foresight.Series;

public sealed partial class SqliteTimeSeriesStore
{
    private const byte SamplesRecord = 1;
    private const int MaxListedRejections = 20;

    /// <summary>The bit pattern Prometheus writes to mark a series as stale; never stored.</summary>
    internal const ulong StaleNaNBits = 0x7ff0000000000002UL;

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
        ObjectDisposedException.ThrowIf(_disposed, this);
        var now = _options.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var futureLimit = now + (long)_options.FutureTolerance.TotalMilliseconds;
        var retentionMs = (long)_options.Retention.TotalMilliseconds;
        var oldestAllowed = retentionMs > 0 ? now - retentionMs : long.MinValue;
        var windowMs = (long)_options.OutOfOrderWindow.TotalMilliseconds;
        var rejections = new List<PointRejection>();
        var rejectedCount = 0;
        var dropped = 0;
        var accepted = 0;
        long mark;
        SeriesState?[]? appendedTargets = null;

        lock (_writeLock)
        {
            // Pass 1: resolve every entry to a series (existing or to be created).
            var keys = new string[batch.Count];
            var targets = new SeriesState?[batch.Count];
            var newest = new Dictionary<string, long>(StringComparer.Ordinal);
            for (var i = 0; i < batch.Count; i++)
            {
                var w = batch[i];
                if (!SeriesNames.IsValidMetricName(w.Metric))
                {
                    Reject(new PointRejection(i, w.Metric, -1, $"metric name '{w.Metric}' is not valid (expected [a-zA-Z_:][a-zA-Z0-9_:]*)"));
                    continue;
                }
                var key = keys[i] = StorageKey(tenant, w.Metric, w.Labels);
                _byKey.TryGetValue(key, out targets[i]);
                newest.TryAdd(key, targets[i]?.MaxTimestamp ?? long.MinValue);
            }

            // Pass 2: validate every point in batch order, tracking each series' newest timestamp
            // as it would be after the points before; nothing changes unless all pass.
            for (var i = 0; i < batch.Count; i++)
            {
                if (keys[i] is null) continue;
                var w = batch[i];
                var newestTs = newest[keys[i]];
                var firstRejected = rejectedCount;
                var points = w.Points;
                for (var j = 0; j < points.Count; j++)
                {
                    var p = points[j];
                    var bits = BitConverter.DoubleToUInt64Bits(p.Value);
                    if (bits == StaleNaNBits) continue;
                    if (!double.IsFinite(p.Value) && _options.NonFinite == NonFinitePolicy.Reject)
                    {
                        Reject(new PointRejection(i, Describe(w), j, $"value {Format(p.Value)} is not finite and this server rejects NaN/Inf (non-finite policy 'reject')"));
                    }
                    else if (p.Timestamp is < Point.MinTimestamp or > Point.MaxTimestamp)
                    {
                        Reject(new PointRejection(i, Describe(w), j,
                            $"timestamp {p.Timestamp} is not a Unix time in milliseconds between the years 1 and 9999 (is it in microseconds or nanoseconds?)"));
                    }
                    else if (p.Timestamp > futureLimit)
                    {
                        Reject(new PointRejection(i, Describe(w), j,
                            $"timestamp {p.Timestamp} is {Ms(p.Timestamp - now)} in the future; at most {Ms((long)_options.FutureTolerance.TotalMilliseconds)} ahead of the server clock is accepted"));
                    }
                    else if (p.Timestamp < oldestAllowed)
                    {
                        Reject(new PointRejection(i, Describe(w), j,
                            $"timestamp {p.Timestamp} is older than the retention period ({Ms(retentionMs)}); start the server with a longer --retention (0 keeps data forever) to import history"));
                    }
                    else if (newestTs != long.MinValue && p.Timestamp < newestTs - windowMs)
                    {
                        Reject(new PointRejection(i, Describe(w), j,
                            $"timestamp {p.Timestamp} is out of order: {Ms(newestTs - p.Timestamp)} older than the series' newest point ({newestTs}); the out-of-order window is {Ms(windowMs)}"));
                    }
                    else if (p.Timestamp > newestTs)
                    {
                        newestTs = p.Timestamp;
                    }
                }
                if (rejectedCount == firstRejected) newest[keys[i]] = newestTs;
            }
            if (rejectedCount > 0)
            {
                if (rejectedCount > rejections.Count)
                {
                    rejections.Add(new PointRejection(-1, "", -1, $"... and {rejectedCount - rejections.Count} more rejected points"));
                }
                return AppendResult.Rejected(rejections);
            }

            // Create new series (durable in SQLite before any log record refers to them).
            List<(long, string, string, string, string)>? newRows = null;
            for (var i = 0; i < batch.Count; i++)
            {
                if (targets[i] is not null) continue;
                if (_byKey.TryGetValue(keys[i], out var existing))
                {
                    targets[i] = existing;
                    continue;
                }
                var w = batch[i];
                var info = new SeriesInfo(_nextSeriesId, tenant, w.Metric, w.Labels);
                targets[i] = Register(info);
                (newRows ??= []).Add((info.Id, tenant, w.Metric, SerializeLabels(w.Labels), keys[i]));
            }
            if (newRows is not null)
            {
                try
                {
                    _db.InsertSeries(newRows);
                }
                catch (Exception ex)
                {
                    foreach (var row in newRows) Unregister(row.Item1);
                    if (ex is Microsoft.Data.Sqlite.SqliteException or IOException)
                        throw new StoreWriteException($"the new series could not be recorded ({ex.Message}); nothing of the batch was stored", ex);
                    throw;
                }
            }

            // One log record for the batch, then apply to the heads.
            var payload = BuildPayload(batch, targets, out accepted, out dropped);
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
                appendedTargets = targets;
            }
            else
            {
                mark = 0;
            }
        }
        if (mark > 0 && _options.SyncWrites) _wal.SyncTo(mark);
        if (_wal.CurrentSegmentBytes > CheckpointWalBytes) CheckpointRequested?.Invoke();
        return AppendResult.Ok(accepted, dropped, accepted > 0 ? Describe(batch, appendedTargets!) : []);

        void Reject(PointRejection r)
        {
            rejectedCount++;
            if (rejections.Count < MaxListedRejections) rejections.Add(r);
        }
    }

    private static List<AppendedSeries> Describe(IReadOnlyList<SeriesWrite> batch, SeriesState?[] targets)
    {
        var result = new List<AppendedSeries>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var points = new List<Point>(batch[i].Points.Count);
            foreach (var p in batch[i].Points)
            {
                if (BitConverter.DoubleToUInt64Bits(p.Value) != StaleNaNBits) points.Add(p);
            }
            if (points.Count > 0) result.Add(new AppendedSeries(targets[i]!.Info, points));
        }
        return result;
    }

    /// <inheritdoc />
    public event Action? CheckpointRequested;

    /// <summary>Log size after which a checkpoint is requested.</summary>
    internal const long CheckpointWalBytes = 128L * 1024 * 1024;

    private ReadOnlySpan<byte> BuildPayload(IReadOnlyList<SeriesWrite> batch, SeriesState?[] targets, out int accepted, out int dropped)
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
        var dropNonFinite = _options.NonFinite == NonFinitePolicy.Drop;
        for (var i = 0; i < batch.Count; i++)
        {
            var points = batch[i].Points;
            var countPos = pos + 8;
            BinaryPrimitives.WriteInt64LittleEndian(span[pos..], targets[i]!.Info.Id);
            pos += 12;
            var n = 0;
            for (var j = 0; j < points.Count; j++)
            {
                var p = points[j];
                var bits = BitConverter.DoubleToUInt64Bits(p.Value);
                if (bits == StaleNaNBits || (dropNonFinite && !double.IsFinite(p.Value)))
                {
                    dropped++;
                    continue;
                }
                BinaryPrimitives.WriteInt64LittleEndian(span[pos..], p.Timestamp);
                BinaryPrimitives.WriteUInt64LittleEndian(span[(pos + 8)..], bits);
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
        _byKey.Remove(StorageKey(state.Info.Tenant, state.Info.Metric, state.Info.Labels));
        _byTenant[state.Info.Tenant].Remove(state);
        _byMetric[(state.Info.Tenant, state.Info.Metric)].Remove(state);
    }

    private static string Describe(SeriesWrite w) => new SeriesKey("", w.Metric, w.Labels).Canonical();

    private static string Format(double v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>A duration in its two largest units (<c>2d3h</c>, <c>1h1m</c>, <c>5m30s</c>, <c>12.5s</c>), so 61 minutes does not read as 1h.</summary>
    internal static string Ms(long ms)
    {
        var t = TimeSpan.FromMilliseconds(Math.Min(Math.Abs((double)ms), TimeSpan.MaxValue.TotalMilliseconds - 1));
        if (t.TotalDays >= 1) return Two((long)t.TotalDays, "d", t.Hours, "h");
        if (t.TotalHours >= 1) return Two(t.Hours, "h", t.Minutes, "m");
        if (t.TotalMinutes >= 1) return Two(t.Minutes, "m", t.Seconds, "s");
        return string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.###}s");

        static string Two(long major, string majorUnit, int minor, string minorUnit) =>
            minor == 0 ? $"{major}{majorUnit}" : $"{major}{majorUnit}{minor}{minorUnit}";
    }
}
