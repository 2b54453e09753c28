using Foresight.Detection.State;

namespace Foresight.Detection.Incidents;

/// <summary>Settings of <see cref="IncidentTracker"/>.</summary>
public sealed class IncidentOptions
{
    /// <summary>An incident is resolved when none of its service's series was anomalous for this long. Default 10 minutes.</summary>
    public TimeSpan QuietPeriod { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How many resolved incidents are kept for the API. Default 1,000.</summary>
    public int KeepResolved { get; set; } = 1000;
}

/// <summary>What happened to an incident.</summary>
public enum IncidentChange
{
    /// <summary>A new incident.</summary>
    Opened,
    /// <summary>More points, series or a higher severity.</summary>
    Updated,
    /// <summary>Quiet for the quiet period.</summary>
    Resolved,
}

/// <summary>
/// Groups anomalous points into incidents: a point opens an incident for its tenant and service
/// when none is open, or joins the open one; an incident resolves when its service stays quiet
/// for <see cref="IncidentOptions.QuietPeriod"/> (judged by data time, so replays behave like live
/// data). Severity combines the anomaly score with how far the value left its expected range, in
/// units of the range's width. Scores are on the ensemble's scale, s = x/(x + ln 10⁵) with x the
/// negative log tail probability of the anomaly likelihood (<c>AnomalyLikelihood.ScoreFromLogTail</c>):
/// critical when s ≥ 0.8 (tail ≤ 10⁻²⁰) and the value is more than 3 widths out, high when s ≥ 2/3
/// (tail ≤ 10⁻¹⁰) and more than 1.5 widths out, medium when s ≥ 7/12 (tail ≤ 10⁻⁷), low below.
/// Its open and recent resolved incidents can be exported and imported (<see cref="Export"/>), so
/// they survive a restart with the same ids. Thread-safe.
/// </summary>
public sealed class IncidentTracker(IncidentOptions? options = null)
{
    private readonly IncidentOptions _options = options ?? new IncidentOptions();
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Tenant, string Service), Incident> _open = [];
    private readonly LinkedList<Incident> _resolved = new();
    private long _sequence;

    /// <summary>Raised (under no lock) for every change, except those of points replayed with <c>announce: false</c>.</summary>
    public event Action<Incident, IncidentChange>? Changed;

    /// <summary>Severity of one anomalous point.</summary>
    public static Severity Classify(double score, double value, double expectedLow, double expectedHigh)
    {
        var width = Math.Max(expectedHigh - expectedLow, 1e-12);
        var distance = value > expectedHigh ? (value - expectedHigh) / width : value < expectedLow ? (expectedLow - value) / width : 0;
        if (score >= 0.8 && distance > 3) return Severity.Critical;
        if (score >= 2.0 / 3 && distance > 1.5) return Severity.High;
        if (score >= 7.0 / 12) return Severity.Medium;
        return Severity.Low;
    }

    /// <summary>
    /// Adds an anomalous point; <paramref name="now"/> is the processing time (Unix ms). With
    /// <paramref name="announce"/> false (a point processed again after a restart, whose changes were
    /// announced before it) no <see cref="Changed"/> event is raised.
    /// </summary>
    public Incident Add(string tenant, AnomalyPoint point, long now, bool announce = true)
    {
        Incident incident;
        IncidentChange change;
        List<(Incident, IncidentChange)> resolved;
        lock (_lock)
        {
            resolved = ResolveQuiet(tenant, point.Service, point.Timestamp);
            var severity = Classify(point.Score, point.Value, point.ExpectedLow, point.ExpectedHigh);
            var contribution = new IncidentSeries(point.SeriesId, point.Series, point.ExpectedLow, point.ExpectedHigh, point.Value, point.Score);
            if (_open.TryGetValue((tenant, point.Service), out var current))
            {
                var series = current.Series.ToList();
                var i = series.FindIndex(s => s.SeriesId == point.SeriesId);
                if (i < 0) series.Add(contribution);
                else if (point.Score >= series[i].MaxScore) series[i] = contribution;
                incident = current with
                {
                    End = Math.Max(current.End, point.Timestamp),
                    Severity = severity > current.Severity ? severity : current.Severity,
                    MaxScore = Math.Max(current.MaxScore, point.Score),
                    Series = series,
                    Detectors = current.Detectors.Union(point.Detectors).ToList(),
                };
                change = IncidentChange.Updated;
            }
            else
            {
                incident = new Incident($"inc-{++_sequence}-{point.Timestamp}", tenant, point.Service, point.Timestamp, point.Timestamp, false,
                    severity, point.Score, [contribution], [.. point.Detectors], now);
                change = IncidentChange.Opened;
            }
            _open[(tenant, point.Service)] = incident;
        }
        if (!announce) return incident;
        foreach (var (r, c) in resolved) Changed?.Invoke(r, c);
        Changed?.Invoke(incident, change);
        return incident;
    }

    /// <summary>
    /// Resolves a tenant's incidents that have been quiet until <paramref name="dataTime"/>; call as
    /// normal points arrive (<paramref name="announce"/> as for <see cref="Add"/>).
    /// </summary>
    public void Advance(string tenant, string service, long dataTime, bool announce = true)
    {
        List<(Incident, IncidentChange)> resolved;
        lock (_lock) resolved = ResolveQuiet(tenant, service, dataTime);
        if (!announce) return;
        foreach (var (r, c) in resolved) Changed?.Invoke(r, c);
    }

    /// <summary>Open and recent resolved incidents of a tenant, newest first.</summary>
    public IReadOnlyList<Incident> List(string tenant)
    {
        lock (_lock)
        {
            return _open.Values.Where(i => i.Tenant == tenant).Concat(_resolved.Where(i => i.Tenant == tenant))
                .OrderByDescending(i => i.Start).ToList();
        }
    }

    /// <summary>The framing of <see cref="Export"/>: magic <c>FSIN</c>, format version 1.</summary>
    public static SnapshotFormat SnapshotFormat { get; } = new("FSIN", 1, "incident snapshot");

    /// <summary>Every open and kept resolved incident, of every tenant, and the id sequence, as one snapshot.</summary>
    public byte[] Export()
    {
        lock (_lock)
        {
            return SnapshotFormat.Write(writer =>
            {
                writer.Write(_sequence);
                writer.Write(_open.Count);
                foreach (var incident in _open.Values) IncidentCodec.Write(writer, incident);
                writer.Write(_resolved.Count);
                foreach (var incident in _resolved) IncidentCodec.Write(writer, incident);
            });
        }
    }

    /// <summary>
    /// Replaces every incident with those of an <see cref="Export"/>: open ones keep growing and
    /// resolve as if there had been no restart, and new ids continue the sequence. False, with a
    /// message for the log and nothing changed, when the snapshot is of another format version,
    /// truncated or corrupt. Raises no <see cref="Changed"/> event.
    /// </summary>
    public bool TryImport(ReadOnlySpan<byte> snapshot, out string? error)
    {
        long sequence = 0;
        var open = new List<Incident>();
        var resolved = new List<Incident>();
        var ok = SnapshotFormat.TryRead(snapshot, reader =>
        {
            sequence = reader.ReadInt64();
            var openCount = reader.ReadCount(int.MaxValue, "open incidents");
            for (var i = 0; i < openCount; i++) open.Add(IncidentCodec.Read(reader));
            var resolvedCount = reader.ReadCount(int.MaxValue, "resolved incidents");
            for (var i = 0; i < resolvedCount; i++) resolved.Add(IncidentCodec.Read(reader));
        }, out error);
        if (!ok) return false;
        lock (_lock)
        {
            _sequence = sequence;
            _open.Clear();
            foreach (var incident in open) _open[(incident.Tenant, incident.Service)] = incident;
            _resolved.Clear();
            foreach (var incident in resolved.Take(_options.KeepResolved)) _resolved.AddLast(incident);
        }
        return true;
    }

    private List<(Incident, IncidentChange)> ResolveQuiet(string tenant, string service, long dataTime)
    {
        var result = new List<(Incident, IncidentChange)>();
        var quiet = (long)_options.QuietPeriod.TotalMilliseconds;
        if (_open.TryGetValue((tenant, service), out var current) && dataTime - current.End > quiet)
        {
            _open.Remove((tenant, service));
            var done = current with { Resolved = true };
            _resolved.AddFirst(done);
            while (_resolved.Count > _options.KeepResolved) _resolved.RemoveLast();
            result.Add((done, IncidentChange.Resolved));
        }
        return result;
    }
}
