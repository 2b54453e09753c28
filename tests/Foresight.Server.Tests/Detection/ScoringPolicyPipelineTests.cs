using System.Collections.Concurrent;
using Foresight.Detection;
using Foresight.Series;
using Foresight.Server.Detection;
using Foresight.Tests.Support;

namespace Foresight.Server.Tests.Detection;

public sealed class ScoringPolicyPipelineTests
{
    [Fact]
    public async Task Buckets_and_info_metrics_are_not_scored_counters_are_scored_as_rates_across_a_reset_and_gauges_as_values()
    {
        var fed = new ConcurrentDictionary<int, ConcurrentQueue<(long, double)>>();
        var created = 0;
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Detection.CrossMetric = false;
            o.Detection.DetectorFactory = () => new Recording(fed.GetOrAdd(Interlocked.Increment(ref created), _ => new()));
        });
        var t0 = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() / 1000 * 1000 - 600_000;
        var counter = new[] { 100.0, 110, 130, 5, 25 };   // a reset before the fourth sample
        var labels = Labels.Of(("job", "api"));
        SeriesWrite Write(string metric, Labels l, Func<int, double> value) =>
            new(metric, l, [.. Enumerable.Range(0, counter.Length).Select(i => new Point(t0 + i * 10_000L, value(i)))]);
        (await server.Server.Ingest.WriteAsync("default", [
            Write("http_requests_total", labels, i => counter[i]),
            Write("http_request_duration_seconds_bucket", Labels.Of(("job", "api"), ("le", "0.5")), i => counter[i]),
            Write("build_info", Labels.Of(("job", "api"), ("version", "1.2")), _ => 1),
            Write("queue_depth", labels, i => 7 + i),
        ])).Accepted.Should().BeTrue();

        var pipeline = server.Server.Services<DetectionPipeline>();
        await Wait.UntilAsync(() => pipeline.Scored + pipeline.Skipped >= 4 * counter.Length, "detection to take the batch");
        pipeline.Scored.Should().Be(counter.Length - 1 + counter.Length, "the counter's 4 rates and the gauge's 5 values");
        pipeline.Skipped.Should().Be(1 + 2 * counter.Length, "the counter's first sample, the bucket's and the info metric's samples");

        fed.Should().HaveCount(2, "detectors only for the counter and the gauge");
        var rates = fed.Values.Select(q => q.ToList()).Single(l => l.Count == counter.Length - 1);
        rates.Select(r => r.Item2).Should().Equal(1.0, 2.0, 0.5, 2.0);   // per second over 10 s; 5 after the reset counts from 0
        rates.Select(r => r.Item1).Should().Equal(Enumerable.Range(1, 4).Select(i => t0 + i * 10_000L));

        var scores = await server.Server.Store.FindAsync("default", SeriesSelector.TryParse("anomaly_score", out var s, out _) ? s : null!);
        scores.Select(x => x.Labels.Get("metric")).Should().BeEquivalentTo(["http_requests_total", "queue_depth"]);
        (await Metrics(server)).Should().Contain($"foresight_detection_skipped_points {1 + 2 * counter.Length}");
    }

    [Fact]
    public async Task A_service_with_more_series_than_the_cross_metric_limit_is_scored_series_by_series_only()
    {
        await using var server = await TestServer.StartAsync(o => o.Detection.CrossMetricMaxSeries = 3);
        var t0 = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() / 1000 * 1000 - 600_000;
        SeriesWrite Write(string service, int i) => new("cpu", Labels.Of(("service", service), ("pod", $"p{i}")),
            [.. Enumerable.Range(0, 20).Select(k => new Point(t0 + k * 10_000L, i + k % 3))]);
        (await server.Server.Ingest.WriteAsync("default", [.. Enumerable.Range(0, 4).Select(i => Write("wide", i)), .. Enumerable.Range(0, 3).Select(i => Write("narrow", i))]))
            .Accepted.Should().BeTrue();
        var pipeline = server.Server.Services<DetectionPipeline>();
        // Services are scored after the batch's series: wait for both.
        await Wait.UntilAsync(() => pipeline.Scored >= 7 * 20 && pipeline.WideServices > 0, "detection to score every series and find the wide service");
        pipeline.WideServices.Should().Be(1, "'wide' has 4 series, over the limit of 3; 'narrow' has 3");
        (await Metrics(server)).Should().Contain("foresight_detection_cross_metric_wide_services 1");
    }

    private static async Task<string> Metrics(TestServer server)
    {
        using var http = server.Client();
        return await http.GetStringAsync("/metrics");
    }

    private sealed class Recording(ConcurrentQueue<(long, double)> seen) : IStreamingDetector
    {
        public double Update(long timestamp, double value)
        {
            seen.Enqueue((timestamp, value));
            return 0;
        }
    }
}
