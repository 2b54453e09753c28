using Foresight.Detection;
using Foresight.Detection.State;
using Foresight.Series;

namespace Foresight.Server.Detection;

/// <summary>
/// Idle series give their detector back. A series that has had no point handed to detection for
/// <see cref="DetectionOptions.IdleAfter"/> (a pod that is gone, a job that was renamed) keeps its
/// detector only in the state store: right after a snapshot that holds its state, the detector
/// leaves memory. When a point of the series arrives again, the detector is read back from that
/// snapshot before the point is scored, and a counter's rate is seeded from its last scored sample in
/// the store, so the series takes up exactly where it left off: the same scores as a detector that
/// had stayed in memory, no new warm-up. Without a state store nothing is released.
/// </summary>
public sealed partial class DetectionPipeline
{
    /// <summary>Series whose detector was released for idleness, by (tenant, id).</summary>
    private readonly HashSet<(string Tenant, long Id)> _idle = [];

    private long _released;
    private long _woken;

    /// <summary>Series that have a detector in memory.</summary>
    public int ActiveSeries => Volatile.Read(ref _activeCount);

    /// <summary>Series whose detector is held only in the state store because they went idle.</summary>
    public int IdleSeries => Volatile.Read(ref _idleCount);

    /// <summary>Detectors released for idleness since start.</summary>
    public long ReleasedDetectors => Interlocked.Read(ref _released);

    /// <summary>Detectors read back from the state store since start because their idle series had a new point.</summary>
    public long WokenDetectors => Interlocked.Read(ref _woken);

    private int _activeCount;
    private int _idleCount;

    /// <summary>
    /// Releases the detectors of series idle for longer than <see cref="DetectionOptions.IdleAfter"/> whose state the
    /// last snapshot holds (not changed since): called right after a save, so a save that failed releases nothing.
    /// </summary>
    private void ReleaseIdle()
    {
        if (_state is null || _options.IdleAfter <= TimeSpan.Zero) return;
        var before = _time.GetUtcNow().ToUnixTimeMilliseconds() - (long)_options.IdleAfter.TotalMilliseconds;
        List<(string, long)>? idle = null;
        foreach (var (key, detector) in _detectors)
        {
            if (detector.LastFed < before && detector.Scorer.CanSave && !_dirtySeries.Contains(key)) (idle ??= []).Add(key);
        }
        if (idle is null) return;
        foreach (var key in idle)
        {
            _detectors.Remove(key);
            _idle.Add(key);
        }
        Interlocked.Add(ref _released, idle.Count);
        CountSeries();
        Log.DetectorsReleased(_logger, idle.Count, _options.IdleAfter.TotalMinutes, _detectors.Count);
    }

    /// <summary>Reads back from the state store the detectors of the batch's idle series, before the batch is scored.</summary>
    private async Task WakeAsync(string tenant, IReadOnlyList<AppendedSeries> batch, CancellationToken cancellationToken)
    {
        if (_idle.Count == 0) return;
        foreach (var (series, _) in batch)
        {
            if (!_idle.Remove((tenant, series.Id))) continue;
            Interlocked.Increment(ref _woken);
            var key = SeriesKey(tenant, series.Id);
            if (DetectorOf(tenant, series) is not { } detector) continue;   // the policy no longer scores it
            if (await _state!.GetStateAsync(key, cancellationToken) is not { } bytes
                || !TryRead(bytes, key, ReadSeriesHeader, out var header)) continue;   // logged: it starts cold
            if (!DetectorSnapshot.TryRestore(header.Scorer, detector.Scorer, out var error))
            {
                Log.StateRefused(_logger, key, error!);
                detector.Scorer = new SeriesScorer(_options.DetectorFactory());
                continue;
            }
            if (detector.IsCounter && header.LastScored != long.MinValue)
            {
                var last = new List<Point>(1);
                await _store.ReadAsync(tenant, series.Id, header.LastScored, header.LastScored + 1, last, cancellationToken);
                if (last.Count == 1) detector.Rate.TryNext(last[0].Timestamp, last[0].Value, out _);
            }
        }
        CountSeries();
    }

    /// <summary>Publishes the active and idle counts for the metrics (read from other threads).</summary>
    private void CountSeries()
    {
        Volatile.Write(ref _activeCount, _detectors.Count);
        Volatile.Write(ref _idleCount, _idle.Count);
    }
}
