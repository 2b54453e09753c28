using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Foresight.Ingestion;
using Foresight.Series;
using Foresight.Tests.Support;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Foresight.Server.Tests.Ingestion;

/// <summary>Ingestion tested against the real clients: Prometheus' remote_write and the OpenTelemetry .NET SDK.</summary>
[Collection("Heavy")]
public sealed class RealClientIntegrationTests
{
    private static SeriesSelector Sel(string text)
    {
        SeriesSelector.TryParse(text, out var s, out var e).Should().BeTrue(e);
        return s!;
    }

    private static Task<IReadOnlyList<SeriesInfo>> WaitForSeries(ITimeSeriesStore store, string selector, TimeSpan timeout, Func<string> diagnostics) =>
        Wait.ForAsync(() => store.FindAsync("default", Sel(selector)).AsTask(), found => found.Count > 0, $"a series matching {selector}", timeout,
            _ => $"none; the log: {diagnostics()}");

    [RequiresBinaryFact("prometheus")]
    public async Task Prometheus_scrapes_a_target_and_remote_writes_its_series_to_foresight()
    {
        await using var server = await TestServer.StartAsync();
        using var work = new TempDirectory();
        var port = ServerProcess.FreePort();
        var target = server.BaseAddress.Authority;
        var config = Path.Combine(work.Path, "prometheus.yml");
        await File.WriteAllTextAsync(config, $$"""
            global:
              scrape_interval: 2s
              scrape_timeout: 2s
            scrape_configs:
              - job_name: foresight-self
                static_configs:
                  - targets: ["{{target}}"]
                    labels: {origin: prometheus-it}
            remote_write:
              - url: {{server.BaseAddress}}api/v1/write
                queue_config:
                  batch_send_deadline: 1s
                  min_backoff: 100ms
                  max_backoff: 1s
            """);
        var info = new ProcessStartInfo(RequiresBinaryFactAttribute.Locate("prometheus"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(work.Path, "tsdb")}", $"--web.listen-address=127.0.0.1:{port}" })
        {
            info.ArgumentList.Add(a);
        }
        using var prometheus = Process.Start(info)!;
        var log = new System.Text.StringBuilder();
        prometheus.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        prometheus.BeginErrorReadLine();
        try
        {
            var up = await WaitForSeries(server.Server.Store, "up{job=\"foresight-self\"}", TimeSpan.FromSeconds(60), () => log.ToString());
            up.Single().Labels.Get("origin").Should().Be("prometheus-it");
            up.Single().Labels.Get("instance").Should().Be(target);
            // up is 1 for a successful scrape; a scrape that times out on a busy test machine is 0,
            // so wait for a successful one.
            var points = await Wait.ForAsync(async () =>
            {
                var read = new List<Point>();
                await server.Server.Store.ReadAsync("default", up.Single().Id, 0, long.MaxValue, read);
                return read;
            }, read => read.Any(p => p.Value == 1), "a successful scrape (up 1)", TimeSpan.FromSeconds(60), read => $"{read.Count} points of up, none 1");
            points.Should().Contain(p => p.Value == 1).And.OnlyContain(p => p.Value == 0 || p.Value == 1);

            // The scraped target's own metrics arrived too, with Prometheus' job label.
            var ingested = await WaitForSeries(server.Server.Store, "foresight_store_series{job=\"foresight-self\"}", TimeSpan.FromSeconds(30), () => log.ToString());
            ingested.Should().ContainSingle();
        }
        finally
        {
            prometheus.Kill(entireProcessTree: true);
            await prometheus.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task The_opentelemetry_sdk_exports_counters_gauges_and_histograms_over_otlp_http_protobuf()
    {
        await using var server = await TestServer.StartAsync();
        using var meter = new Meter("Foresight.IntegrationTest");
        var requests = meter.CreateCounter<long>("http.server.requests", unit: "{request}");
        var duration = meter.CreateHistogram<double>("http.server.request.duration", unit: "s");
        meter.CreateObservableGauge("process.memory.usage", () => 123456789L, unit: "By");

        using (var provider = Sdk.CreateMeterProviderBuilder()
                   .ConfigureResource(r => r.AddService("checkout", serviceNamespace: "shop", serviceInstanceId: "pod-1"))
                   .AddMeter(meter.Name)
                   .AddOtlpExporter((exporter, reader) =>
                   {
                       exporter.Endpoint = new Uri(server.BaseAddress, "/v1/metrics");
                       exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
                       reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 60_000;
                       reader.TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
                   })
                   .Build())
        {
            requests.Add(3, new KeyValuePair<string, object?>("http.route", "/cart"));
            requests.Add(2, new KeyValuePair<string, object?>("http.route", "/pay"));
            foreach (var d in new[] { 0.004, 0.02, 0.3 }) duration.Record(d, new KeyValuePair<string, object?>("http.route", "/cart"));
            provider.ForceFlush(10_000).Should().BeTrue();
        }

        var store = server.Server.Store;
        var cart = await store.FindAsync("default", Sel("http_server_requests_total{http_route=\"/cart\"}"));
        cart.Should().ContainSingle();
        cart[0].Labels.Get("job").Should().Be("shop/checkout");
        cart[0].Labels.Get("instance").Should().Be("pod-1");
        (await LastAsync(store, cart[0])).Should().Be(3);
        (await LastAsync(store, (await store.FindAsync("default", Sel("http_server_requests_total{http_route=\"/pay\"}"))).Single())).Should().Be(2);

        (await LastAsync(store, (await store.FindAsync("default", Sel("http_server_request_duration_seconds_count"))).Single())).Should().Be(3);
        (await LastAsync(store, (await store.FindAsync("default", Sel("http_server_request_duration_seconds_sum"))).Single())).Should().BeApproximately(0.324, 1e-9);
        var buckets = await store.FindAsync("default", Sel("http_server_request_duration_seconds_bucket"));
        buckets.Should().Contain(b => b.Labels.Get("le") == "+Inf");
        (await LastAsync(store, buckets.Single(b => b.Labels.Get("le") == "+Inf"))).Should().Be(3);
        (await LastAsync(store, (await store.FindAsync("default", Sel("process_memory_usage_bytes"))).Single())).Should().Be(123456789);
    }

    [Fact]
    public async Task Remote_write_requests_are_stored_and_bad_ones_get_400_problems()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.Client();
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        var body = RemoteWriteDecoder.Encode([new SeriesWrite("node_load1", Labels.Of(("instance", "a:9100"), ("job", "node")), [new Point(now - 1000, 0.5), new Point(now, 0.75)])]);
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/x-protobuf");
        content.Headers.ContentEncoding.Add("snappy");
        (await http.PostAsync("/api/v1/write", content)).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await LastAsync(server.Server.Store, (await server.Server.Store.FindAsync("default", Sel("node_load1{job=\"node\"}"))).Single())).Should().Be(0.75);

        var junk = new ByteArrayContent([1, 2, 3, 4, 5]);
        junk.Headers.ContentEncoding.Add("snappy");
        var bad = await http.PostAsync("/api/v1/write", junk);
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync()).Should().Contain("remote-write");
    }

    private static async Task<double> LastAsync(ITimeSeriesStore store, SeriesInfo series)
    {
        var points = new List<Point>();
        await store.ReadAsync("default", series.Id, 0, long.MaxValue, points);
        return points[^1].Value;
    }
}
