using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Foresight.Ingestion;
using Foresight.Series;
using Foresight.Tests.Support;

namespace Foresight.Server.Tests.Ingestion;

/// <summary>
/// Series identity and partial acceptance through the real remote-write path (HTTP, snappy, protobuf, the
/// store): label sets the size kube-state-metrics and OpenTelemetry's <c>target_info</c> send, and batches in
/// which some series are refused.
/// </summary>
public sealed class RemoteWriteIdentityTests
{
    private static long Now => TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, IReadOnlyList<SeriesWrite> batch)
    {
        var content = new ByteArrayContent(RemoteWriteDecoder.Encode(batch));
        content.Headers.ContentType = new("application/x-protobuf");
        content.Headers.ContentEncoding.Add("snappy");
        return await http.PostAsync("/api/v1/write", content);
    }

    /// <summary>kube_pod_container_info as kube-state-metrics exposes it, after Prometheus' target labels: 32 labels, long pod and image names.</summary>
    private static SeriesWrite KubePod(int i, long ts)
    {
        var pod = $"checkout-{new string('p', 400 + i * 13)}-{i:x8}";
        var labels = new List<(string, string)>
        {
            ("namespace", "shop-production-eu-west-1"), ("pod", pod), ("uid", Guid.NewGuid().ToString()),
            ("container", $"app-{i}"), ("image", $"registry.example.com/{new string('i', 2048)}/checkout:{i}"),
            ("image_id", $"docker-pullable://registry.example.com/checkout@sha256:{new string('a', 64)}"),
            ("image_spec", $"registry.example.com/checkout:v1.{i}"), ("container_id", $"containerd://{new string('c', 64)}"),
            ("job", "kube-state-metrics"), ("instance", "10.0.0.12:8080"), ("node", $"ip-10-0-{i % 256}-1.eu-west-1.compute.internal"),
        };
        for (var k = labels.Count; k < 32; k++) labels.Add(($"label_app_kubernetes_io_extra_{k}", $"value-{k}-{new string('v', 60)}"));
        return new SeriesWrite("kube_pod_container_info", Labels.Of([.. labels]), [new Point(ts, 1)]);
    }

    /// <summary>target_info as the OpenTelemetry-to-Prometheus mapping writes it: every resource attribute a label.</summary>
    private static SeriesWrite TargetInfo(long ts)
    {
        var labels = new List<(string, string)> { ("job", "shop/checkout"), ("instance", "pod-1") };
        for (var k = 0; k < 40; k++) labels.Add(($"k8s_attribute_{k}", $"{k}:{new string('t', 300)}"));
        labels.Add(("process_command_line", "/usr/bin/dotnet Checkout.dll --urls http://+:8080 " + new string('x', 4000)));
        return new SeriesWrite("target_info", Labels.Of([.. labels]), [new Point(ts, 1)]);
    }

    [Fact]
    public async Task Kube_state_metrics_sized_label_sets_and_64_KiB_values_are_distinct_series_through_remote_write_and_a_restart()
    {
        using var dir = new TempDirectory();
        var ts = Now - 10_000;
        var batch = new List<SeriesWrite>();
        for (var i = 0; i < 40; i++) batch.Add(KubePod(i, ts));
        batch.Add(TargetInfo(ts));
        var huge = new string('h', 64 * 1024);
        batch.Add(new SeriesWrite("config_hash_info", Labels.Of(("config", huge)), [new Point(ts, 1)]));
        batch.Add(new SeriesWrite("config_hash_info", Labels.Of(("config", huge[..^1] + "i")), [new Point(ts, 2)]));
        batch.Add(new SeriesWrite("config_hash_info", Labels.Of(("config", "nul\u0000inside é ✓ " + huge)), [new Point(ts, 3)]));
        batch.Add(new SeriesWrite("node_load1", Labels.Of(("instance", "a:9100"), ("job", "node")), [new Point(ts, 0.5)]));

        await using (var server = await TestServer.StartAsync(dir: dir))
        {
            using var http = server.Client();
            (await PostAsync(http, batch)).StatusCode.Should().Be(HttpStatusCode.NoContent);
            // Sent again with newer points, every series is found again rather than created twice.
            (await PostAsync(http, [.. batch.Select(w => w with { Points = [new Point(ts + 5_000, w.Points[0].Value)] })])).StatusCode
                .Should().Be(HttpStatusCode.NoContent);
            await CheckAsync(server.Server.Store);
        }
        await using var restarted = await TestServer.StartAsync(dir: dir);
        await CheckAsync(restarted.Server.Store);

        async Task CheckAsync(ITimeSeriesStore store)
        {
            var found = await store.FindAsync("default", SeriesSelector.All);
            found.Where(s => s.Metric != "anomaly_score").Should().HaveCount(batch.Count);
            foreach (var w in batch)
            {
                var series = found.Single(s => s.Metric == w.Metric && s.Labels.Equals(w.Labels));
                var points = new List<Point>();
                await store.ReadAsync("default", series.Id, 0, long.MaxValue, points);
                points.Should().Equal(new Point(ts, w.Points[0].Value), new Point(ts + 5_000, w.Points[0].Value));
            }
        }
    }

    [Fact]
    public async Task A_batch_with_refused_series_stores_the_others_and_answers_400_so_prometheus_drops_it_instead_of_retrying()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.Client();
        var now = Now;
        var load = Labels.Of(("instance", "a:9100"), ("job", "node"));

        var response = await PostAsync(http, [
            new SeriesWrite("node_load1", load, [new Point(now - 2000, 0.5)]),
            new SeriesWrite("clock_skewed", Labels.Of(("job", "node")), [new Point(now + 86_400_000, 1)]),
            new SeriesWrite("node_load5", load, [new Point(now - 2000, 0.25)]),
        ]);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, "Prometheus retries 5xx forever and drops a 4xx batch");
        response.Headers.GetValues("X-Prometheus-Remote-Write-Samples-Written").Should().Equal("2");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("title").GetString().Should().Be("1 of 3 points rejected; the other 2 were stored");
        problem.GetProperty("detail").GetString().Should().Contain("clock_skewed{job=\"node\"}").And.Contain("in the future");

        // The next batch is not held back, and the refused series was never created.
        (await PostAsync(http, [new SeriesWrite("node_load1", load, [new Point(now - 1000, 0.75)])])).StatusCode.Should().Be(HttpStatusCode.NoContent);
        var store = server.Server.Store;
        var series = (await store.FindAsync("default", SeriesSelector.All)).Select(s => s.Metric).ToList();
        series.Should().Contain(["node_load1", "node_load5"]).And.NotContain("clock_skewed");
        var points = new List<Point>();
        await store.ReadAsync("default", (await store.FindAsync("default", Selector("node_load1"))).Single().Id, 0, long.MaxValue, points);
        points.Select(p => p.Value).Should().Equal(0.5, 0.75);
    }

    [Fact]
    public async Task A_series_that_is_not_valid_is_refused_alone_and_the_others_of_the_request_are_stored()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.Client();
        var now = Now;
        // A label name Prometheus 3 allows (UTF-8) but this receiver does not, beside a valid series.
        var request = new Foresight.Ingestion.Prometheus.WriteRequest();
        foreach (var (name, label) in new[] { ("node_load1", "instance"), ("http_requests_total", "http.method") })
        {
            var ts = new Foresight.Ingestion.Prometheus.TimeSeries();
            ts.Labels.Add(new Foresight.Ingestion.Prometheus.Label { Name = "__name__", Value = name });
            ts.Labels.Add(new Foresight.Ingestion.Prometheus.Label { Name = label, Value = "x" });
            ts.Samples.Add(new Foresight.Ingestion.Prometheus.Sample { Timestamp = now - 1000, Value = 1 });
            request.Timeseries.Add(ts);
        }
        var content = new ByteArrayContent(IronSnappy.Snappy.Encode(Google.Protobuf.MessageExtensions.ToByteArray(request)));
        content.Headers.ContentType = new("application/x-protobuf");
        content.Headers.ContentEncoding.Add("snappy");

        var response = await http.PostAsync("/api/v1/write", content);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("detail").GetString().Should().Contain("timeseries[1]").And.Contain("'http.method'");
        (problem.GetProperty("accepted").GetInt32(), problem.GetProperty("rejected").GetInt32()).Should().Be((1, 1));
        (await server.Server.Store.FindAsync("default", Selector("node_load1"))).Should().ContainSingle();
        (await http.GetStringAsync("/metrics")).Should().Contain("foresight_points_rejected_total{protocol=\"remote_write\"} 1");
    }

    private static SeriesSelector Selector(string text)
    {
        SeriesSelector.TryParse(text, out var s, out var e).Should().BeTrue(e);
        return s!;
    }
}
