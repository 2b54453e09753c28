using Foresight.Series;
using Foresight.Server.Detection;
using Foresight.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Foresight.Server.Tests.Detection;

public sealed class IdleDetectorTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task An_idle_series_releases_its_detector_after_a_snapshot_and_takes_up_where_it_left_off_when_it_wakes()
    {
        // The same points, with the same pause, into a server that releases idle detectors and one that keeps them.
        var released = await ScoresAsync(TimeSpan.FromMinutes(30));
        var kept = await ScoresAsync(TimeSpan.Zero);

        released.Pipeline.Released.Should().Be(2, "the gauge and the counter were idle at the save after the pause");
        released.Pipeline.Woken.Should().Be(2);
        kept.Pipeline.Released.Should().Be(0);
        released.Scores.Keys.Should().BeEquivalentTo(["queue_depth", "http_requests_total"]);
        foreach (var (metric, scores) in released.Scores)
        {
            scores.Should().HaveCount(kept.Scores[metric].Count).And.Equal(kept.Scores[metric], $"{metric} scores the same as if its detector had stayed in memory");
        }
        released.Scores["http_requests_total"].Should().HaveCount(2 * PointsPerPhase - 1, "the counter's rate after the pause is seeded from its last stored sample");
    }

    private const int PointsPerPhase = 400;

    private static async Task<(Dictionary<string, List<double>> Scores, (long Released, long Woken) Pipeline)> ScoresAsync(TimeSpan idleAfter)
    {
        var clock = new FakeTimeProvider(Start);
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Time = clock;
            o.Detection.CrossMetric = false;
            o.Detection.IdleAfter = idleAfter;
            o.Detection.SnapshotInterval = TimeSpan.FromMinutes(5);
        });
        var pipeline = server.Server.Services<DetectionPipeline>();
        var random = new Random(5);
        double counter = 0;
        async Task Phase(int phase)
        {
            var t0 = clock.GetUtcNow().ToUnixTimeMilliseconds() - PointsPerPhase * 1_000L;
            var gauge = new List<Point>();
            var total = new List<Point>();
            for (var i = 0; i < PointsPerPhase; i++)
            {
                gauge.Add(new Point(t0 + i * 1_000L, 50 + 10 * Math.Sin(i / 20.0) + random.NextDouble() + (phase == 1 && i == 300 ? 40 : 0)));
                counter += 5 + random.Next(3);
                total.Add(new Point(t0 + i * 1_000L, counter));
            }
            var expected = pipeline.Scored + PointsPerPhase + (phase == 0 ? PointsPerPhase - 1 : PointsPerPhase);
            (await server.Server.Ingest.WriteAsync("default", [
                new SeriesWrite("queue_depth", Labels.Of(("service", "api")), gauge),
                new SeriesWrite("http_requests_total", Labels.Of(("service", "api")), total),
            ])).Accepted.Should().BeTrue();
            await Wait.UntilAsync(() => pipeline.Scored >= expected, "detection to score the phase");
        }

        await Phase(0);
        pipeline.ActiveSeries.Should().Be(2);
        // An hour without points: the saves in it release the idle detectors (when allowed).
        var pauseEnd = clock.GetUtcNow() + TimeSpan.FromHours(1);
        await Wait.AdvancingUntilAsync(clock, TimeSpan.FromMinutes(5),
            () => clock.GetUtcNow() >= pauseEnd && (idleAfter <= TimeSpan.Zero || pipeline.IdleSeries == 2), "an hour to pass and the idle series to be released");
        if (idleAfter > TimeSpan.Zero) pipeline.ActiveSeries.Should().Be(0);
        else pipeline.IdleSeries.Should().Be(0);
        await Phase(1);
        pipeline.IdleSeries.Should().Be(0);
        pipeline.ActiveSeries.Should().Be(2);

        var scores = new Dictionary<string, List<double>>();
        foreach (var s in await server.Server.Store.FindAsync("default", Selector("anomaly_score")))
        {
            var points = new List<Point>();
            await server.Server.Store.ReadAsync("default", s.Id, long.MinValue, long.MaxValue, points);
            scores[s.Labels.Get("metric")!] = points.Select(p => p.Value).ToList();
        }
        return (scores, (pipeline.ReleasedDetectors, pipeline.WokenDetectors));
    }

    private static SeriesSelector Selector(string text)
    {
        SeriesSelector.TryParse(text, out var s, out var e).Should().BeTrue(e);
        return s!;
    }
}
