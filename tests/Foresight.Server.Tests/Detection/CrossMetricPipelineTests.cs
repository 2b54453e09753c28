using Foresight.Series;
using Foresight.Server.Detection;
using Foresight.Tests.Support;

namespace Foresight.Server.Tests.Detection;

public sealed class CrossMetricPipelineTests
{
    [Fact]
    public async Task A_combination_of_ordinary_values_across_a_services_metrics_becomes_an_incident()
    {
        await using var server = await TestServer.StartAsync();
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        var start = now - now % 60_000 - 2000L * 60_000;
        var random = new Random(21);
        var rps = new List<Point>();
        var cpu = new List<Point>();
        for (var i = 0; i < 2000; i++)
        {
            var t = start + i * 60_000L;
            var r = 100 + 80 * Math.Sin(2 * Math.PI * i / 96) + random.NextDouble() * 5;
            var c = 0.01 * r + random.NextDouble() * 0.05;
            if (i == 1900)
            {
                r = 30;    // a quiet-hour request rate ...
                c = 1.6;   // ... with busy-hour CPU: both ordinary alone
            }
            rps.Add(new Point(t, Math.Round(r, 1)));
            cpu.Add(new Point(t, Math.Round(c, 3)));
        }
        var labels = Labels.Of(("service", "checkout"));
        for (var b = 0; b < 2000; b += 50)
        {
            (await server.Server.Ingest.WriteAsync("default", [new SeriesWrite("rps", labels, rps[b..(b + 50)]), new SeriesWrite("cpu", labels, cpu[b..(b + 50)])]))
                .Accepted.Should().BeTrue();
        }
        var pipeline = server.Server.Services<DetectionPipeline>();
        await Wait.UntilAsync(() => pipeline.Scored >= 4000, "detection to score both series' 2,000 points");

        var tracker = server.Server.Services<Foresight.Detection.Incidents.IncidentTracker>();
        tracker.List("default").Should().Contain(i => i.Detectors.Contains("isolation-forest")
            && i.Start <= rps[1900].Timestamp && i.End >= rps[1900].Timestamp);
    }
}
