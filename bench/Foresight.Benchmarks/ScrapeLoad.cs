using System.Diagnostics;
using System.Threading.Channels;
using Foresight.Ingestion;
using Foresight.Series;

namespace Foresight.Benchmarks;

/// <summary>
/// A fleet's remote-write at its real rate: every series sends one sample per cadence (a scrape interval), the
/// series split into groups of <see cref="LoadOptions.SeriesPerRequest"/>, each group one request per cadence, the
/// groups' requests spread evenly over the interval (as Prometheus spreads its scrapes). Each group belongs to one
/// sender (Prometheus shards by series), which sends its requests in order and retries a request that failed with a
/// 5xx, a 429 or no answer, backing off from 30 ms to 5 s (Prometheus 2.42's <c>min_backoff</c> and
/// <c>max_backoff</c>), until it is acknowledged; any other 4xx is dropped, as Prometheus drops it. A sample is
/// acknowledged when its request got a 2xx; <see cref="VerifyAsync"/> reads every acknowledged one back.
/// </summary>
internal sealed class ScrapeLoad
{
    public const string Metric = "fleet_load";
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(30);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private readonly LoadOptions _options;
    private readonly Labels[] _labels;
    private readonly HttpClient _http;
    private readonly int _groups;
    private readonly long _cadenceMs;
    private readonly bool[,] _acked;
    private long _ackedSamples;
    private long _intervalFailures;
    private long _dropped;
    private long _queued;

    public ScrapeLoad(LoadOptions options, Labels[] labels, HttpClient http)
    {
        _options = options;
        _labels = labels;
        _http = http;
        _groups = (labels.Length + options.SeriesPerRequest - 1) / options.SeriesPerRequest;
        _cadenceMs = (long)options.Cadence.TotalMilliseconds;
        Ticks = (int)Math.Ceiling(options.Duration / options.Cadence);
        _acked = new bool[Ticks, _groups];
        StartMs = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() / _cadenceMs * _cadenceMs;
    }

    /// <summary>Timestamp of the first sample (wall clock when the load was made, rounded down to the cadence).</summary>
    public long StartMs { get; }

    public int Ticks { get; }

    /// <summary>Every request's latency (one per attempt), for the whole run.</summary>
    public LatencyRecorder AllLatencies { get; } = new();

    /// <summary>Latencies since the soak last took them.</summary>
    public LatencyRecorder IntervalLatencies { get; } = new();

    public ErrorCounts Errors { get; } = new();

    public long AckedSamples => Interlocked.Read(ref _ackedSamples);

    /// <summary>Requests due but not yet acknowledged (queued, in flight or being retried).</summary>
    public long Queued => Interlocked.Read(ref _queued);

    /// <summary>Requests a 4xx (other than 429) refused for good.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Failed attempts since the last call.</summary>
    public long TakeIntervalFailures() => Interlocked.Exchange(ref _intervalFailures, 0);

    /// <summary>The value of series <paramref name="s"/> at tick <paramref name="k"/>: a daily-like wave plus deterministic noise.</summary>
    public static double Value(int s, int k) => Math.Round(100 + 40 * Math.Sin(2 * Math.PI * k / 240 + s % 97) + (s * 31L + k * 17L) % 13, 3);

    /// <summary>The timestamp of group <paramref name="g"/>'s sample at tick <paramref name="k"/>.</summary>
    public long Timestamp(int k, int g) => StartMs + k * _cadenceMs + g * _cadenceMs / _groups;

    /// <summary>Sends for <paramref name="duration"/>, then lets the senders finish what is due (retrying up to a minute more).</summary>
    public async Task<LoadRun> RunAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var senders = Math.Min(_options.Senders, _groups);
        var queues = Enumerable.Range(0, senders).Select(_ => Channel.CreateUnbounded<(int Tick, int Group)>(new UnboundedChannelOptions { SingleReader = true })).ToArray();
        using var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var workers = queues.Select(q => Task.Run(() => SendLoopAsync(q.Reader, drain.Token), CancellationToken.None)).ToArray();
        var clock = Stopwatch.StartNew();
        await Console.Error.WriteLineAsync($"scrape-like load: {_labels.Length:N0} series every {_options.Cadence.TotalSeconds:0.###} s = " +
                                           $"{_labels.Length / _options.Cadence.TotalSeconds:N0} samples/s in {_groups:N0} requests per interval, {senders} senders");
        try
        {
            for (var k = 0; k < Ticks; k++)
            {
                for (var g = 0; g < _groups; g++)
                {
                    var due = k * _options.Cadence + g * _options.Cadence / _groups;
                    if (due >= duration) break;
                    var wait = due - clock.Elapsed;
                    if (wait > TimeSpan.Zero) await Task.Delay(wait, cancellationToken);
                    Interlocked.Increment(ref _queued);
                    queues[g % senders].Writer.TryWrite((k, g));
                }
            }
            var rest = duration - clock.Elapsed;
            if (rest > TimeSpan.Zero) await Task.Delay(rest, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped early (the memory guard): what is queued is not sent.
        }
        finally
        {
            foreach (var q in queues) q.Writer.TryComplete();
        }
        var seconds = clock.Elapsed.TotalSeconds;
        drain.CancelAfter(TimeSpan.FromMinutes(1));
        await Task.WhenAll(workers);
        var note = Queued > 0 ? $"{Queued:N0} requests still unacknowledged a minute after the load ended" : null;
        if (Dropped > 0) note = (note is null ? "" : note + "; ") + $"{Dropped:N0} requests refused with a 4xx and dropped";
        return new LoadRun(seconds, AckedSamples, AllLatencies.TakeSorted(), Errors.Total, Errors.Snapshot(), Errors.First, note);
    }

    private async Task SendLoopAsync(ChannelReader<(int Tick, int Group)> queue, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var (k, g) in queue.ReadAllAsync(cancellationToken))
            {
                var body = Encode(k, g, out var samples);
                var backoff = MinBackoff;
                while (true)
                {
                    var t0 = Stopwatch.GetTimestamp();
                    var status = await RemoteWriteLoad.PostAsync(_http, _options.WritePath, body, cancellationToken);
                    var ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                    AllLatencies.Add(ms);
                    IntervalLatencies.Add(ms);
                    if (status.Ok)
                    {
                        _acked[k, g] = true;
                        Interlocked.Add(ref _ackedSamples, samples);
                        break;
                    }
                    Errors.Add(status);
                    Interlocked.Increment(ref _intervalFailures);
                    if (!status.Retryable)
                    {
                        Interlocked.Increment(ref _dropped);
                        break;
                    }
                    await Task.Delay(backoff, cancellationToken);
                    backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
                }
                Interlocked.Decrement(ref _queued);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The drain time is over: what is still queued stays unacknowledged (and is reported).
        }
    }

    private byte[] Encode(int k, int g, out int samples)
    {
        var first = g * _options.SeriesPerRequest;
        var last = Math.Min(first + _options.SeriesPerRequest, _labels.Length);
        var t = Timestamp(k, g);
        var writes = new List<SeriesWrite>(last - first);
        for (var s = first; s < last; s++) writes.Add(new SeriesWrite(Metric, _labels[s], [new Point(t, Value(s, k))]));
        samples = writes.Count;
        return RemoteWriteDecoder.Encode(writes);
    }

    /// <summary>
    /// Reads every series back through <c>GET /api/v1/series</c> and <c>/api/v1/series/{id}/points</c> and counts the
    /// acknowledged samples that are missing or have another value (Foresight's API; another receiver cannot be checked this way).
    /// </summary>
    public async Task<VerifyResult> VerifyAsync(CancellationToken cancellationToken)
    {
        using var list = await _http.GetAsync($"/api/v1/series?match={Uri.EscapeDataString(Metric)}", cancellationToken);
        list.EnsureSuccessStatusCode();
        using var doc = System.Text.Json.JsonDocument.Parse(await list.Content.ReadAsStreamAsync(cancellationToken));
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var s in doc.RootElement.GetProperty("series").EnumerateArray())
        {
            if (s.GetProperty("labels").TryGetProperty("instance", out var instance)) ids[instance.GetString()!] = s.GetProperty("id").GetInt64();
        }
        long expected = 0, missing = 0, wrong = 0, checkedSeries = 0;
        var to = Timestamp(Ticks, 0) + 1;
        await Parallel.ForAsync(0, _labels.Length, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (s, ct) =>
        {
            var g = s / _options.SeriesPerRequest;
            var want = new Dictionary<long, double>();
            for (var k = 0; k < Ticks; k++)
            {
                if (_acked[k, g]) want[Timestamp(k, g)] = Value(s, k);
            }
            Interlocked.Add(ref expected, want.Count);
            if (!ids.TryGetValue(_labels[s].ToDictionary()["instance"], out var id))
            {
                Interlocked.Add(ref missing, want.Count);
                return;
            }
            using var response = await _http.GetAsync($"/api/v1/series/{id}/points?from={StartMs}&to={to}", ct);
            response.EnsureSuccessStatusCode();
            using var points = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStreamAsync(ct));
            foreach (var p in points.RootElement.GetProperty("points").EnumerateArray())
            {
                var ts = p[0].GetInt64();
                if (!want.Remove(ts, out var value)) continue;
                if (p[1].ValueKind != System.Text.Json.JsonValueKind.Number || p[1].GetDouble() != value) Interlocked.Increment(ref wrong);
            }
            Interlocked.Add(ref missing, want.Count);
            var n = Interlocked.Increment(ref checkedSeries);
            if (n % 10_000 == 0) await Console.Error.WriteLineAsync($"verified {n:N0} of {_labels.Length:N0} series ...");
        });
        return new VerifyResult(expected, missing, wrong);
    }
}

/// <summary>Acknowledged samples, and how many of them were not found or had another value when read back.</summary>
internal sealed record VerifyResult(long Acknowledged, long Missing, long WrongValue);
