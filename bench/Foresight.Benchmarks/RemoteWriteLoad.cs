using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Foresight.Ingestion;
using Foresight.Series;
using Foresight.Server.Hosting;

namespace Foresight.Benchmarks;

/// <summary>
/// <c>--remote-write-load URL [options]</c>: a Prometheus-shaped remote-write 1.0 load (snappy + protobuf, the
/// receiver's <c>/api/v1/write</c>) against any receiver: <c>foresight serve</c>, Prometheus started with
/// <c>--web.enable-remote-write-receiver</c>, or (URL <c>embedded</c>) a Foresight server this process starts on a
/// temporary data directory. Two modes:
/// <list type="bullet">
/// <item>max rate (default): requests of <see cref="LoadOptions.SamplesPerRequest"/> samples,
/// <see cref="LoadOptions.SamplesPerSeries"/> consecutive samples of each series, rounds over all series with
/// timestamps 150 ms apart starting 50 minutes ago (so a 1 h out-of-order window takes any reordering between
/// senders). Every request is encoded before the clock starts, so the figure is the receiver's rate over loopback,
/// with the client on the same machine;</item>
/// <item>scrape-like (<c>--scrape-like</c>, <see cref="ScrapeLoad"/>): each series sends one sample per cadence, at the
/// rate a fleet of that size sends (100,000 series at 15 s = 6,667 samples/s), measuring latency, not capacity.</item>
/// </list>
/// With <c>--pid</c> the receiver's resident memory (VmRSS) is sampled during the load, when it ends, and through
/// <c>--idle-after</c> with no load, to show whether memory stays flat once the load stops.
/// </summary>
internal static class RemoteWriteLoad
{
    private const long SampleStepMs = 150;

    public static async Task<int> RunAsync(LoadOptions options)
    {
        if (options.Url != "embedded") return Report(await MeasureAsync(options), options);
        var dir = Path.Combine(Path.GetTempPath(), $"foresight-load-{Environment.ProcessId}");
        try
        {
            var serverOptions = new ForesightServerOptions { DataDirectory = dir, Urls = "http://127.0.0.1:0" };
            await using var server = await ForesightServer.CreateBuilder(serverOptions).ConfigureLogging(_ => { }).StartAsync();
            await Console.Error.WriteLineAsync($"embedded server on {server.Urls[0]} (data directory {dir}; its memory is this process', load client included)");
            return Report(await MeasureAsync(options with { Url = server.Urls[0], Pid = options.Pid ?? Environment.ProcessId }), options);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<LoadResult> MeasureAsync(LoadOptions o)
    {
        var labels = LoadSeries.Build(o);
        var bodies = o.ScrapeLike ? [] : Encode(o, labels);
        using var http = Client(o);
        using var guard = new CancellationTokenSource();
        await using var sampler = o.Pid is { } pid ? new RssSampler(pid, o.SampleInterval, o.RssLimitMb, guard.Cancel) : null;
        var before = sampler?.Sample();
        var run = o.ScrapeLike ? await new ScrapeLoad(o, labels, http).RunAsync(o.Duration, guard.Token) : await SendAsync(o, bodies, http, guard.Token);
        if (sampler?.LimitPassedAt is { } passed)
        {
            run = run with { Note = $"stopped: the receiver's memory passed --rss-limit ({passed.Mb:0} MB at {passed.Seconds:0} s)" + (run.Note is null ? "" : "; " + run.Note) };
        }
        bodies = [];
        GC.Collect();   // the encoded requests are the client's, not the receiver's (they count for 'embedded')
        var loadEnd = sampler?.Seconds ?? 0;
        var peak = sampler?.Samples.Select(s => s.Mb).DefaultIfEmpty().Max();
        var afterLoad = sampler?.Sample();
        double? afterIdle = null;
        if (sampler is { LimitPassedAt: null } && o.IdleAfter > TimeSpan.Zero)
        {
            await Console.Error.WriteLineAsync($"load done; sampling memory for {o.IdleAfter.TotalSeconds:0} s with no load ...");
            await Task.Delay(o.IdleAfter);
            afterIdle = sampler.Sample();
        }
        var idle = sampler?.Samples.Where(s => s.Seconds >= loadEnd).Select(s => Math.Round(s.Mb, 1)).ToArray();
        var lat = run.Latencies;
        return new LoadResult(o.Label, o.ScrapeLike ? "scrape-like" : "max-rate", o.Url, o.Series, o.LabelsPerSeries, o.LabelLength,
            o.ScrapeLike ? o.SeriesPerRequest : o.SamplesPerRequest, o.Senders, Math.Round(run.Seconds, 2), lat.Count, run.Samples,
            Math.Round(run.Samples / run.Seconds), Ms(LatencyRecorder.Percentile(lat, 0.5)), Ms(LatencyRecorder.Percentile(lat, 0.99)),
            Ms(lat.Count == 0 ? double.NaN : lat[^1]), run.Failures, run.ErrorsByStatus, run.FirstError, run.Note,
            Mb(before), Mb(peak), Mb(afterLoad), Mb(afterIdle), o.IdleAfter.TotalSeconds, idle);
    }

    /// <summary>Encodes enough requests for <see cref="LoadOptions.MaxRate"/> samples/s over the duration, in rounds over all series.</summary>
    private static byte[][] Encode(LoadOptions o, Labels[] labels)
    {
        var perRequest = o.SeriesPerRequest;
        var requestsPerRound = (o.Series + perRequest - 1) / perRequest;
        var samplesPerRequest = perRequest * o.SamplesPerSeries;
        var wanted = (long)Math.Ceiling(o.MaxRate * o.Duration.TotalSeconds / samplesPerRequest);
        var rounds = (int)Math.Max(1, (wanted + requestsPerRound - 1) / requestsPerRound);
        var count = rounds * requestsPerRound;
        // 150 ms apart from 50 minutes ago, closer if that many samples would reach the present.
        var step = Math.Max(1, Math.Min(SampleStepMs, 45 * 60_000L / ((long)rounds * o.SamplesPerSeries)));
        var start = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() - 50 * 60_000;
        Console.Error.WriteLine($"encoding {count:N0} requests ({rounds:N0} rounds over {o.Series:N0} series, {samplesPerRequest:N0} samples each) ...");
        var bodies = new byte[count][];
        Parallel.For(0, count, r =>
        {
            var round = r / requestsPerRound;
            var first = r % requestsPerRound * perRequest;
            var writes = new List<SeriesWrite>(perRequest);
            for (var s = first; s < Math.Min(first + perRequest, o.Series); s++)
            {
                var pts = new Point[o.SamplesPerSeries];
                for (var k = 0; k < pts.Length; k++)
                {
                    pts[k] = new Point(start + ((long)round * o.SamplesPerSeries + k) * step, Math.Round(1000 + s + round * 0.25 + k, 2));
                }
                writes.Add(new SeriesWrite("node_cpu_seconds_total", labels[s], pts));
            }
            bodies[r] = RemoteWriteDecoder.Encode(writes);
        });
        Console.Error.WriteLine($"encoded {bodies.Sum(b => (long)b.Length) / 1e6:0.0} MB; sending for {o.Duration.TotalSeconds:0} s with {o.Senders} senders ...");
        return bodies;
    }

    private static async Task<LoadRun> SendAsync(LoadOptions o, byte[][] bodies, HttpClient http, CancellationToken stop)
    {
        var next = -1;
        long samples = 0;
        var errors = new ErrorCounts();
        var latencies = new LatencyRecorder();
        var sw = Stopwatch.StartNew();
        var ranOut = false;
        var samplesPerRequest = o.SeriesPerRequest * o.SamplesPerSeries;
        var workers = Enumerable.Range(0, o.Senders).Select(async _ =>
        {
            while (sw.Elapsed < o.Duration && !stop.IsCancellationRequested)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= bodies.Length)
                {
                    ranOut = true;
                    break;
                }
                // Requests go out in order, so each series' samples arrive nearly in order (Prometheus shards by series for the same reason).
                var t0 = Stopwatch.GetTimestamp();
                var status = await PostAsync(http, o.WritePath, bodies[i], CancellationToken.None);
                latencies.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                if (status.Ok) Interlocked.Add(ref samples, samplesPerRequest);
                else errors.Add(status);
            }
        }).ToArray();
        await Task.WhenAll(workers);
        var note = ranOut ? $"ran out of the {bodies.Length:N0} encoded requests after {sw.Elapsed.TotalSeconds:0.0} s; raise --max-rate" : null;
        return new LoadRun(sw.Elapsed.TotalSeconds, samples, latencies.TakeSorted(), errors.Total, errors.Snapshot(), errors.First, note);
    }

    public static HttpClient Client(LoadOptions o) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = o.Senders, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri(o.Url),
            Timeout = TimeSpan.FromSeconds(30),
        };

    /// <summary>Posts one remote-write 1.0 body; the outcome is its status, or <c>connection</c> / <c>timeout</c> when there was none.</summary>
    public static async Task<WriteStatus> PostAsync(HttpClient http, string path, byte[] body, CancellationToken cancellationToken)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        content.Headers.ContentEncoding.Add("snappy");
        content.Headers.Add("X-Prometheus-Remote-Write-Version", "0.1.0");
        try
        {
            using var response = await http.PostAsync(path, content, cancellationToken);
            if (response.IsSuccessStatusCode) return new WriteStatus(true, ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), null, true);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            var code = (int)response.StatusCode;
            // Prometheus' sender retries 5xx and 429 and drops any other 4xx.
            return new WriteStatus(false, code.ToString(CultureInfo.InvariantCulture), text.Length > 300 ? text[..300] : text, code >= 500 || code == 429);
        }
        catch (HttpRequestException ex)
        {
            return new WriteStatus(false, "connection", ex.Message, true);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WriteStatus(false, "timeout", "no answer within 30 s", true);
        }
    }

    private static int Report(LoadResult r, LoadOptions o)
    {
        Console.WriteLine($"{r.Receiver}: {r.SamplesAcknowledged:N0} samples acknowledged in {r.Seconds:0.00} s = {r.SamplesPerSecond:N0} samples/s " +
                          $"({r.Mode}, {r.Series:N0} series of {r.Labels} labels, {r.SamplesPerRequest:N0} samples per request, {r.Senders} senders, {r.Requests:N0} requests, " +
                          $"p50 {r.P50Ms:0.0} ms, p99 {r.P99Ms:0.0} ms, max {r.MaxMs:0.0} ms), {r.Failures} failed");
        if (r.Failures > 0) Console.WriteLine($"errors by status: {string.Join(", ", r.ErrorsByStatus.Select(kv => $"{kv.Key} x{kv.Value}"))}; first: {r.FirstError}");
        if (r.Note is not null) Console.WriteLine($"note: {r.Note}");
        if (r.RssAfterLoadMb is not null)
        {
            Console.WriteLine($"receiver memory (VmRSS): {r.RssBeforeMb:0} MB before, peak {r.RssPeakMb:0} MB during, {r.RssAfterLoadMb:0} MB after the load" +
                              (r.RssAfterIdleMb is null ? "" : $", {r.RssAfterIdleMb:0} MB after {r.IdleSeconds:0} s idle (idle samples: {string.Join(" ", r.RssIdleMb ?? [])})"));
        }
        if (o.Json) Console.WriteLine(JsonSerializer.Serialize(r, JsonOptions));
        return r.Failures == 0 ? 0 : 1;
    }

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private static double Ms(double v) => Math.Round(v, 2);

    private static double? Mb(double? v) => v is { } x ? Math.Round(x, 1) : null;
}

/// <summary>One request's outcome: <c>Status</c> is the HTTP code, or <c>connection</c> / <c>timeout</c>.</summary>
internal readonly record struct WriteStatus(bool Ok, string Status, string? Message, bool Retryable);

/// <summary>What a load sent and how it went: latencies (ms) sorted.</summary>
internal sealed record LoadRun(double Seconds, long Samples, List<double> Latencies, long Failures, Dictionary<string, long> ErrorsByStatus, string? FirstError, string? Note);

/// <summary>The benchmark's result, printed as one JSON object with <c>--json</c>. Memory in MB (10^6 bytes) of VmRSS.</summary>
internal sealed record LoadResult(string Receiver, string Mode, string Url, int Series, int Labels, int LabelLength, int SamplesPerRequest, int Senders,
    double Seconds, int Requests, long SamplesAcknowledged, double SamplesPerSecond, double P50Ms, double P99Ms, double MaxMs, long Failures,
    Dictionary<string, long> ErrorsByStatus, string? FirstError, string? Note,
    double? RssBeforeMb, double? RssPeakMb, double? RssAfterLoadMb, double? RssAfterIdleMb, double IdleSeconds, double[]? RssIdleMb);

/// <summary>Failed requests counted by status, from any thread, with the first failure's message.</summary>
internal sealed class ErrorCounts
{
    private readonly Dictionary<string, long> _counts = [];
    private readonly Lock _lock = new();

    public string? First { get; private set; }

    public long Total { get; private set; }

    public void Add(WriteStatus status)
    {
        lock (_lock)
        {
            _counts[status.Status] = _counts.GetValueOrDefault(status.Status) + 1;
            Total++;
            First ??= $"{status.Status}: {status.Message}";
        }
    }

    public Dictionary<string, long> Snapshot()
    {
        lock (_lock) return new Dictionary<string, long>(_counts);
    }
}
