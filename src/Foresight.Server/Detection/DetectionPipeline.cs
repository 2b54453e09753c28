using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using Foresight.Detection;
using Foresight.Detection.Incidents;
using Foresight.Detection.Multivariate;
using Foresight.Ingestion;
using Foresight.Series;
using Foresight.Server.Concurrency;
using Foresight.Server.Observability;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Foresight.Server.Detection;

/// <summary>Settings of live anomaly detection.</summary>
public sealed class DetectionOptions
{
    /// <summary>Whether incoming points are scored at all. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Score at or above which a point is anomalous. Default 0.5: the ensemble maps its anomaly
    /// likelihood so that 0.5 is a tail probability of 10⁻⁵; the same fixed threshold that
    /// <c>foresight eval nab</c> reports beside the tuned one.
    /// </summary>
    public double Threshold { get; set; } = 0.5;

    /// <summary>Metric name under which each series' anomaly score is stored (labels: the series' own plus <c>metric</c>).</summary>
    public string ScoreMetric { get; set; } = "anomaly_score";

    /// <summary>
    /// Decimals a score keeps when it is stored as <see cref="ScoreMetric"/>, 0 to 9 (null stores the score unrounded).
    /// Default 4: the stored score is the score rounded down to a multiple of 10⁻⁴, far finer than what separates two
    /// scores' meaning (0.5 is a tail probability of 10⁻⁵, 0.5001 one of 0.9954·10⁻⁵), and what lets the store's decimal
    /// encoding take the score series: on the scored NAB corpus, 5.59 → 1.50 bytes per point in 240-point chunks
    /// (docs/detection.md, "Stored scores"). Rounded down, a stored score is never above the score, and it is at or above
    /// a threshold of at most this many decimals (0.5) exactly when the score is. Only the stored copy is rounded: the
    /// threshold, incidents, alerts and <c>GET /api/v1/anomalies</c> see the score unrounded.
    /// </summary>
    public int? ScoreDecimals { get; set; } = 4;

    /// <summary>
    /// <paramref name="score"/> rounded down to <paramref name="decimals"/> decimals, as m / 10^decimals with m an integer
    /// (the form the store's decimal encoding reproduces bit for bit), never above the score.
    /// </summary>
    internal static double StoredScore(double score, int decimals)
    {
        if (!double.IsFinite(score)) return score;
        var scale = Math.Pow(10, decimals);
        var m = Math.Floor(score * scale);
        if (m / scale > score) m--; // score · scale rounded up to the next integer
        return m / scale;
    }

    /// <summary>Also score each service's series together (isolation forest over their joint values). Default true.</summary>
    public bool CrossMetric { get; set; } = true;

    /// <summary>
    /// Most series a service may have for cross-metric detection, 2 or more. Default 16. The isolation forest's
    /// features are the series and every pair of them (n + n(n−1)/2), so its memory and time per point grow with
    /// the square: 16 series are 136 features, about 7 MB of history per service; 5,000 series (one node-exporter
    /// <c>job</c>) would be 12.5 million. A service with more series is not scored across metrics (its series still
    /// are one by one); <c>foresight_detection_cross_metric_wide_services</c> counts them.
    /// </summary>
    public int CrossMetricMaxSeries { get; set; } = 16;

    /// <summary>Which series are scored, and which as rates (see <see cref="ScoringPolicy"/>; the config file's <c>detection:</c> section).</summary>
    public ScoringPolicy Policy { get; set; } = new();

    /// <summary>Anomalous points kept in memory for <c>GET /api/v1/anomalies</c>. Default 10,000.</summary>
    public int KeepAnomalies { get; set; } = 10_000;

    /// <summary>Creates a detector for a new series.</summary>
    public Func<IStreamingDetector> DetectorFactory { get; set; } = () => Detectors.Create("ensemble");

    /// <summary>Name reported as the detector that fired when the detector cannot say which of its parts did.</summary>
    public string DetectorName { get; set; } = "ensemble";

    /// <summary>
    /// How often the detectors' state, the incidents and the recent anomalies are saved to the store
    /// (and always on shutdown), at least 1 second. Default 5 minutes: a save rewrites every series
    /// that scored since the last one (about 3.6 KB per series of the default ensemble at a 15-second step, 12 KB at 5 minutes; docs/detection.md, Memory), and after a
    /// crash the points stored since the last save are replayed at start, so nothing goes unscored.
    /// </summary>
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A series with no point for this long releases its detector from memory after the next snapshot, and reads it
    /// back from the snapshot when it has a point again (see <c>DetectionPipeline.Idle.cs</c>); zero or less keeps every
    /// detector in memory. Default 1 hour: twelve times Prometheus' 5-minute staleness period, so a scrape target that
    /// is down for a while keeps its detector, while the series of pods that are gone (a deployment's every rollout
    /// makes new ones) stop costing memory within the hour.
    /// </summary>
    public TimeSpan IdleAfter { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>An anomalous point with its tenant, for the API.</summary>
public sealed record TenantAnomaly(string Tenant, AnomalyPoint Point, Severity Severity);

/// <summary>
/// Live detection: the <c>detection</c> consumer of the <see cref="IIngestFeed"/>. A background worker
/// reads every accepted batch from the feed and feeds each series' points, in order, to that series' own
/// streaming detector. Each score is stored as a queryable series (straight to the store, so scores
/// are never scored themselves); points at or above the threshold
/// go to the <see cref="IncidentTracker"/>, which groups them per service and drives the alerts.
/// A service's series are also scored together (<see cref="ServiceCorrelationDetector"/>) for
/// anomalies that show only across metrics.
/// Points older than a series' last scored point (out-of-order writes) are stored but not scored.
/// Which series are scored, and counters as per-second rates, is <see cref="DetectionOptions.Policy"/>'s
/// decision, made once per series.
/// When the worker falls behind by more than the feed's queue, the feed sheds batches for it and
/// counts them (<c>/metrics</c>, <c>/healthz</c>): those points are stored but not scored either.
/// The state of every detector, the incidents and the recent anomalies are saved to the store's
/// <see cref="IStateStore"/> and restored at start (see <c>DetectionPipeline.State.cs</c>), so
/// detection resumes after a restart without a new warm-up.
/// </summary>
public sealed partial class DetectionPipeline : BackgroundService
{
    /// <summary>The pipeline's name as a consumer of the ingest feed.</summary>
    public const string ConsumerName = "detection";

    private readonly ITimeSeriesStore _store;
    private readonly ChannelReader<IngestBatch>? _feed;
    private readonly DetectionOptions _options;
    private readonly IncidentTracker _tracker;
    private readonly TimeProvider _time;
    private readonly ILogger<DetectionPipeline> _logger;
    private readonly Dictionary<(string Tenant, long Id), SeriesDetector> _detectors = [];
    private readonly HashSet<(string Tenant, long Id)> _skippedSeries = [];
    private readonly HashSet<(string Tenant, string Service)> _wideServices = [];
    private readonly Dictionary<(string Tenant, string Service), ServiceCorrelationDetector> _services = [];
    private readonly ConcurrentQueue<TenantAnomaly> _anomalies = new();
    private readonly IStateStore? _state;

    // The worker's scratch, reused batch after batch (one worker scores, and the restore runs before it starts): the
    // scores of a batch, their point lists, the writes built from them, and the observations of cross-metric detection.
    private readonly Dictionary<long, (SeriesDetector State, List<Point> Points)> _scores = [];
    private readonly Stack<List<Point>> _pointLists = new();
    private readonly List<SeriesWrite> _scoreWrites = [];
    private readonly List<SeriesDetector> _scoreWriters = [];
    private readonly List<Observation> _observed = [];
    private readonly Dictionary<string, int> _serviceRank = new(StringComparer.Ordinal);
    private long _scored;
    private long _skipped;

    /// <summary>
    /// Creates the pipeline and, when detection is enabled, subscribes it to the feed; scores go to <paramref name="store"/>.
    /// With <paramref name="state"/> its state is saved there and restored at start, and with <paramref name="metrics"/>
    /// its figures are in <c>/metrics</c>.
    /// </summary>
    public DetectionPipeline(IIngestFeed feed, ITimeSeriesStore store, DetectionOptions options, IncidentTracker tracker, TimeProvider time,
        ILogger<DetectionPipeline> logger, IStateStore? state = null, ServerMetrics? metrics = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.SnapshotInterval, TimeSpan.FromSeconds(1));
        if (options.ScoreDecimals is < 0 or > 9) throw new ArgumentOutOfRangeException(nameof(options), options.ScoreDecimals, "ScoreDecimals must be 0 to 9, or null.");
        _store = store;
        _options = options;
        _tracker = tracker;
        _time = time;
        _logger = logger;
        _state = state;
        if (options.Enabled) _feed = feed.Subscribe(ConsumerName);
        if (metrics is not null) ObserveMetrics(metrics);
    }

    /// <summary>Batches waiting to be scored.</summary>
    public int Pending => _feed?.Count ?? 0;

    /// <summary>Points scored so far (since the process started).</summary>
    public long Scored => Interlocked.Read(ref _scored);

    /// <summary>
    /// Points handed to detection and not scored by design since the process started: of series the policy
    /// skips, and each counter's first point (a rate needs two).
    /// </summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>Services with more series than <see cref="DetectionOptions.CrossMetricMaxSeries"/>, not scored across metrics.</summary>
    public int WideServices => Volatile.Read(ref _wideCount);

    private int _wideCount;

    /// <summary>Recent anomalous points of a tenant within [from, to), newest first, at or above a severity.</summary>
    public IReadOnlyList<TenantAnomaly> Anomalies(string tenant, long from, long to, Severity minimum) =>
        _anomalies.Where(a => a.Tenant == tenant && a.Point.Timestamp >= from && a.Point.Timestamp < to && a.Severity >= minimum)
            .OrderByDescending(a => a.Point.Timestamp).ToList();

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_feed is null) return;
        var interval = _state is null || !_options.Enabled ? Timeout.InfiniteTimeSpan : _options.SnapshotInterval;
        var nextSave = _time.GetUtcNow() + interval;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                while ((interval == Timeout.InfiniteTimeSpan || _time.GetUtcNow() < nextSave) && _feed.TryRead(out var batch))
                {
                    try
                    {
                        await ProcessAsync(batch.Tenant, batch.Series, stoppingToken);
                    }
                    catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                    {
                        Log.DetectionFailed(_logger, ex);
                    }
                }
                if (interval != Timeout.InfiniteTimeSpan && _time.GetUtcNow() >= nextSave)
                {
                    // Seconds of synchronous work at fleet size: not on a thread the requests need.
                    await DedicatedThread.RunAsync(() => SaveStateAsync(stoppingToken));
                    ReleaseIdle();
                    nextSave = _time.GetUtcNow() + interval;
                    continue;
                }
                var untilSave = nextSave - _time.GetUtcNow();
                await WaitForBatchAsync(interval == Timeout.InfiniteTimeSpan ? interval : untilSave < TimeSpan.Zero ? TimeSpan.Zero : untilSave, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Waits until a batch is queued or <paramref name="timeout"/> has passed.</summary>
    private async Task WaitForBatchAsync(TimeSpan timeout, CancellationToken stoppingToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var read = _feed!.WaitToReadAsync(cts.Token).AsTask();
        var delay = Task.Delay(timeout, _time, cts.Token);
        await Task.WhenAny(read, delay);
        await cts.CancelAsync();
        stoppingToken.ThrowIfCancellationRequested();
    }

    /// <summary>Scores one batch and stores its scores (the worker's step; public for tests).</summary>
    public async Task ProcessAsync(string tenant, IReadOnlyList<AppendedSeries> batch, CancellationToken cancellationToken = default)
    {
        await WakeAsync(tenant, batch, cancellationToken);
        Score(tenant, batch, null, _scores);
        CountSeries();
        await WriteScoresAsync(tenant, _scores, cancellationToken);
    }

    /// <summary>
    /// Scores one batch, adding each series' scores to <paramref name="scores"/>. A point at or before
    /// <paramref name="announcedUntil"/>'s time for its series was processed before a restart: it moves
    /// the detectors and incidents on again, but is neither announced nor has its score stored again.
    /// </summary>
    private void Score(string tenant, IReadOnlyList<AppendedSeries> batch, IReadOnlyDictionary<long, long>? announcedUntil,
        Dictionary<long, (SeriesDetector State, List<Point> Points)> scores)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var observed = _observed;
        observed.Clear();   // at the start, so a batch that failed part way leaves nothing behind for the next
        for (var b = 0; b < batch.Count; b++)
        {
            var (series, points) = batch[b];
            if (DetectorOf(tenant, series) is not { } state)
            {
                Interlocked.Add(ref _skipped, points.Count);
                continue;
            }
            state.LastFed = now;
            var until = announcedUntil is not null && announcedUntil.TryGetValue(series.Id, out var u) ? u : long.MinValue;
            List<Point>? scored = null;
            for (var k = 0; k < points.Count; k++)
            {
                var p = points[k];
                var value = p.Value;
                if (state.IsCounter && !state.Rate.TryNext(p.Timestamp, p.Value, out value))
                {
                    Interlocked.Increment(ref _skipped);
                    continue;
                }
                if (!state.Scorer.TryScore(p.Timestamp, value, out var result)) continue;
                var (score, low, high) = result;
                var announce = p.Timestamp > until;
                if (_options.CrossMetric) observed.Add(new Observation(state, p.Timestamp, value, low, high, announce));
                Interlocked.Increment(ref _scored);
                if (announce)
                {
                    scored ??= ScoresOf(scores, state);
                    scored.Add(new Point(p.Timestamp, _options.ScoreDecimals is { } decimals ? DetectionOptions.StoredScore(score, decimals) : score));
                }
                if (score >= _options.Threshold && double.IsFinite(low))
                {
                    var point = new AnomalyPoint(series.Id, state.Name, state.Service, p.Timestamp, value, score, low, high,
                        state.Scorer.Detector is IExplainingDetector e ? e.Fired : [_options.DetectorName]);
                    _tracker.Add(tenant, point, now, announce);
                    Remember(new TenantAnomaly(tenant, point, IncidentTracker.Classify(score, value, low, high)));
                }
                else
                {
                    _tracker.Advance(tenant, state.Service, p.Timestamp, announce);
                }
            }
            _dirtySeries.Add((tenant, series.Id));
        }
        if (observed.Count > 0) ScoreServices(tenant, observed, now);
    }

    /// <summary>The series' detector, created on its first point; null for a series the policy does not score.</summary>
    private SeriesDetector? DetectorOf(string tenant, SeriesInfo series)
    {
        if (_detectors.TryGetValue((tenant, series.Id), out var state)) return state;
        if (_skippedSeries.Contains((tenant, series.Id))) return null;
        var kind = _options.Policy.Decide(series.Metric, series.Labels, _options.ScoreMetric);
        if (kind == ScoreAs.Skip)
        {
            _skippedSeries.Add((tenant, series.Id));
            return null;
        }
        _detectors[(tenant, series.Id)] = state = new SeriesDetector(_options.DetectorFactory(), series, kind == ScoreAs.Rate)
        {
            LastFed = _time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        return state;
    }

    /// <summary>The scores to store for a series, added to <paramref name="scores"/> when missing.</summary>
    private List<Point> ScoresOf(Dictionary<long, (SeriesDetector State, List<Point> Points)> scores, SeriesDetector state)
    {
        var id = state.Series.Id;
        if (!scores.TryGetValue(id, out var entry)) scores[id] = entry = (state, _pointLists.TryPop(out var list) ? list : new List<Point>(4));
        return entry.Points;
    }

    /// <summary>The labels of a series' score series: its own, and its metric name as <c>metric</c>.</summary>
    private static Labels ScoreLabels(SeriesInfo series) => Labels.From(series.Labels.Where(l => l.Key != "metric").Append(new("metric", series.Metric)));

    /// <summary>Stores the scores gathered in <paramref name="scores"/>, then empties it (its point lists go back to the pool).</summary>
    private async Task WriteScoresAsync(string tenant, Dictionary<long, (SeriesDetector State, List<Point> Points)> scores, CancellationToken cancellationToken)
    {
        var (writes, writers) = (_scoreWrites, _scoreWriters);
        var fresh = false;
        try
        {
            foreach (var (state, points) in scores.Values)
            {
                if (points.Count == 0) continue;
                // A series' score labels are built once per detector, and then replaced by the store's own instance.
                if (state.ScoreLabels is null)
                {
                    state.ScoreLabels = ScoreLabels(state.Series);
                    fresh = true;
                }
                writes.Add(new SeriesWrite(_options.ScoreMetric, state.ScoreLabels, points));
                writers.Add(state);
            }
            if (writes.Count == 0) return;
            var result = await _store.AppendAsync(tenant, writes, cancellationToken);
            if (!result.Accepted) Log.ScoreRejected(_logger, result.Rejections[0].Reason);
            if (fresh) ShareStoredLabels(writes, writers, result.Stored);
        }
        finally
        {
            writes.Clear();
            writers.Clear();
            foreach (var (_, points) in scores.Values)
            {
                points.Clear();
                if (points.Capacity <= 64) _pointLists.Push(points);
            }
            scores.Clear();
        }
    }

    /// <summary>
    /// Points each writer's score labels at the instance the store holds for that series (which the store then finds
    /// by reference), so a detector keeps no copy of labels the store already has.
    /// </summary>
    private static void ShareStoredLabels(List<SeriesWrite> writes, List<SeriesDetector> writers, IReadOnlyList<AppendedSeries> stored)
    {
        // Stored follows the writes' order, leaving out the writes of which nothing was stored.
        var w = 0;
        foreach (var s in stored)
        {
            while (w < writes.Count && !writes[w].Labels.Equals(s.Series.Labels)) w++;
            if (w == writes.Count) return;
            writers[w++].ScoreLabels = s.Series.Labels;
        }
    }

    /// <summary>
    /// Cross-metric detection: per service and timestamp, the latest values of all its series go to
    /// the service's <see cref="ServiceCorrelationDetector"/>; an anomalous combination is reported on
    /// the series that left its expected range furthest at that time.
    /// </summary>
    private void ScoreServices(string tenant, List<Observation> observed, long now)
    {
        // The observations in order of service (as each first appears), then timestamp, then as observed: the groups
        // of a stable group-by, without its allocations.
        _serviceRank.Clear();
        var keys = ArrayPool<ObservationKey>.Shared.Rent(observed.Count);
        try
        {
            for (var i = 0; i < observed.Count; i++)
            {
                var service = observed[i].State.Service;
                if (!_serviceRank.TryGetValue(service, out var rank)) _serviceRank[service] = rank = _serviceRank.Count;
                keys[i] = new ObservationKey(rank, observed[i].Timestamp, i);
            }
            var sorted = keys.AsSpan(0, observed.Count);
            sorted.Sort();
            for (var g = 0; g < sorted.Length;)
            {
                var end = g;
                while (end < sorted.Length && sorted[end].Rank == sorted[g].Rank) end++;
                ScoreService(tenant, observed, sorted[g..end], now);
                g = end;
            }
        }
        finally
        {
            ArrayPool<ObservationKey>.Shared.Return(keys);
        }
    }

    /// <summary>One service's observations of a batch (<paramref name="group"/>, by timestamp), timestamp by timestamp.</summary>
    private void ScoreService(string tenant, List<Observation> observed, ReadOnlySpan<ObservationKey> group, long now)
    {
        var service = observed[group[0].Index].State.Service;
        if (_wideServices.Contains((tenant, service))) return;
        if (!_services.TryGetValue((tenant, service), out var detector)) _services[(tenant, service)] = detector = new ServiceCorrelationDetector();
        _dirtyServices.Add((tenant, service));
        for (var t = 0; t < group.Length;)
        {
            var at = group[t].Timestamp;
            var end = t;
            while (end < group.Length && group[end].Timestamp == at) end++;
            for (var k = t; k < end; k++) detector.Set(observed[group[k].Index].State.Series.Id, observed[group[k].Index].Value);
            if (detector.Series > _options.CrossMetricMaxSeries)
            {
                MarkWide(tenant, service);
                return;
            }
            var score = detector.Score(at);
            var worst = score >= _options.Threshold ? Worst(observed, group[t..end]) : -1;
            t = end;
            if (worst < 0) continue;
            var o = observed[worst];
            var point = new AnomalyPoint(o.State.Series.Id, o.State.Name, service, at, o.Value, score, o.Low, o.High, ["isolation-forest"]);
            _tracker.Add(tenant, point, now, o.Announce);
            Remember(new TenantAnomaly(tenant, point, IncidentTracker.Classify(score, o.Value, o.Low, o.High)));
        }
    }

    /// <summary>
    /// The observation (index into <paramref name="observed"/>) furthest outside its expected range, the first of
    /// equals; -1 when none has a finite range.
    /// </summary>
    private static int Worst(List<Observation> observed, ReadOnlySpan<ObservationKey> at)
    {
        var (worst, furthest) = (-1, double.NegativeInfinity);
        foreach (var key in at)
        {
            var o = observed[key.Index];
            if (!double.IsFinite(o.Low)) continue;
            var distance = Distance(o.Value, o.Low, o.High);
            if (double.IsNaN(distance)) distance = double.NegativeInfinity;
            if (worst < 0 || distance > furthest) (worst, furthest) = (key.Index, distance);
        }
        return worst;
    }

    /// <summary>Stops cross-metric detection for a service that has grown past the limit, and forgets its detector (saved state included).</summary>
    private void MarkWide(string tenant, string service)
    {
        _wideServices.Add((tenant, service));
        Interlocked.Increment(ref _wideCount);
        _services.Remove((tenant, service));
        _dirtyServices.Remove((tenant, service));
        _staleKeys.Add(ServiceKey(tenant, service));
        Log.ServiceTooWide(_logger, service, tenant, _options.CrossMetricMaxSeries);
    }

    private void Remember(TenantAnomaly anomaly)
    {
        _anomaliesChanged = true;
        _anomalies.Enqueue(anomaly);
        while (_anomalies.Count > _options.KeepAnomalies) _anomalies.TryDequeue(out _);
    }

    private static double Distance(double value, double low, double high)
    {
        var width = Math.Max(high - low, 1e-12);
        return value > high ? (value - high) / width : value < low ? (low - value) / width : 0;
    }

    private static string ServiceOf(SeriesInfo series) => series.Labels.Get("service") ?? series.Labels.Get("job") ?? series.Metric;

    private sealed class SeriesDetector(IStreamingDetector detector, SeriesInfo series, bool isCounter)
    {
        /// <summary>The series scored.</summary>
        public SeriesInfo Series { get; } = series;

        /// <summary>The labels of its score series, once scores were written (the store's instance after the first write).</summary>
        public Labels? ScoreLabels;

        /// <summary>The counter's previous sample (a field: the struct is updated in place).</summary>
        public CounterRate Rate;

        public bool IsCounter { get; } = isCounter;

        /// <summary>When (server clock, Unix ms) detection last had a point of the series, or created its detector.</summary>
        public long LastFed;

        public SeriesScorer Scorer { get; set; } = new(detector);
        public string Service { get; } = ServiceOf(series);
        /// <summary>The series' name with its labels, for anomalies (built when one is reported, not kept).</summary>
        public string Name => Series.Metric + Series.Labels;
    }

    private readonly record struct Observation(SeriesDetector State, long Timestamp, double Value, double Low, double High, bool Announce);

    /// <summary>An observation's place in <see cref="ScoreServices"/>' order.</summary>
    private readonly record struct ObservationKey(int Rank, long Timestamp, int Index) : IComparable<ObservationKey>
    {
        public int CompareTo(ObservationKey other) =>
            Rank != other.Rank ? Rank.CompareTo(other.Rank) : Timestamp != other.Timestamp ? Timestamp.CompareTo(other.Timestamp) : Index.CompareTo(other.Index);
    }
}
