using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Channels;
using Foresight.Detection.Incidents;
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
/// payload and in <see cref="DeliveryDelays"/>.
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

    /// <summary>Creates the alerter and subscribes it to <paramref name="tracker"/>.</summary>
    public WebhookAlerter(AlertOptions options, IncidentTracker tracker, HttpClient http, TimeProvider time, ILogger<WebhookAlerter> logger)
    {
        _options = options;
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
        if (_options.Webhooks.Count == 0 || change == IncidentChange.Resolved || incident.Severity < _options.MinimumSeverity) return;
        lock (_lock)
        {
            if (_announced.Contains(incident.Id)) return;
            var key = (incident.Tenant, incident.Service);
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            if (now - incident.End > _options.StaleAfter.TotalMilliseconds) return;
            if (_lastAlert.TryGetValue(key, out var last) && now - last < _options.Cooldown.TotalMilliseconds) return;
            _announced.Add(incident.Id);
            _lastAlert[key] = now;
        }
        foreach (var queue in _queues) queue.Writer.TryWrite(incident);
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_queues.Select((queue, i) => DeliverAllAsync(_options.Webhooks[i], queue.Reader, stoppingToken)));

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
