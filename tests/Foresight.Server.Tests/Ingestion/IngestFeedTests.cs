using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Foresight.Detection;
using Foresight.Evaluation.Demo;
using Foresight.Ingestion;
using Foresight.Server.Detection;
using Foresight.Tests.Support;

namespace Foresight.Server.Tests.Ingestion;

public sealed class IngestFeedTests
{
    private const int PointsPerBatch = 10;

    [Fact]
    public async Task A_flood_detection_cannot_keep_up_with_is_shed_and_counted_in_metrics_and_healthz_exactly()
    {
        using var gate = new DetectorGate();
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Feed.Capacity = 2;
            o.Detection.CrossMetric = false;
            o.Detection.DetectorFactory = () => new GatedDetector(gate);
        });
        using var http = server.Client();
        var t0 = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() - 3_600_000;
        var batch = 0;
        async Task Post()
        {
            var points = string.Join(",", Enumerable.Range(0, PointsPerBatch).Select(i => $"[{t0 + (batch * PointsPerBatch + i) * 1000L},{i}]"));
            var body = $$"""{"series":[{"metric":"rps","labels":{"service":"api"},"points":[{{points}}]}]}""";
            (await http.PostAsync("/api/v1/ingest", new StringContent(body, Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
            batch++;
        }

        // The first batch reaches detection, whose detector then holds it: the queue behind it fills.
        await Post();
        (await gate.Entered.WaitAsync(TimeSpan.FromSeconds(30))).Should().BeTrue("detection takes the first batch");
        for (var i = 0; i < 7; i++) await Post();   // 2 queue up (capacity 2), 5 are shed
        var accepted = batch * PointsPerBatch;

        var metrics = await http.GetStringAsync("/metrics");
        metrics.Should().Contain("foresight_feed_shed_points_total{consumer=\"detection\"} 50")
            .And.Contain("foresight_feed_shed_batches_total{consumer=\"detection\"} 5")
            .And.Contain("foresight_feed_pending_batches{consumer=\"detection\"} 2");
        var detection = await DetectionHealth(http);
        detection.GetProperty("shedPoints").GetInt64().Should().Be(50);
        detection.GetProperty("pendingBatches").GetInt32().Should().Be(2);
        var health = await http.GetFromJsonAsync<JsonElement>("/healthz");
        health.GetProperty("status").GetString().Should().Be("ok", "a consumer that sheds is behind, not down");
        detection.GetProperty("status").GetString().Should().Be("behind");
        detection.GetProperty("recentShedPoints").GetInt64().Should().Be(50);
        var summary = health.GetProperty("detection");
        summary.GetProperty("status").GetString().Should().Be("behind", "detection was handed less than was stored within the last 5 minutes");
        (summary.GetProperty("shedPoints").GetInt64(), summary.GetProperty("recentShedPoints").GetInt64(), summary.GetProperty("recentWindowSeconds").GetInt32())
            .Should().Be((50L, 50L, 300));
        summary.GetProperty("lastShed").ValueKind.Should().Be(JsonValueKind.String);

        gate.Release();
        var pipeline = server.Server.Services<DetectionPipeline>();
        var feed = server.Server.Ingest.Feed;
        await Wait.UntilAsync(() => pipeline.Pending == 0 && pipeline.Scored >= feed.Consumers().Single(c => c.Consumer == "detection").DeliveredPoints,
            "detection to score everything it was handed");

        var shed = (await DetectionHealth(http)).GetProperty("shedPoints").GetInt64();
        (pipeline.Scored + shed).Should().Be(accepted, "every accepted point was either scored or counted as shed");
        pipeline.Scored.Should().Be(3 * PointsPerBatch);
        (await http.GetStringAsync("/metrics")).Should().Contain($"foresight_feed_shed_points_total{{consumer=\"detection\"}} {accepted - pipeline.Scored}");
    }

    [Fact]
    public async Task The_demo_backfill_waits_for_detection_instead_of_being_shed_and_all_of_it_is_scored()
    {
        using var gate = new DetectorGate();
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Demo = true;
            // Two of the backfill's 6-hour batches (30 series x 1,440 points): two weeks arriving at once would overflow it 27 times.
            o.Feed.CapacityPoints = 100_000;
            o.Detection.CrossMetric = false;
            o.Detection.DetectorFactory = () => new GatedDetector(gate);
        });
        using var http = server.Client();
        var pipeline = server.Server.Services<DetectionPipeline>();
        var feed = server.Server.Ingest.Feed;
        IngestConsumerStats Detection() => feed.Consumers().Single(c => c.Consumer == DetectionPipeline.ConsumerName);

        (await gate.Entered.WaitAsync(TimeSpan.FromSeconds(30))).Should().BeTrue("detection takes the first batch");
        await server.Server.DemoBackfilled.WaitAsync(Wait.Limit);
        await Wait.UntilAsync(() => Detection().PendingBatches == 2, "the backfill to fill detection's queue while its worker is held");

        gate.Release();
        // The hand-over is paced: between two of its batches detection can have scored all it was handed so far.
        var twoWeeks = DemoFleet.Services.Count * DemoFleet.Metrics.Count * (long)(DemoFleet.Backfill / DemoFleet.Interval);
        await Wait.UntilAsync(() => Detection().DeliveredPoints >= twoWeeks && pipeline.Pending == 0 && pipeline.Scored + pipeline.Skipped >= Detection().DeliveredPoints,
            "detection to be handed the whole backfill and to score it", TimeSpan.FromMinutes(3));

        var stats = Detection();
        stats.ShedPoints.Should().Be(0);
        stats.DeliveredPoints.Should().BeGreaterThanOrEqualTo(twoWeeks, "detection was handed the whole backfill")
            .And.Be(feed.Consumers().Single(c => c.Consumer == "scaling").DeliveredPoints, "every consumer was handed the same batches");
        var detection = (await http.GetFromJsonAsync<JsonElement>("/healthz")).GetProperty("detection");
        (detection.GetProperty("status").GetString(), detection.GetProperty("shedPoints").GetInt64()).Should().Be(("ok", 0L));
    }

    [Fact]
    public async Task Healthz_lists_each_consumer_of_the_feed_and_anomaly_scores_never_reach_it()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.Client();
        var t0 = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() - 600_000;
        var points = string.Join(",", Enumerable.Range(0, 50).Select(i => $"[{t0 + i * 1000L},{i % 7}]"));
        (await http.PostAsync("/api/v1/ingest", new StringContent($$"""{"series":[{"metric":"m","points":[{{points}}]}]}""", Encoding.UTF8, "application/json")))
            .EnsureSuccessStatusCode();
        var pipeline = server.Server.Services<DetectionPipeline>();
        await Wait.UntilAsync(() => pipeline.Scored >= 50, "detection to score the 50 points");

        var consumers = (await http.GetFromJsonAsync<JsonElement>("/healthz")).GetProperty("feed").GetProperty("consumers").EnumerateArray()
            .ToDictionary(c => c.GetProperty("consumer").GetString()!);
        consumers.Keys.Should().BeEquivalentTo(["detection", "scaling"]);
        consumers["detection"].GetProperty("deliveredBatches").GetInt64().Should().Be(1, "the scores detection stored were not published");
        consumers["detection"].GetProperty("deliveredPoints").GetInt64().Should().Be(50);
        consumers["detection"].GetProperty("shedPoints").GetInt64().Should().Be(0);
        consumers["detection"].GetProperty("status").GetString().Should().Be("ok");
        var detection = (await http.GetFromJsonAsync<JsonElement>("/healthz")).GetProperty("detection");
        detection.GetProperty("status").GetString().Should().Be("ok");
        detection.GetProperty("lastShed").ValueKind.Should().Be(JsonValueKind.Null);
    }

    private static async Task<JsonElement> DetectionHealth(HttpClient http) =>
        (await http.GetFromJsonAsync<JsonElement>("/healthz")).GetProperty("feed").GetProperty("consumers").EnumerateArray()
            .Single(c => c.GetProperty("consumer").GetString() == "detection");

    /// <summary>Holds every detector's first update until released, and says when one is held.</summary>
    private sealed class DetectorGate : IDisposable
    {
        private readonly ManualResetEventSlim _open = new(false);

        public SemaphoreSlim Entered { get; } = new(0);

        public void Wait()
        {
            if (_open.IsSet) return;
            Entered.Release();
            _open.Wait(TimeSpan.FromSeconds(60));
        }

        public void Release() => _open.Set();

        public void Dispose()
        {
            _open.Set();
            _open.Dispose();
            Entered.Dispose();
        }
    }

    private sealed class GatedDetector(DetectorGate gate) : IStreamingDetector
    {
        public double Update(long timestamp, double value)
        {
            gate.Wait();
            return 0;
        }
    }
}
