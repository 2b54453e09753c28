using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Foresight.Detection.Incidents;
using Foresight.Ingestion;
using Foresight.Series;
using Foresight.Server.Forecasting;
using Foresight.Server.Observability;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Foresight.Server.Scaling;

/// <summary>Settings of predictive scaling in the server.</summary>
public sealed class ScalingOptions
{
    /// <summary>How often each workload is decided unless it sets its own interval. Default 30 s (KEDA's default polling interval).</summary>
    public TimeSpan DecisionInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Decisions kept per workload for <c>GET /api/v1/scaling/{workload}/history</c>. Default 100.</summary>
    public int KeepDecisions { get; set; } = 100;
}

/// <summary>What <see cref="ScalingService.Put"/> did.</summary>
public enum PutOutcome
{
    /// <summary>A new workload.</summary>
    Created,
    /// <summary>An API-defined workload was replaced.</summary>
    Replaced,
    /// <summary>Refused: a workload of that name comes from the config file or the demo.</summary>
    ReadOnly,
}

/// <summary>What <see cref="ScalingService.Delete"/> did.</summary>
public enum DeleteOutcome
{
    /// <summary>Removed.</summary>
    Deleted,
    /// <summary>There is no workload of that name.</summary>
    NotFound,
    /// <summary>Refused: the workload comes from the config file or the demo.</summary>
    ReadOnly,
}

/// <summary>
/// Predictive scaling for the server's workloads: per workload a <see cref="Foresight.Scaling.DemandForecaster"/>
/// over its demand series and a <see cref="Foresight.Scaling.PredictiveScaler"/>, each run by its own
/// loop (refits stay off the request path), with the latest decision and a short history kept in
/// memory for the API and <c>/metrics</c>. Workloads come from the config file, the demo, and the
/// API; the API's are kept in <c>workloads.json</c> in the data directory so they survive restarts.
/// </summary>
public sealed class ScalingService : BackgroundService
{
    /// <summary>The service's name as a consumer of the ingest feed.</summary>
    public const string ConsumerName = "scaling";

    private readonly ChannelReader<IngestBatch> _feed;
    private readonly ScalingContext _context;
    private readonly WorkloadFile _file;
    private readonly ILogger<ScalingService> _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Tenant, string Name), WorkloadRunner> _runners = [];
    private readonly List<(string Tenant, WorkloadSpec Spec)> _shadowed = [];
    private volatile WorkloadRunner[] _snapshot = [];
    private CancellationToken? _running;

    /// <summary>Raised after every decision, on the deciding workload's thread.</summary>
    public event Action<WorkloadDecision>? Decided;

    internal ScalingService(IIngestFeed feed, ITimeSeriesStore store, IncidentTracker incidents, ForecasterService forecaster, TimeProvider time, ScalingOptions options, ServerMetrics metrics,
        WorkloadFile file, IReadOnlyList<(string Tenant, WorkloadSource Source, WorkloadSpec Spec)> configured,
        IReadOnlyList<(string Tenant, WorkloadSpec Spec)> stored, ILogger<ScalingService> logger)
    {
        _file = file;
        _logger = logger;
        _context = new ScalingContext(store, incidents, forecaster, time, options, logger, d => Decided?.Invoke(d));
        foreach (var (tenant, source, spec) in configured)
        {
            if (!_runners.ContainsKey((tenant, spec.Name))) _runners[(tenant, spec.Name)] = new WorkloadRunner(tenant, source, spec, _context);
        }
        foreach (var (tenant, spec) in stored)
        {
            if (_runners.TryGetValue((tenant, spec.Name), out var defined))
            {
                Log.WorkloadShadowed(logger, tenant, spec.Name, file.Path, defined.Source == WorkloadSource.Config ? "config file" : "demo");
                _shadowed.Add((tenant, spec));   // kept in the file, for when the config stops defining it
                continue;
            }
            _runners[(tenant, spec.Name)] = new WorkloadRunner(tenant, WorkloadSource.Api, spec, _context);
        }
        _snapshot = [.. _runners.Values];
        metrics.ObserveGauge("foresight_desired_replicas", "Replicas the latest scaling decision asks for, per workload.", () => Gauge(d => d.Decision.Desired));
        metrics.ObserveGauge("foresight_scaling_demand", "Demand the latest scaling decision saw, per workload.", () => Gauge(d => d.Decision.Demand));
        metrics.ObserveGauge("foresight_scaling_forecast_peak", "Upper forecast of the demand over the decision's look-ahead, per workload.", () => Gauge(d => d.Decision.ForecastPeak));
        _feed = feed.Subscribe(ConsumerName);   // new demand data wakes its workloads at once
    }

    /// <summary>The decision interval of workloads that do not set their own.</summary>
    public TimeSpan DefaultDecisionInterval => _context.Options.DecisionInterval;

    /// <summary>The tenant's workloads, by name.</summary>
    public IReadOnlyList<WorkloadStatus> List(string tenant) =>
        _snapshot.Where(r => r.Tenant == tenant).OrderBy(r => r.Spec.Name, StringComparer.Ordinal).Select(r => r.Status).ToList();

    /// <summary>One workload, or null.</summary>
    public WorkloadStatus? Get(string tenant, string name) => Find(tenant, name)?.Status;

    /// <summary>A workload's kept decisions, oldest first; null when there is no such workload.</summary>
    public IReadOnlyList<WorkloadDecision>? History(string tenant, string name) => Find(tenant, name)?.History();

    /// <summary>
    /// Creates or replaces an API-defined workload and saves the API's workloads to <c>workloads.json</c>
    /// before it takes effect. A replaced workload's forecaster is rebuilt; its replica count carries over.
    /// </summary>
    /// <exception cref="ArgumentException">The spec is invalid (check it first with the API's validation).</exception>
    public PutOutcome Put(string tenant, WorkloadSpec spec)
    {
        if (spec.Check() is { } problem) throw new ArgumentException($"{problem.Field}: {problem.Message}", nameof(spec));
        WorkloadRunner? old;
        WorkloadRunner runner;
        lock (_lock)
        {
            _runners.TryGetValue((tenant, spec.Name), out old);
            if (old is not null && old.Source != WorkloadSource.Api) return PutOutcome.ReadOnly;
            runner = new WorkloadRunner(tenant, WorkloadSource.Api, spec, _context, old?.Latest?.Decision.Desired);
            var next = new Dictionary<(string, string), WorkloadRunner>(_runners) { [(tenant, spec.Name)] = runner };
            try
            {
                _file.Save(ApiSpecs(next.Values));
            }
            catch
            {
                _ = runner.DisposeAsync().AsTask();
                throw;
            }
            _runners[(tenant, spec.Name)] = runner;
            _snapshot = [.. _runners.Values];
            if (_running is { } token) runner.Start(token);
        }
        if (old is not null) _ = old.DisposeAsync().AsTask();
        return old is null ? PutOutcome.Created : PutOutcome.Replaced;
    }

    /// <summary>Removes an API-defined workload (and from <c>workloads.json</c>).</summary>
    public DeleteOutcome Delete(string tenant, string name)
    {
        WorkloadRunner? old;
        lock (_lock)
        {
            if (!_runners.TryGetValue((tenant, name), out old)) return DeleteOutcome.NotFound;
            if (old.Source != WorkloadSource.Api) return DeleteOutcome.ReadOnly;
            _file.Save(ApiSpecs(_runners.Values.Where(r => r != old)));
            _runners.Remove((tenant, name));
            _snapshot = [.. _runners.Values];
        }
        _ = old.DisposeAsync().AsTask();
        return DeleteOutcome.Deleted;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        lock (_lock)
        {
            _running = stoppingToken;
            foreach (var runner in _runners.Values) runner.Start(stoppingToken);
        }
        try
        {
            await foreach (var batch in _feed.ReadAllAsync(stoppingToken)) WakeFollowers(batch);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            WorkloadRunner[] all;
            lock (_lock)
            {
                _running = null;
                all = [.. _runners.Values];
            }
            foreach (var runner in all) await runner.DisposeAsync();
        }
    }

    private WorkloadRunner? Find(string tenant, string name) => _snapshot.FirstOrDefault(r => r.Tenant == tenant && r.Spec.Name == name);

    private List<(string, WorkloadSpec)> ApiSpecs(IEnumerable<WorkloadRunner> runners) =>
        [.. runners.Where(r => r.Source == WorkloadSource.Api).Select(r => (r.Tenant, r.Spec)), .. _shadowed];

    private void WakeFollowers(IngestBatch batch)
    {
        foreach (var runner in _snapshot)
        {
            if (runner.Tenant != batch.Tenant) continue;
            for (var i = 0; i < batch.Count; i++)
            {
                if (!runner.Follows(batch.SeriesAt(i))) continue;
                runner.Wake();
                break;
            }
        }
    }

    private IEnumerable<Measurement<double>> Gauge(Func<WorkloadDecision, double> value)
    {
        foreach (var runner in _snapshot)
        {
            if (runner.Status.Current is not { } latest) continue;   // a decision made before the demand went silent is not exported
            var v = value(latest);
            if (!double.IsFinite(v)) continue;
            yield return new Measurement<double>(v, new KeyValuePair<string, object?>("tenant", runner.Tenant),
                new KeyValuePair<string, object?>("workload", runner.Spec.Name));
        }
    }
}
