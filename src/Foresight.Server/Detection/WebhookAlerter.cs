using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Channels;
using Foresight.Detection.Incidents;
using Foresight.Detection.State;
using Foresight.Series;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Foresight.Server.Detection;

/// <summary>Where and how incidents are announced.</summary>
public sealed class AlertOptions
{
    /// <summary>Webhook URLs; each alert is POSTed to every one as JSON.</summary>
    public List<string> Webhooks { get; set; } = [];

    /// <summary>After an alert for a service, further incidents of that service within this period are grouped into it (not re-announced). Default 5 minutes.</summary>
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Only incidents reaching this severity are announced. Default <see cref="Severity.Low"/> (all).</summary>
    public Severity MinimumSeverity { get; set; } = Severity.Low;

    /// <summary>
    /// An incident whose last anomalous point is older than this when it opens or grows (history that was backfilled or
    /// imported) is listed by the incidents API but not announced: an alert is for what is happening now. Default 1 hour,
    /// so data that arrives late in batches (a pipeline that uploads every half hour) still alerts.
    /// </summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>First retry delay of a failed delivery; doubles up to <see cref="MaxRetryDelay"/>. Default 1 s.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Longest wait between delivery attempts. Default 1 minute. Deliveries are retried until they succeed or the server stops,
    /// except those a webhook refuses with a 4xx other than 408 and 429, which are logged and dropped.
    /// </summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Per-attempt HTTP timeout. Default 10 s.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// The JSON body of an alert: the incident (<see cref="Incident"/> describes the fields), with
/// <c>status</c> always <c>firing</c>, <c>sentAt</c> the delivery attempt's time and
/// <c>delaySeconds</c> the seconds from processing the incident's first anomalous point to it.
/// Delivery is at least once: receivers can de-duplicate on <c>id</c>.
/// </summary>
public sealed record AlertPayload(string Id, string Status, string Tenant, string Service, string Severity, long Start, long End,
    double MaxScore, IReadOnlyList<IncidentSeries> Series, IReadOnlyList<string> Detectors, long DetectedAt, long SentAt, double DelaySeconds);

/// <summary>
/// Announces incidents to webhooks: one alert per incident (de-duplicated by incident id),
/// grouped per service by a cooldown, delivered in order by one background worker per webhook that
/// retries with exponential backoff and jitter (Polly) until the receiver accepts, so a receiver that
/// is down for a while loses nothing and holds up no other receiver. The body is sent with a
/// <c>Content-Length</c> (not chunked), which every receiver can read. The delay from the first anomalous point to delivery is in every
/// payload and in <see cref="DeliveryDelays"/>. With an <see cref="IStateStore"/>, what was announced
/// (the open incidents' ids and each service's last alert time) is saved after every announcement
/// and read back at start, so an incident restored after a restart is not announced a second time.
/// </summary>
public sealed class WebhookAlerter : BackgroundService
{
    private readonly AlertOptions _options;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookAlerter> _logger;
    private readonly Channel<Incident>[] _queues;
    private readonly HashSet<string> _announced = [];
    private readonly Dictionary<(string Tenant, string Service), long> _lastAlert = [];
    private readonly ResiliencePipeline _retry;
    private readonly Lock _lock = new();
    private readonly IStateStore? _state;
    private readonly SemaphoreSlim _changed = new(0);
    private bool _dirty;

    /// <summary>The key of the saved announcements in the <see cref="IStateStore"/>.</summary>
    public const string StateKey = "alerts/announced";

    /// <summary>The framing of the saved announcements: magic <c>FSAL</c>, format version 1.</summary>
    public static SnapshotFormat StateFormat { get; } = new("FSAL", 1, "alert state");

    /// <summary>Creates the alerter and subscribes it to <paramref name="tracker"/>; with <paramref name="state"/> what it announced survives a restart.</summary>
    public WebhookAlerter(AlertOptions options, IncidentTracker tracker, HttpClient http, TimeProvider time, ILogger<WebhookAlerter> logger,
        IStateStore? state = null)
    {
        _options = options;
        _state = state;
        _http = http;
        _time = time;
        _logger = logger;
        _queues = [.. options.Webhooks.Select(_ => Channel.CreateUnbounded<Incident>())];
        _retry = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>().Handle<TaskCanceledException>().Handle<TimeoutException>(),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.FirstRetryDelay,
                MaxDelay = options.MaxRetryDelay,
                OnRetry = args =>
                {
                    Log.AlertRetry(logger, args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception?.Message ?? "");
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
        tracker.Changed += OnIncident;
    }

    /// <summary>Seconds from first anomalous point to delivery, of every alert delivered so far.</summary>
    public List<double> DeliveryDelays { get; } = [];

    /// <summary>Deliveries waiting, summed over the webhooks.</summary>
    public int Pending => _queues.Sum(q => q.Reader.Count);

    private void OnIncident(Incident incident, IncidentChange change)
    {
        if (_options.Webhooks.Count == 0) return;
        if (change == IncidentChange.Resolved)
        {
            // A resolved incident never changes again: its id need not be remembered.
            bool removed;
            lock (_lock) _dirty |= removed = _announced.Remove(incident.Id);
            if (removed && _state is not null) _changed.Release();
            return;
        }
        if (incident.Severity < _options.MinimumSeverity) return;
        lock (_lock)
        {
            if (_announced.Contains(incident.Id)) return;
            var key = (incident.Tenant, incident.Service);
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            if (now - incident.End > _options.StaleAfter.TotalMilliseconds) return;
            if (_lastAlert.TryGetValue(key, out var last) && now - last < _options.Cooldown.TotalMilliseconds) return;
            _announced.Add(incident.Id);
            _lastAlert[key] = now;
            _dirty = true;
        }
        if (_state is not null) _changed.Release();
        foreach (var queue in _queues) queue.Writer.TryWrite(incident);
    }

    /// <summary>Reads back what was announced before a restart, then starts the deliveries.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_state is not null && _options.Webhooks.Count > 0 && await _state.GetStateAsync(StateKey, cancellationToken) is { } bytes)
        {
            var announced = new List<string>();
            var lastAlert = new List<(string, string, long)>();
            var ok = StateFormat.TryRead(bytes, r =>
            {
                for (var n = r.ReadInt32(); n > 0; n--) announced.Add(r.ReadString());
                for (var n = r.ReadInt32(); n > 0; n--) lastAlert.Add((r.ReadString(), r.ReadString(), r.ReadInt64()));
            }, out var error);
            if (!ok) Log.StateRefused(_logger, StateKey, error!);
            else
            {
                lock (_lock)
                {
                    _announced.UnionWith(announced);
                    foreach (var (tenant, service, at) in lastAlert) _lastAlert[(tenant, service)] = at;
                }
            }
        }
        await base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_queues.Select((queue, i) => DeliverAllAsync(_options.Webhooks[i], queue.Reader, stoppingToken)).Append(SaveAllAsync(stoppingToken)));

    /// <summary>Saves the announcements after each change (several changes in a row are saved once).</summary>
    private async Task SaveAllAsync(CancellationToken stoppingToken)
    {
        if (_state is null) return;
        try
        {
            while (true)
            {
                await _changed.WaitAsync(stoppingToken);
                while (_changed.CurrentCount > 0) _changed.Wait(0);
                byte[] bytes;
                lock (_lock)
                {
                    if (!_dirty) continue;
                    _dirty = false;
                    bytes = StateFormat.Write(w =>
                    {
                        w.Write(_announced.Count);
                        foreach (var id in _announced) w.Write(id);
                        w.Write(_lastAlert.Count);
                        foreach (var ((tenant, service), at) in _lastAlert)
                        {
                            w.Write(tenant);
                            w.Write(service);
                            w.Write(at);
                        }
                    });
                }
                try
                {
                    await _state.PutStateAsync([new StateEntry(StateKey, bytes)], null, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Log.AlertStateSaveFailed(_logger, ex);
                    lock (_lock) _dirty = true;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverAllAsync(string url, ChannelReader<Incident> queue, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var incident in queue.ReadAllAsync(stoppingToken))
            {
                await DeliverAsync(url, incident, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverAsync(string url, Incident incident, CancellationToken ct)
    {
        await _retry.ExecuteAsync(async token =>
        {
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            var delay = (now - incident.DetectedAt) / 1000.0;
            var payload = new AlertPayload(incident.Id, "firing", incident.Tenant, incident.Service, incident.Severity.ToString().ToLowerInvariant(),
                incident.Start, incident.End, incident.MaxScore, incident.Series, incident.Detectors, incident.DetectedAt, now, delay);
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(token);
            attempt.CancelAfter(_options.AttemptTimeout);
            using var body = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(payload, JsonSerializerOptions.Web));
            body.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            using var response = await _http.PostAsync(url, body, attempt.Token);
            if (!response.IsSuccessStatusCode)
            {
                // A 4xx other than a timeout or rate limit says the request itself is wrong (a mistyped path, a missing token):
                // repeating it cannot succeed, so it is logged once and dropped, as Alertmanager's webhook notifier does.
                var status = (int)response.StatusCode;
                if (status is >= 400 and < 500 and not 408 and not 429)
                {
                    Log.AlertRefused(_logger, incident.Id, url, status);
                    return;
                }
                throw new HttpRequestException($"webhook {url} answered {status}");
            }
            lock (DeliveryDelays) DeliveryDelays.Add(delay);
            Log.AlertDelivered(_logger, incident.Id, url, delay);
        }, ct);
    }
}
