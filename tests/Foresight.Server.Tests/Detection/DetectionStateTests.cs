using Foresight.Detection;
using Foresight.Detection.Incidents;
using Foresight.Series;
using Foresight.Server.Detection;
using Foresight.Server.Hosting;
using Foresight.Tests.Support;

namespace Foresight.Server.Tests.Detection;

/// <summary>Live detection saved and restored across restarts, and what was stored meanwhile replayed.</summary>
public sealed class DetectionStateTests
{
    private const long Minute = 60_000;
    private const int Points = 1600;
    private const int SavedUpTo = 1550;       // points scored before the server stopped
    private const int ScoredUpTo = 1576;      // ... and those whose scores reached the store before a crash
    private const int SpikeBeforeCrash = 1560;
    private const int SpikeAfterCrash = 1595;   // after the ensemble's 30-point rest that follows the first

    /// <summary>One-minute data ending a minute ago, daily cycle and noise, two spikes near the end (the second above the first, so it breaks the range again).</summary>
    private static Point[] Series()
    {
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        var start = now - now % Minute - Points * Minute;
        var random = new Random(17);
        return [.. Enumerable.Range(0, Points).Select(i => new Point(start + i * Minute,
            Math.Round(100 + 20 * Math.Sin(2 * Math.PI * i / 1440) + 3 * random.NextDouble() + i switch { SpikeBeforeCrash => 150, SpikeAfterCrash => 300, _ => 0 }, 2)))];
    }

    [Fact]
    public async Task Points_stored_after_the_last_snapshot_are_replayed_through_the_restored_detector_and_only_new_incidents_are_announced()
    {
        var points = Series();
        var reference = Detectors.ScoreAll(Detectors.Create("ensemble"), [.. points.Select(p => p.Timestamp)], [.. points.Select(p => p.Value)]);
        var labels = Labels.Of(("service", "api"));
        var scoreLabels = Labels.Of(("metric", "latency_ms"), ("service", "api"));
        using var dir = new TempDirectory();

        // A server scores the first points and saves its state when it stops.
        await using (var first = await TestServer.StartAsync(o => o.Detection.SnapshotInterval = TimeSpan.FromHours(1), dir))
        {
            for (var b = 0; b < SavedUpTo; b += 50)
            {
                var result = await first.Server.Ingest.WriteAsync("default", [new SeriesWrite("latency_ms", labels, points[b..Math.Min(b + 50, SavedUpTo)])]);
                result.Accepted.Should().BeTrue();
            }
            var pipeline = first.Server.Services<DetectionPipeline>();
            await Wait.UntilAsync(() => pipeline.Scored == SavedUpTo, "the first points to be scored");
        }

        // What a crashed server leaves: points stored after the snapshot, the first of them already scored (and announced).
        await using (var opened = StoreFactory.Open(dir.Path, new StoreOptions()))
        {
            var store = opened.Series;
            (await store.AppendAsync("default", [new SeriesWrite("latency_ms", labels, points[SavedUpTo..])])).Accepted.Should().BeTrue();
            var scored = Enumerable.Range(SavedUpTo, ScoredUpTo - SavedUpTo).Select(i => new Point(points[i].Timestamp, DetectionOptions.StoredScore(reference[i], 4))).ToList();
            (await store.AppendAsync("default", [new SeriesWrite("anomaly_score", scoreLabels, scored)])).Accepted.Should().BeTrue();
        }

        await using var receiver = new WebhookReceiver(ServerProcess.FreePort());
        await receiver.StartAsync();
        var config = Path.Combine(dir.Path, "alerts.yaml");
        await File.WriteAllTextAsync(config, $"alerts:\n  webhooks: [\"{receiver.Url}\"]\n  cooldown: 0s\n");
        await using var second = await TestServer.StartAsync(o =>
        {
            o.ConfigFile = config;
            o.Detection.SnapshotInterval = TimeSpan.FromHours(1);
        }, dir);
        var restarted = second.Server.Services<DetectionPipeline>();
        restarted.RestoredSeries.Should().Be(1);
        restarted.ReplayedPoints.Should().Be(Points - SavedUpTo);
        restarted.Scored.Should().Be(Points - SavedUpTo, "replayed points count as scored (foresight_detection_scored_points), after a crash as after a clean stop");

        var scoreSeries = (await second.Server.Store.FindAsync("default", Selector("anomaly_score"))).Single();
        var stored = new List<Point>();
        await second.Server.Store.ReadAsync("default", scoreSeries.Id, long.MinValue, long.MaxValue, stored);
        stored.Select(p => p.Timestamp).Should().Equal(points.Select(p => p.Timestamp));
        stored.Select(p => BitConverter.DoubleToInt64Bits(p.Value)).Should().Equal(reference.Select(s => BitConverter.DoubleToInt64Bits(DetectionOptions.StoredScore(s, 4))),
            "the restored detector scores on exactly as one that never stopped");

        var incidents = second.Server.Services<IncidentTracker>().List("default");
        
        incidents.Should().Contain(i => i.Start == points[SpikeBeforeCrash].Timestamp && i.Resolved);
        var open = incidents.Should().ContainSingle(i => i.Start == points[SpikeAfterCrash].Timestamp && !i.Resolved).Subject;
        // The spike scored before the crash was announced then; the one after is announced now (after the other would have been).
        await Wait.UntilAsync(() => !receiver.Received.IsEmpty, "the alert of the spike after the crash");
        receiver.Received.Should().ContainSingle().Which.GetProperty("id").GetString().Should().Be(open.Id);
    }

    private static SeriesSelector Selector(string text)
    {
        SeriesSelector.TryParse(text, out var s, out var e).Should().BeTrue(e);
        return s!;
    }
}
