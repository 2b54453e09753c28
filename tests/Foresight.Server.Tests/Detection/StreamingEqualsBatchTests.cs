using System.Net.Http.Json;
using System.Text.Json;
using Foresight.Detection;
using Foresight.Series;
using Foresight.Server.Detection;
using Foresight.Tests.Support;

namespace Foresight.Server.Tests.Detection;

public sealed class StreamingEqualsBatchTests
{
    [Fact]
    public async Task Scores_of_a_series_ingested_point_by_point_equal_the_batch_scores_of_the_same_file_stored_to_four_decimals()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.Client();
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        var start = now - now % 300_000 - 1500L * 300_000;
        var random = new Random(11);
        var points = Enumerable.Range(0, 1500).Select(i => new Point(start + i * 300_000L,
            Math.Round(100 + 20 * Math.Sin(2 * Math.PI * i / 288) + random.NextDouble() * 3 + (i is > 1200 and < 1210 ? 80 : 0), 2))).ToArray();

        foreach (var p in points)
        {
            var body = new { series = new[] { new { metric = "latency_ms", labels = new Dictionary<string, string> { ["service"] = "api" }, points = new[] { new object[] { p.Timestamp, p.Value } } } } };
            (await http.PostAsJsonAsync("/api/v1/ingest", body)).EnsureSuccessStatusCode();
        }

        var pipeline = server.Server.Services<DetectionPipeline>();
        await Wait.UntilAsync(() => pipeline.Scored >= points.Length && pipeline.Pending == 0, "detection to score every point sent");
        pipeline.Scored.Should().Be(points.Length);

        var scoreSeries = (await server.Server.Store.FindAsync("default", Selector("anomaly_score{metric=\"latency_ms\",service=\"api\"}"))).Single();
        var stored = new List<Point>();
        await server.Server.Store.ReadAsync("default", scoreSeries.Id, long.MinValue, long.MaxValue, stored);
        var batch = Detectors.ScoreAll(Detectors.Create("ensemble"), points.Select(p => p.Timestamp).ToArray(), points.Select(p => p.Value).ToArray());
        // Stored rounded down to 4 decimals; the threshold and the anomalies see the score itself.
        stored.Select(p => p.Value).Should().Equal(batch.Select(s => Math.Floor(s * 10_000) / 10_000));
        stored.Select(p => p.Value).Should().Contain(v => v > 0 && v != Math.Round(v, 3), "four decimals are kept");
        stored.Select(p => p.Timestamp).Should().Equal(points.Select(p => p.Timestamp));

        var incidents = await http.GetFromJsonAsync<JsonElement>("/api/v1/incidents");
        incidents.GetProperty("incidents").EnumerateArray().Should().Contain(i => i.GetProperty("service").GetString() == "api"
            && i.GetProperty("start").GetInt64() >= points[1200].Timestamp && i.GetProperty("start").GetInt64() <= points[1210].Timestamp);
        var incident = incidents.GetProperty("incidents")[0];
        incident.GetProperty("severity").GetString().Should().BeOneOf("low", "medium", "high", "critical");
        incident.GetProperty("series")[0].GetProperty("series").GetString().Should().Be("latency_ms{service=\"api\"}");
        var anomalies = await http.GetFromJsonAsync<JsonElement>($"/api/v1/anomalies?from={start}");
        anomalies.GetProperty("anomalies").GetArrayLength().Should().BeGreaterThan(0);
        var byTime = points.Select((p, i) => (p.Timestamp, Score: batch[i])).ToDictionary(x => x.Timestamp, x => x.Score);
        foreach (var a in anomalies.GetProperty("anomalies").EnumerateArray())
        {
            var score = byTime[a.GetProperty("timestamp").GetInt64()];
            a.GetProperty("score").GetDouble().Should().Be(score, "an anomaly reports the unrounded score");
            score.Should().BeGreaterThanOrEqualTo(0.5);
        }
        stored.Where(p => p.Value >= 0.5).Select(p => p.Timestamp).Should().Equal(
            points.Where((_, i) => batch[i] >= 0.5).Select(p => p.Timestamp), "a stored score reaches the threshold exactly when the score does");
        (await http.GetAsync("/api/v1/anomalies?severity=urgent")).StatusCode.Should().Be(System.Net.HttpStatusCode.BadRequest);
        var reversed = await http.GetAsync("/api/v1/anomalies?from=10&to=5");
        reversed.StatusCode.Should().Be(System.Net.HttpStatusCode.BadRequest);
        (await reversed.Content.ReadAsStringAsync()).Should().Contain("from (10) must be before to (5)");
    }

    private static SeriesSelector Selector(string text)
    {
        SeriesSelector.TryParse(text, out var s, out var e).Should().BeTrue(e);
        return s!;
    }
}
