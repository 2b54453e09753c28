using System.Collections.Concurrent;
using System.Threading.Channels;
using Foresight.Detection;
using Foresight.Detection.Incidents;
using Foresight.Detection.Multivariate;
using Foresight.Ingestion;
using Foresight.Series;
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

    /// <summary>Also score each service's series together (isolation forest over their joint values). Default true.</summary>
    public bool CrossMetric { get; set; } = true;

    /// <summary>Anomalous points kept in memory for <c>GET /api/v1/anomalies</c>. Default 10,000.</summary>
    public int KeepAnomalies { get; set; } = 10_000;

    /// <summary>Creates a detector for a new series.</summary>
    public Func<IStreamingDetector> DetectorFactory { get; set; } = () => Detectors.Create("ensemble");

    /// <summary>Name reported as the detector that fired when the detector cannot say which of its parts did.</summary>
    public string DetectorName { get; set; } = "ensemble";
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
/// When the worker falls behind by more than the feed's queue, the feed sheds batches for it and
/// counts them (<c>/metrics</c>, <c>/healthz</c>): those points are stored but not scored either.
/// </summary>
public sealed class DetectionPipeline : BackgroundService
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
    private readonly Dictionary<(string Tenant, string Service), ServiceCorrelationDetector> _services = [];
    private readonly ConcurrentQueue<TenantAnomaly> _anomalies = new();

    /// <summary>Creates the pipeline and, when detection is enabled, subscribes it to the feed; scores go to <paramref name="store"/>.</summary>
    public DetectionPipeline(IIngestFeed feed, ITimeSeriesStore store, DetectionOptions options, IncidentTracker tracker, TimeProvider time,
        ILogger<DetectionPipeline> logger)
    {
        _store = store;
        _options = options;
        _tracker = tracker;
        _time = time;
        _logger = logger;
        if (options.Enabled) _feed = feed.Subscribe(ConsumerName);
    }

    /// <summary>Batches waiting to be scored.</summary>
    public int Pending => _feed?.Count ?? 0;

    /// <summary>Points scored so far.</summary>
    public long Scored { get; private set; }

    /// <summary>Recent anomalous points of a tenant within [from, to), newest first, at or above a severity.</summary>
    public IReadOnlyList<TenantAnomaly> Anomalies(string tenant, long from, long to, Severity minimum) =>
        _anomalies.Where(a => a.Tenant == tenant && a.Point.Timestamp >= from && a.Point.Timestamp < to && a.Severity >= minimum)
            .OrderByDescending(a => a.Point.Timestamp).ToList();

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_feed is null) return;
        try
        {
            await foreach (var batch in _feed.ReadAllAsync(stoppingToken))
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
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Scores one batch and stores its scores (the worker's step; public for tests).</summary>
    public async Task ProcessAsync(string tenant, IReadOnlyList<AppendedSeries> batch, CancellationToken cancellationToken = default)
    {
        var scores = new List<SeriesWrite>(batch.Count);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var observed = new List<(string Service, long Timestamp, long SeriesId, string Name, double Value, double Low, double High)>();
        foreach (var (series, points) in batch)
        {
            if (!_detectors.TryGetValue((tenant, series.Id), out var state))
            {
                _detectors[(tenant, series.Id)] = state = new SeriesDetector(_options.DetectorFactory(), ServiceOf(series), series.Metric + series.Labels);
            }
            var scored = new List<Point>(points.Count);
            foreach (var p in points)
            {
                if (!state.Scorer.TryScore(p.Timestamp, p.Value, out var result)) continue;
                var (score, low, high) = result;
                if (_options.CrossMetric) observed.Add((state.Service, p.Timestamp, series.Id, state.Name, p.Value, low, high));
                Scored++;
                scored.Add(new Point(p.Timestamp, score));
                if (score >= _options.Threshold && double.IsFinite(low))
                {
                    var point = new AnomalyPoint(series.Id, state.Name, state.Service, p.Timestamp, p.Value, score, low, high,
                        state.Scorer.Detector is IExplainingDetector e ? e.Fired : [_options.DetectorName]);
                    _tracker.Add(tenant, point, now);
                    Remember(new TenantAnomaly(tenant, point, IncidentTracker.Classify(score, p.Value, low, high)));
                }
                else
                {
                    _tracker.Advance(tenant, state.Service, p.Timestamp);
                }
            }
            if (scored.Count > 0)
            {
                var labels = Labels.From(series.Labels.Where(l => l.Key != "metric").Append(new("metric", series.Metric)));
                scores.Add(new SeriesWrite(_options.ScoreMetric, labels, scored));
            }
        }
        if (observed.Count > 0) ScoreServices(tenant, observed, now);
        if (scores.Count > 0)
        {
            var result = await _store.AppendAsync(tenant, scores, cancellationToken);
            if (!result.Accepted) Log.ScoreRejected(_logger, result.Rejections[0].Reason);
        }
    }

    /// <summary>
    /// Cross-metric detection: per service and timestamp, the latest values of all its series go to
    /// the service's <see cref="ServiceCorrelationDetector"/>; an anomalous combination is reported on
    /// the series that left its expected range furthest at that time.
    /// </summary>
    private void ScoreServices(string tenant, List<(string Service, long Timestamp, long SeriesId, string Name, double Value, double Low, double High)> observed, long now)
    {
        foreach (var group in observed.GroupBy(o => o.Service))
        {
            if (!_services.TryGetValue((tenant, group.Key), out var detector)) _services[(tenant, group.Key)] = detector = new ServiceCorrelationDetector();
            foreach (var at in group.GroupBy(o => o.Timestamp).OrderBy(g => g.Key))
            {
                foreach (var o in at) detector.Set(o.SeriesId, o.Value);
                var score = detector.Score(at.Key);
                if (score < _options.Threshold) continue;
                var worst = at.Where(o => double.IsFinite(o.Low)).OrderByDescending(o => Distance(o.Value, o.Low, o.High)).FirstOrDefault();
                if (worst.Name is null) continue;
                var point = new AnomalyPoint(worst.SeriesId, worst.Name, group.Key, at.Key, worst.Value, score, worst.Low, worst.High, ["isolation-forest"]);
                _tracker.Add(tenant, point, now);
                Remember(new TenantAnomaly(tenant, point, IncidentTracker.Classify(score, worst.Value, worst.Low, worst.High)));
            }
        }
    }

    private void Remember(TenantAnomaly anomaly)
    {
        _anomalies.Enqueue(anomaly);
        while (_anomalies.Count > _options.KeepAnomalies) _anomalies.TryDequeue(out _);
    }

    private static double Distance(double value, double low, double high)
    {
        var width = Math.Max(high - low, 1e-12);
        return value > high ? (value - high) / width : value < low ? (low - value) / width : 0;
    }

    private static string ServiceOf(SeriesInfo series) => series.Labels.Get("service") ?? series.Labels.Get("job") ?? series.Metric;

    private sealed class SeriesDetector(IStreamingDetector detector, string service, string name)
    {
        public SeriesScorer Scorer { get; } = new(detector);
        public string Service { get; } = service;
        public string Name { get; } = name;
    }
}
