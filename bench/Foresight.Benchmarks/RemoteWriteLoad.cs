using System.Diagnostics;
using System.Net.Http.Headers;
using Foresight.Ingestion;
using Foresight.Series;
using Foresight.Server.Hosting;

namespace Foresight.Benchmarks;

/// <summary>
/// <c>--remote-write-load URL [seconds] [concurrency]</c>: a Prometheus-shaped remote-write load
/// against a running server (start it in another process: <c>foresight serve --data-dir DIR</c>), or, with
/// <see cref="RunEmbeddedAsync"/>, against one this process starts on a temporary data directory.
/// Requests carry 2,000 samples (Prometheus' default <c>max_samples_per_send</c>): 500 series with
/// 9 labels each x 4 samples, over 5,000 distinct series, timestamps advancing in order. All
/// requests are encoded (snappy + protobuf) before the clock starts, so the figure is the
/// server's ingest rate over loopback, with the client on the same machine.
/// </summary>
internal static class RemoteWriteLoad
{
    private const int SeriesTotal = 5000;
    private const int SeriesPerRequest = 500;
    private const int SamplesPerSeries = 4;

    /// <summary>Starts a server in this process (loopback, a free port, a temporary data directory), runs the load against it, and removes it.</summary>
    public static async Task<int> RunEmbeddedAsync(int seconds, int concurrency)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"foresight-load-{Environment.ProcessId}");
        try
        {
            var options = new ForesightServerOptions { DataDirectory = dir, Urls = "http://127.0.0.1:0" };
            await using var server = await ForesightServer.CreateBuilder(options).ConfigureLogging(_ => { }).StartAsync();
            Console.WriteLine($"embedded server on {server.Urls[0]} (data directory {dir})");
            return await Run(server.Urls[0], seconds, concurrency);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    public static async Task<int> Run(string url, int seconds, int concurrency)
    {
        var requestsNeeded = 4000;   // enough for ~8M samples; the run stops at the time limit
        Console.WriteLine($"encoding {requestsNeeded} requests of {SeriesPerRequest * SamplesPerSeries} samples ...");
        var labels = Enumerable.Range(0, SeriesTotal).Select(i => Labels.Of(
            ("job", "node"), ("instance", $"10.0.{i / 250}.{i % 250}:9100"), ("cpu", (i % 16).ToString()), ("mode", "user"),
            ("cluster", "prod-eu-1"), ("namespace", $"ns-{i % 40}"), ("pod", $"pod-{i}"), ("node", $"node-{i / 100}"))).ToArray();
        var start = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() - 50 * 60_000;
        var rounds = SeriesTotal / SeriesPerRequest;
        var bodies = new byte[requestsNeeded][];
        Parallel.For(0, requestsNeeded, r =>
        {
            var round = r / rounds;
            var first = (r % rounds) * SeriesPerRequest;
            var writes = new List<SeriesWrite>(SeriesPerRequest);
            for (var s = first; s < first + SeriesPerRequest; s++)
            {
                var pts = new Point[SamplesPerSeries];
                for (var k = 0; k < SamplesPerSeries; k++)
                {
                    var t = start + ((long)round * SamplesPerSeries + k) * 150;
                    pts[k] = new Point(t, Math.Round(1000 + s + round * 0.25 + k, 2));
                }
                writes.Add(new SeriesWrite("node_cpu_seconds_total", labels[s], pts));
            }
            bodies[r] = RemoteWriteDecoder.Encode(writes);
        });

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = new Uri(url) };
        var next = -1;
        long samples = 0;
        long failures = 0;
        string? firstError = null;
        var latencies = new List<double>[concurrency];
        var sw = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(seconds);
        var workers = Enumerable.Range(0, concurrency).Select(async w =>
        {
            latencies[w] = [];
            while (sw.Elapsed < deadline)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= bodies.Length) break;
                // Requests of one round go out in order so each series' samples arrive in order
                // (Prometheus shards by series for the same reason).
                var content = new ByteArrayContent(bodies[i]);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
                content.Headers.ContentEncoding.Add("snappy");
                content.Headers.Add("X-Prometheus-Remote-Write-Version", "0.1.0");
                var t0 = Stopwatch.GetTimestamp();
                using var response = await http.PostAsync("/api/v1/write", content);
                latencies[w].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                if (response.IsSuccessStatusCode) Interlocked.Add(ref samples, SeriesPerRequest * SamplesPerSeries);
                else
                {
                    Interlocked.Increment(ref failures);
                    firstError ??= $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
                }
            }
        }).ToArray();
        await Task.WhenAll(workers);
        var elapsed = sw.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToList();
        Console.WriteLine($"{samples:N0} samples acknowledged in {elapsed:0.00} s = {samples / elapsed:N0} samples/s " +
                          $"({concurrency} concurrent senders, {all.Count} requests, p50 {all[all.Count / 2]:0.0} ms, p99 {all[(int)(all.Count * 0.99)]:0.0} ms), {failures} failed");
        if (firstError is not null) Console.WriteLine($"first failure: {firstError}");
        return failures == 0 ? 0 : 1;
    }
}
