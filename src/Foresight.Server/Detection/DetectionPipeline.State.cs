using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime;
using Foresight.Detection;
using Foresight.Detection.Incidents;
using Foresight.Detection.Multivariate;
using Foresight.Detection.State;
using Foresight.Series;
using Foresight.Server.Observability;

namespace Foresight.Server.Detection;

/// <summary>
/// Durable live detection. Every <see cref="DetectionOptions.SnapshotInterval"/> and on shutdown,
/// the worker (between two batches, so every part describes the same moment) writes to the
/// <see cref="IStateStore"/>, in one transaction: each series' scorer and each service's
/// cross-metric detector that changed since the last save (<c>detection/series/…</c>,
/// <c>detection/services/…</c>), the incidents (<c>detection/incidents</c>), the recent anomalies
/// and a manifest. At start, before the server reports ready, they are read back; a part that is
/// of another format version, truncated or corrupt is logged and starts cold. Then the points
/// stored after a series' last scored point (and every point of a series created since the save)
/// are replayed through the restored detectors in timestamp order, so no stored point goes
/// unscored. A replayed point whose score was already stored had been processed before the
/// restart: it moves the detectors and incidents on but is not announced again and its score is
/// not rewritten.
/// </summary>
public sealed partial class DetectionPipeline
{
    private const string SeriesPrefix = "detection/series/";
    private const string ServicesPrefix = "detection/services/";
    private const string IncidentsKey = "detection/incidents";
    private const string AnomaliesKey = "detection/anomalies";
    private const string ManifestKey = "detection/manifest";

    /// <summary>Points whose scores are gathered before they are written, during a replay.</summary>
    private const int ReplayWriteBatch = 50_000;

    /// <summary>The framing of the pipeline's own entries (series, services, anomalies, manifest): magic <c>FSDP</c>, format version 1.</summary>
    public static SnapshotFormat StateFormat { get; } = new("FSDP", 1, "detection state");

    private readonly HashSet<(string Tenant, long Id)> _dirtySeries = [];
    private readonly HashSet<(string Tenant, string Service)> _dirtyServices = [];
    private readonly List<string> _staleKeys = [];
    private bool _anomaliesChanged;
    private long _saves;
    private long _savedScored;
    private long _restoredSeries;
    private long _replayed;

    /// <summary>Snapshots written since start.</summary>
    public long StateSaves => Interlocked.Read(ref _saves);

    /// <summary><see cref="Scored"/> when the last snapshot was taken.</summary>
    public long StateSavedScored => Interlocked.Read(ref _savedScored);

    /// <summary>Series whose detector state was restored at start.</summary>
    public long RestoredSeries => Interlocked.Read(ref _restoredSeries);

    /// <summary>Points replayed at start (stored after the last snapshot).</summary>
    public long ReplayedPoints => Interlocked.Read(ref _replayed);

    /// <summary>Restores the saved state and replays what was stored after it, then starts the worker.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_state is not null && _options.Enabled)
        {
            try
            {
                await RestoreStateAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.StateRestoreFailed(_logger, ex);
                _detectors.Clear();
                _services.Clear();
            }
            if (RestoredSeries > 0 || ReplayedPoints > 0) CompactAfterRestore();
        }
        await base.StartAsync(cancellationToken);
    }

    /// <summary>
    /// One blocking, compacting collection of every generation, the large-object heap included, once the restore and
    /// the replay are done and before the server reports ready. Both allocate for the whole fleet at once (the saved
    /// state, the replayed points, their scores), long enough for much of it to reach gen2 and the large-object heap
    /// between the state that stays; under the server's GC settings (docs/operations.md#memory) those holes were kept:
    /// the 30-minute soak at 100,000 series held 159 MB of gen2 and 96 MB of large-object fragmentation after its
    /// kill -9, where the first run held 19 MB and 1 MB (dotnet-counters, <c>dotnet.gc.last_collection.heap.fragmentation.size</c>).
    /// </summary>
    private static void CompactAfterRestore()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    /// <summary>Stops the worker, then saves the state once more.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Only once the worker has stopped: the state must not change while it is written.
        if (ExecuteTask is { IsCompleted: true } && _state is not null && _options.Enabled) await SaveStateAsync(cancellationToken);
    }

    /// <summary>Writes what changed since the last save, in one transaction; a failure is logged and retried at the next save.</summary>
    private async Task SaveStateAsync(CancellationToken cancellationToken)
    {
        // Incidents and anomalies change only with scored points, which mark their series.
        if (_dirtySeries.Count == 0 && _dirtyServices.Count == 0 && _staleKeys.Count == 0) return;
        var started = Stopwatch.GetTimestamp();
        try
        {
            // The entries are produced one at a time as the store writes them, so a save of every series (some 3 KB each)
            // never holds them all: at 100,000 series that was some 260 MB more resident memory for a while.
            var tally = new SaveTally();
            var scored = Scored;
            await _state!.PutStateAsync(Entries(tally), _staleKeys, cancellationToken);
            _staleKeys.Clear();
            _dirtySeries.Clear();
            _dirtyServices.Clear();
            _anomaliesChanged = false;
            Interlocked.Exchange(ref _savedScored, scored);
            Interlocked.Increment(ref _saves);
            Log.StateSaved(_logger, tally.Entries, tally.Bytes, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.StateSaveFailed(_logger, ex);
        }
    }

    /// <summary>What changed since the last save, as state entries, counted into <paramref name="tally"/> as they are read.</summary>
    private IEnumerable<StateEntry> Entries(SaveTally tally)
    {
        foreach (var (tenant, id) in _dirtySeries)
        {
            if (_detectors.TryGetValue((tenant, id), out var detector) && detector.Scorer.CanSave)
            {
                yield return tally.Count(new StateEntry(SeriesKey(tenant, id), SaveSeries(tenant, id, detector.Scorer)));
            }
        }
        foreach (var (tenant, service) in _dirtyServices)
        {
            yield return tally.Count(new StateEntry(ServiceKey(tenant, service), SaveService(tenant, service, _services[(tenant, service)])));
        }
        if (_anomaliesChanged) yield return tally.Count(new StateEntry(AnomaliesKey, SaveAnomalies()));
        yield return tally.Count(new StateEntry(IncidentsKey, _tracker.Export()));
        yield return tally.Count(new StateEntry(ManifestKey, SaveManifest()));
    }

    private sealed class SaveTally
    {
        public int Entries { get; private set; }
        public long Bytes { get; private set; }

        public StateEntry Count(StateEntry entry)
        {
            Entries++;
            Bytes += entry.Value.Length;
            return entry;
        }
    }

    private async Task RestoreStateAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var state = _state!;
        if (await state.GetStateAsync(ManifestKey, cancellationToken) is not { } manifestBytes) return;   // nothing saved yet: start cold
        if (!TryRead(manifestBytes, ManifestKey, ReadManifest, out var newestKnown)) return;

        if (await state.GetStateAsync(IncidentsKey, cancellationToken) is { } incidents && !_tracker.TryImport(incidents, out var error))
        {
            Log.StateRefused(_logger, IncidentsKey, error!);
        }
        if (await state.GetStateAsync(AnomaliesKey, cancellationToken) is { } anomalies && TryRead(anomalies, AnomaliesKey, ReadAnomalies, out var list))
        {
            foreach (var a in list) _anomalies.Enqueue(a);
        }
        var lastScored = new Dictionary<(string Tenant, long Id), long>();
        foreach (var key in await state.ListStateKeysAsync(SeriesPrefix, cancellationToken))
        {
            if (await state.GetStateAsync(key, cancellationToken) is not { } bytes
                || !TryRead(bytes, key, ReadSeriesHeader, out var header)) continue;
            if (await _store.GetAsync(header.Tenant, header.Id, cancellationToken) is not { } series)
            {
                _staleKeys.Add(key);   // the series is gone
                continue;
            }
            if (DetectorOf(header.Tenant, series) is not { } detector)
            {
                _staleKeys.Add(key);   // the policy no longer scores it
                continue;
            }
            lastScored[(header.Tenant, header.Id)] = header.LastScored;
            if (DetectorSnapshot.TryRestore(header.Scorer, detector.Scorer, out error)) Interlocked.Increment(ref _restoredSeries);
            else
            {
                // Cold, but it still takes up from its last scored point rather than rescoring its history.
                Log.StateRefused(_logger, key, error!);
                detector.Scorer = new SeriesScorer(_options.DetectorFactory());
            }
        }
        foreach (var key in await state.ListStateKeysAsync(ServicesPrefix, cancellationToken))
        {
            if (await state.GetStateAsync(key, cancellationToken) is not { } bytes
                || !TryRead(bytes, key, ReadServiceHeader, out var header)) continue;
            var detector = new ServiceCorrelationDetector();
            if (DetectorSnapshot.TryRestore(header.Detector, detector, out error)) _services[(header.Tenant, header.Service)] = detector;
            else Log.StateRefused(_logger, key, error!);
        }
        var replayed = await ReplayAsync(newestKnown, lastScored, cancellationToken);
        Interlocked.Exchange(ref _replayed, replayed);
        var tenants = await _store.TenantsAsync(cancellationToken);
        Log.StateRestored(_logger, (int)RestoredSeries, _services.Count, tenants.Sum(t => _tracker.List(t).Count), replayed,
            Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>
    /// Scores the points stored after each known series' last scored point, and every point of the
    /// series created after the snapshot (a larger id than any it knew), tenant by tenant in timestamp
    /// order, as one batch per timestamp. Returns the points replayed.
    /// </summary>
    private async Task<long> ReplayAsync(IReadOnlyDictionary<string, long> newestKnown, Dictionary<(string Tenant, long Id), long> lastScored,
        CancellationToken cancellationToken)
    {
        long replayed = 0;
        foreach (var tenant in await _store.TenantsAsync(cancellationToken))
        {
            var all = await _store.FindAsync(tenant, SeriesSelector.All, cancellationToken);
            var scoreSeries = all.Where(s => s.Metric == _options.ScoreMetric).ToDictionary(s => s.Labels);
            var newest = newestKnown.TryGetValue(tenant, out var n) ? n : long.MinValue;
            var pending = new List<AppendedSeries>();
            var announcedUntil = new Dictionary<long, long>();
            foreach (var series in all)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (series.Metric == _options.ScoreMetric) continue;
                long from;
                if (_detectors.TryGetValue((tenant, series.Id), out var detector))
                {
                    var last = lastScored.TryGetValue((tenant, series.Id), out var l) ? l : detector.Scorer.LastScored;
                    // A counter's last scored point is read again: it seeds the rate of the next one.
                    from = last == long.MaxValue ? long.MaxValue : detector.IsCounter && last != long.MinValue ? last : last + 1;
                }
                else if (series.Id > newest && _options.Policy.Decide(series.Metric, series.Labels, _options.ScoreMetric) != ScoreAs.Skip) from = long.MinValue;
                else continue;
                var points = new List<Point>();
                await _store.ReadAsync(tenant, series.Id, from, long.MaxValue, points, cancellationToken);
                if (points.Count == 0) continue;
                pending.Add(new AppendedSeries(series, points));
                if (scoreSeries.TryGetValue(ScoreLabels(series), out var scores))
                {
                    var stored = new List<Point>();
                    await _store.ReadAsync(tenant, scores.Id, from, long.MaxValue, stored, cancellationToken);
                    if (stored.Count > 0) announcedUntil[series.Id] = stored[^1].Timestamp;
                }
            }
            replayed += await ReplayTenantAsync(tenant, pending, announcedUntil, cancellationToken);
        }
        return replayed;
    }

    private async Task<long> ReplayTenantAsync(string tenant, List<AppendedSeries> pending, Dictionary<long, long> announcedUntil, CancellationToken cancellationToken)
    {
        var points = pending.SelectMany((s, i) => s.Points.Select(p => (Series: i, Point: p))).OrderBy(x => x.Point.Timestamp).ThenBy(x => x.Series).ToList();
        var scores = _scores;
        var gathered = 0;
        for (var i = 0; i < points.Count;)
        {
            var at = points[i].Point.Timestamp;
            var batch = new List<AppendedSeries>();
            for (; i < points.Count && points[i].Point.Timestamp == at; i++) batch.Add(new AppendedSeries(pending[points[i].Series].Series, [points[i].Point]));
            Score(tenant, batch, announcedUntil, scores);
            gathered += batch.Count;
            if (gathered < ReplayWriteBatch) continue;
            await WriteScoresAsync(tenant, scores, cancellationToken);
            gathered = 0;
        }
        await WriteScoresAsync(tenant, scores, cancellationToken);
        return points.Count;
    }

    private void ObserveMetrics(ServerMetrics metrics)
    {
        static Func<IEnumerable<Measurement<double>>> Of(Func<long> value) => () => [new Measurement<double>(value())];
        metrics.ObserveGauge("foresight_detection_scored_points", "Points scored by live detection since the server started.", Of(() => Scored));
        metrics.ObserveGauge("foresight_detection_skipped_points",
            "Points handed to live detection and not scored by design since the server started (series the scoring policy skips, each counter's first point).",
            Of(() => Skipped));
        metrics.ObserveGauge("foresight_detection_cross_metric_wide_services",
            "Services with more series than detection's cross-metric limit, scored series by series only.", Of(() => WideServices));
        metrics.ObserveGauge("foresight_detection_active_series", "Series with a detector in memory.", Of(() => ActiveSeries));
        metrics.ObserveGauge("foresight_detection_idle_series",
            "Series whose detector was released from memory after no point for the idle time; it is read back from the saved state on their next point.",
            Of(() => IdleSeries));
        metrics.ObserveGauge("foresight_detection_state_saves", "Snapshots of the detection state written since the server started.", Of(() => StateSaves));
        metrics.ObserveGauge("foresight_detection_state_saved_points", "Points scored since the server started that the last snapshot covers.", Of(() => StateSavedScored));
        metrics.ObserveGauge("foresight_detection_state_restored_series", "Series whose detector state was restored at start (they need no warm-up).", Of(() => RestoredSeries));
        metrics.ObserveGauge("foresight_detection_state_replayed_points", "Points stored after the last snapshot and replayed at start.", Of(() => ReplayedPoints));
    }

    private static string SeriesKey(string tenant, long id) => $"{SeriesPrefix}{Uri.EscapeDataString(tenant)}/{id}";

    private static string ServiceKey(string tenant, string service) => $"{ServicesPrefix}{Uri.EscapeDataString(tenant)}/{Uri.EscapeDataString(service)}";

    private bool TryRead<T>(byte[] bytes, string key, Func<BinaryReader, T> read, out T value)
    {
        T result = default!;
        if (StateFormat.TryRead(bytes, r => result = read(r), out var error))
        {
            value = result;
            return true;
        }
        Log.StateRefused(_logger, key, error!);
        value = default!;
        return false;
    }

    private static byte[] SaveSeries(string tenant, long id, SeriesScorer scorer) => StateFormat.Write(w =>
    {
        w.Write("series");
        w.Write(tenant);
        w.Write(id);
        w.Write(scorer.LastScored);
        WriteBlob(w, DetectorSnapshot.Save(scorer));
    });

    private static (string Tenant, long Id, long LastScored, byte[] Scorer) ReadSeriesHeader(BinaryReader r)
    {
        Expect(r, "series");
        return (r.ReadString(), r.ReadInt64(), r.ReadInt64(), ReadBlob(r));
    }

    private static byte[] SaveService(string tenant, string service, ServiceCorrelationDetector detector) => StateFormat.Write(w =>
    {
        w.Write("service");
        w.Write(tenant);
        w.Write(service);
        WriteBlob(w, DetectorSnapshot.Save(detector));
    });

    private static (string Tenant, string Service, byte[] Detector) ReadServiceHeader(BinaryReader r)
    {
        Expect(r, "service");
        return (r.ReadString(), r.ReadString(), ReadBlob(r));
    }

    private byte[] SaveAnomalies() => StateFormat.Write(w =>
    {
        w.Write("anomalies");
        var list = _anomalies.ToArray();
        w.Write(list.Length);
        foreach (var a in list)
        {
            w.Write(a.Tenant);
            IncidentCodec.Write(w, a.Point, a.Severity);
        }
    });

    private List<TenantAnomaly> ReadAnomalies(BinaryReader r)
    {
        Expect(r, "anomalies");
        var count = r.ReadInt32();
        if (count < 0) throw new InvalidDataException($"{count} anomalies.");
        var list = new List<TenantAnomaly>();
        for (var i = 0; i < count; i++)
        {
            var tenant = r.ReadString();
            var (point, severity) = IncidentCodec.ReadAnomaly(r);
            list.Add(new TenantAnomaly(tenant, point, severity));
        }
        return list.TakeLast(_options.KeepAnomalies).ToList();
    }

    /// <summary>The manifest: for each tenant, the largest series id the pipeline knew (series above it are new since).</summary>
    private byte[] SaveManifest() => StateFormat.Write(w =>
    {
        w.Write("manifest");
        var newest = _detectors.Keys.Concat(_idle).GroupBy(k => k.Tenant).Select(g => (Tenant: g.Key, Id: g.Max(k => k.Id))).ToList();
        w.Write(newest.Count);
        foreach (var (tenant, id) in newest)
        {
            w.Write(tenant);
            w.Write(id);
        }
    });

    private static Dictionary<string, long> ReadManifest(BinaryReader r)
    {
        Expect(r, "manifest");
        var count = r.ReadInt32();
        if (count < 0) throw new InvalidDataException($"{count} tenants.");
        var newest = new Dictionary<string, long>();
        for (var i = 0; i < count; i++) newest[r.ReadString()] = r.ReadInt64();
        return newest;
    }

    private static void Expect(BinaryReader r, string kind)
    {
        var tag = r.ReadString();
        if (tag != kind) throw new InvalidDataException($"it holds '{tag}' where '{kind}' was expected.");
    }

    private static void WriteBlob(BinaryWriter w, byte[] blob)
    {
        w.Write(blob.Length);
        w.Write(blob);
    }

    private static byte[] ReadBlob(BinaryReader r)
    {
        var length = r.ReadInt32();
        if (length < 0) throw new InvalidDataException($"a blob of {length} bytes.");
        var blob = r.ReadBytes(length);
        return blob.Length == length ? blob : throw new EndOfStreamException("the state ends early.");
    }
}
