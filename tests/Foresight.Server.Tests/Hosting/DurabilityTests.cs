using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Foresight.Tests.Support;

namespace Foresight.Server.Tests.Hosting;

public sealed class DurabilityTests
{
    [Fact]
    public async Task Every_acknowledged_point_survives_SIGKILL_and_restart()
    {
        using var dir = new TempDirectory();
        var acknowledged = new Dictionary<string, List<(long, double)>>();
        var t0 = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() - 1_800_000;
        var random = new Random(7);

        using (var first = await ServerProcess.StartAsync(dir.Path))
        {
            using var http = new HttpClient { BaseAddress = first.BaseAddress };
            // 300 batches of 10 series x 10 points: enough to seal chunks, so recovery covers
            // heads, sealed-but-unflushed chunks and the log together.
            for (var batch = 0; batch < 300; batch++)
            {
                var series = new List<object>();
                var pending = new List<(string, List<(long, double)>)>();
                for (var s = 0; s < 10; s++)
                {
                    var name = $"pod-{s}";
                    var pts = Enumerable.Range(0, 10).Select(i => (t0 + (batch * 10 + i) * 500L, Math.Round(random.NextDouble() * 100, 3))).ToList();
                    series.Add(new { metric = "durable_metric", labels = new Dictionary<string, string> { ["pod"] = name }, points = pts.Select(p => new object[] { p.Item1, p.Item2 }) });
                    pending.Add((name, pts));
                }
                var response = await http.PostAsync("/api/v1/ingest",
                    new StringContent(JsonSerializer.Serialize(new { series }), Encoding.UTF8, "application/json"));
                response.EnsureSuccessStatusCode();
                foreach (var (name, pts) in pending)
                {
                    if (!acknowledged.TryGetValue(name, out var list)) acknowledged[name] = list = [];
                    list.AddRange(pts);
                }
            }
            first.KillHard();
        }

        using var second = await ServerProcess.StartAsync(dir.Path);
        using var client = new HttpClient { BaseAddress = second.BaseAddress };
        var listing = await client.GetFromJsonAsync<JsonElement>("/api/v1/series?match=durable_metric");
        var found = listing.GetProperty("series").EnumerateArray().ToList();
        found.Should().HaveCount(10);
        foreach (var s in found)
        {
            var pod = s.GetProperty("labels").GetProperty("pod").GetString()!;
            var id = s.GetProperty("id").GetInt64();
            var read = await client.GetFromJsonAsync<JsonElement>($"/api/v1/series/{id}/points?from={t0}&to={t0 + 3_600_000}");
            var points = read.GetProperty("points").EnumerateArray().Select(p => (p[0].GetInt64(), p[1].GetDouble())).ToList();
            points.Should().Equal(acknowledged[pod], $"every acknowledged point of {pod} must survive the crash");
        }
        second.Output.Should().Contain("recovered", "the restart replayed the write-ahead log");
    }
}
