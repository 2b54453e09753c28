using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Foresight.Series;
using Foresight.Tests.Scraping;
using Foresight.Tests.Support;

namespace Foresight.Server.Tests.Ingestion;

/// <summary>
/// Debian's Prometheus scraping a fixture exporter and remote-writing into Foresight, with a restart of
/// each side in the middle: at the end every sample Prometheus holds for the job is readable in Foresight,
/// and a series Foresight refuses does not hold back the others.
/// </summary>
[Collection("Heavy")]
public sealed class PrometheusRemoteWriteEndToEndTests
{
    private const string Job = "fixture";
    private const int ResetAt = 8;       // the counter restarts from 0 at this scrape
    private const int EphemeralUntil = 6; // the series disappears after this scrape (Prometheus then writes a staleness marker)

    /// <summary>The fixture exporter: counters with a reset, a histogram, a gauge, ≥ 2 KiB labels, a series that disappears, and (on demand) a sample 5 minutes ahead, which Prometheus stores and Foresight refuses.</summary>
    private sealed class Exporter
    {
        public volatile bool ServeBackfill;
        public long BackfillTimestamp;

        public string Render(int n)
        {
            var sb = new StringBuilder();
            var counter = n < ResetAt ? n * 10 : (n - ResetAt) * 3;
            sb.Append("# TYPE fixture_requests_total counter\n");
            sb.Append(CultureInfo.InvariantCulture, $"fixture_requests_total{{path=\"/cart\"}} {counter}\n");
            sb.Append("# TYPE fixture_latency_seconds histogram\n");
            sb.Append(CultureInfo.InvariantCulture, $"fixture_latency_seconds_bucket{{le=\"0.1\"}} {n}\n");
            sb.Append(CultureInfo.InvariantCulture, $"fixture_latency_seconds_bucket{{le=\"0.5\"}} {2 * n}\n");
            sb.Append(CultureInfo.InvariantCulture, $"fixture_latency_seconds_bucket{{le=\"+Inf\"}} {3 * n}\n");
            sb.Append(CultureInfo.InvariantCulture, $"fixture_latency_seconds_sum {0.7 * n}\n");
            sb.Append(CultureInfo.InvariantCulture, $"fixture_latency_seconds_count {3 * n}\n");
            sb.Append("# TYPE fixture_load1 gauge\n");
            sb.Append(CultureInfo.InvariantCulture, $"fixture_load1 {Math.Round(1 + Math.Sin(n / 3.0), 3)}\n");
            for (var i = 0; i < 3; i++)
            {
                sb.Append(CultureInfo.InvariantCulture,
                    $"fixture_pod_info{{pod=\"checkout-{new string('p', 2100 + i)}\",image=\"registry.example.com/{new string('i', 3000)}:{i}\"}} 1\n");
            }
            if (n <= EphemeralUntil) sb.Append(CultureInfo.InvariantCulture, $"fixture_ephemeral{{worker=\"w1\"}} {n}\n");
            if (ServeBackfill) sb.Append(CultureInfo.InvariantCulture, $"fixture_backfill 1 {BackfillTimestamp}\n");
            return sb.ToString();
        }
    }

    [RequiresBinaryFact("prometheus")]
    public async Task Every_sample_prometheus_holds_arrives_across_restarts_and_a_refused_series_holds_back_nothing()
    {
        using var data = new TempDirectory();
        using var work = new TempDirectory();
        var foresightPort = ServerProcess.FreePort();
        var prometheusPort = ServerProcess.FreePort();
        void Configure(Server.Hosting.ForesightServerOptions o)
        {
            o.Urls = $"http://127.0.0.1:{foresightPort}";
            o.Detection.Enabled = false;
            o.Store.FutureTolerance = TimeSpan.FromMinutes(1);
        }

        // Prometheus takes a scraped sample up to 10 minutes ahead and remote-writes it; this Foresight takes 1 minute
        // ahead, so it refuses it. (An old sample would not do: Prometheus' remote-write sends only samples newer than
        // its WAL watcher's start.)
        var exporter = new Exporter { BackfillTimestamp = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() + 5 * 60_000 };
        await using var metrics = await MetricsServer.StartAsync();
        metrics.Render = exporter.Render;
        var config = Path.Combine(work.Path, "prometheus.yml");
        await File.WriteAllTextAsync(config, $$"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: {{Job}}
                static_configs:
                  - targets: ["{{metrics.Address}}"]
            remote_write:
              - url: http://127.0.0.1:{{foresightPort}}/api/v1/write
                queue_config:
                  batch_send_deadline: 500ms
                  min_backoff: 100ms
                  max_backoff: 500ms
            """);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{prometheusPort}") };
        var log = new StringBuilder();

        var foresight = await TestServer.StartAsync(Configure, data);
        var prometheus = await StartPrometheusAsync(config, work.Path, prometheusPort, http, log);
        try
        {
            await LoadAdvancesAsync(foresight, 3, "before any restart", log);

            await foresight.DisposeAsync();   // Prometheus retries while it is down
            foresight = await TestServer.StartAsync(Configure, data);
            await LoadAdvancesAsync(foresight, 3, "after Foresight restarted", log);

            await StopPrometheusAsync(prometheus);   // SIGTERM: Prometheus flushes its queue on the way out
            prometheus = await StartPrometheusAsync(config, work.Path, prometheusPort, http, log);
            await LoadAdvancesAsync(foresight, 3, "after Prometheus restarted", log);

            exporter.ServeBackfill = true;
            await Wait.ForAsync(async () =>
                {
                    using var client = foresight.Client();
                    return await client.GetStringAsync("/metrics");
                }, text => text.Contains("foresight_points_rejected_total{protocol=\"remote_write\"}", StringComparison.Ordinal),
                "Foresight to refuse the sample 5 minutes ahead", TimeSpan.FromSeconds(20),
                text => $"{string.Join(" ", text.Split('\n').Where(l => l.StartsWith("foresight_points", StringComparison.Ordinal)))}; Prometheus log: {Tail(log)}");
            await LoadAdvancesAsync(foresight, 3, "after the refused sample (it must not hold the others back)", log);
            exporter.ServeBackfill = false;

            // Every sample Prometheus holds for the job, raw, up to now (the refused one, ahead, is not among them).
            using (var ahead = JsonDocument.Parse(await http.GetStringAsync(
                       $"/api/v1/query?query=fixture_backfill&time={(exporter.BackfillTimestamp / 1000.0).ToString(CultureInfo.InvariantCulture)}")))
            {
                ahead.RootElement.GetProperty("data").GetProperty("result").GetArrayLength().Should().Be(1, "Prometheus stored the sample Foresight refuses");
            }
            var held = await PrometheusSamplesAsync(http);
            held.Keys.Should().Contain(k => k.Metric == "fixture_ephemeral").And.Contain(k => k.Metric == "fixture_pod_info");
            held.Single(kv => kv.Key.Metric == "fixture_requests_total").Value.Select(p => p.Value)
                .Should().Contain(0, "the counter reset is among the samples").And.Contain((ResetAt - 1) * 10);
            var expected = held.ToList();
            var store = foresight.Server.Store;
            var missing = await Wait.ForAsync(() => MissingAsync(store, expected), m => m.Count == 0,
                "every sample Prometheus holds to be readable in Foresight", TimeSpan.FromSeconds(30),
                m => $"{m.Count} missing, first: {string.Join("; ", m.Take(5))}; Prometheus log: {Tail(log)}");
            missing.Should().BeEmpty();
            (await store.FindAsync("default", Selector("fixture_backfill"))).Should().BeEmpty("the refused series was never created");
            var ephemeral = await ReadAsync(store, (await store.FindAsync("default", Selector("fixture_ephemeral"))).Single());
            ephemeral.Should().OnlyContain(p => !double.IsNaN(p.Value), "a staleness marker is never stored");
        }
        finally
        {
            await StopPrometheusAsync(prometheus);
            await foresight.DisposeAsync();
        }
    }

    private static async Task<Process> StartPrometheusAsync(string config, string work, int port, HttpClient http, StringBuilder log)
    {
        var info = new ProcessStartInfo(RequiresBinaryFactAttribute.Locate("prometheus")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(work, "tsdb")}", $"--web.listen-address=127.0.0.1:{port}" })
        {
            info.ArgumentList.Add(a);
        }
        var process = Process.Start(info)!;
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        await Wait.UntilAsync(async () =>
        {
            if (process.HasExited) throw new InvalidOperationException($"prometheus exited with {process.ExitCode}: {Tail(log)}");
            try
            {
                return (await http.GetAsync("/-/ready")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "Prometheus to be ready", TimeSpan.FromSeconds(30));
        return process;
    }

    private static async Task StopPrometheusAsync(Process process)
    {
        if (process.HasExited) return;
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }

    /// <summary>Waits until Foresight holds <paramref name="more"/> points of fixture_load1 more than now.</summary>
    private static async Task LoadAdvancesAsync(TestServer foresight, int more, string when, StringBuilder log)
    {
        var store = foresight.Server.Store;
        async Task<int> CountAsync()
        {
            var found = await store.FindAsync("default", Selector("fixture_load1"));
            return found.Count == 0 ? 0 : (await ReadAsync(store, found.Single())).Count;
        }
        var start = await CountAsync();
        await Wait.ForAsync(CountAsync, n => n >= start + more, $"fixture_load1 to advance by {more} points {when}", TimeSpan.FromSeconds(20),
            n => $"{n - start} new points; Prometheus log: {Tail(log)}");
    }

    private sealed record SeriesId(string Metric, Labels Labels)
    {
        public override string ToString() => new SeriesKey("", Metric, Labels).Canonical();
    }

    /// <summary>Every raw sample Prometheus holds for the job over the last 10 minutes (a range selector returns raw samples, staleness markers left out).</summary>
    private static async Task<Dictionary<SeriesId, List<Point>>> PrometheusSamplesAsync(HttpClient http)
    {
        var query = Uri.EscapeDataString($"{{job=\"{Job}\"}}[10m]");
        using var doc = JsonDocument.Parse(await http.GetStringAsync($"/api/v1/query?query={query}"));
        var result = new Dictionary<SeriesId, List<Point>>();
        foreach (var series in doc.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var labels = series.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            labels.Remove("__name__", out var metric);
            var points = series.GetProperty("values").EnumerateArray()
                .Select(v => new Point((long)Math.Round(v[0].GetDouble() * 1000), double.Parse(v[1].GetString()!, CultureInfo.InvariantCulture)))
                .ToList();
            result[new SeriesId(metric!, Labels.From(labels))] = points;
        }
        return result;
    }

    private static async Task<List<string>> MissingAsync(ITimeSeriesStore store, List<KeyValuePair<SeriesId, List<Point>>> expected)
    {
        var missing = new List<string>();
        var all = await store.FindAsync("default", SeriesSelector.All);
        foreach (var (id, points) in expected)
        {
            var series = all.FirstOrDefault(s => s.Metric == id.Metric && s.Labels.Equals(id.Labels));
            if (series is null)
            {
                missing.Add($"{id}: no such series");
                continue;
            }
            var stored = (await ReadAsync(store, series)).ToHashSet();
            missing.AddRange(points.Where(p => !stored.Contains(p)).Select(p => $"{id.Metric} @{p.Timestamp}={p.Value}"));
        }
        return missing;
    }

    private static async Task<List<Point>> ReadAsync(ITimeSeriesStore store, SeriesInfo series)
    {
        var points = new List<Point>();
        await store.ReadAsync("default", series.Id, 0, long.MaxValue, points);
        return points;
    }

    private static SeriesSelector Selector(string text)
    {
        SeriesSelector.TryParse(text, out var s, out var e).Should().BeTrue(e);
        return s!;
    }

    private static string Tail(StringBuilder log)
    {
        lock (log)
        {
            var text = log.ToString();
            return text.Length <= 2000 ? text : text[^2000..];
        }
    }
}
