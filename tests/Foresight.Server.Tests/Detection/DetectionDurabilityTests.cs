using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Foresight.Detection;
using Foresight.Server.Detection;
using Foresight.Tests.Support;

namespace Foresight.Server.Tests.Detection;

/// <summary>The real server killed with SIGKILL and restarted on its data directory resumes detection where it was.</summary>
public sealed class DetectionDurabilityTests
{
    private const long Minute = 60_000;
    private const int Before = 1500;        // points per series before the kill
    private const int After = 12;           // ... and after the restart
    private const int OpenSpike = 1495;     // api: an incident still open at the kill
    private const int NewSpike = Before + 2; // db: an anomaly right after the restart

    [Fact]
    public async Task After_kill_9_the_incidents_are_the_same_and_the_first_points_are_scored_without_a_new_warm_up()
    {
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        var start = now - now % Minute - (Before + After + 5) * Minute;
        var t = Enumerable.Range(0, Before + After).Select(i => start + i * Minute).ToArray();
        var api = Values(seed: 1, spikes: [1300, OpenSpike]);
        var db = Values(seed: 2, spikes: [1200, NewSpike]);
        using var dir = new TempDirectory();
        string incidentsBefore;

        using (var first = await ServerProcess.StartAsync(dir.Path, "--snapshot-interval", "1s"))
        {
            using var http = new HttpClient { BaseAddress = first.BaseAddress };
            await IngestAsync(http, t, api, db, 0, Before);
            (await http.PutAsync("/api/v1/workloads/checkout", new StringContent("""{"series":"latency_ms{service=\"api\"}","replicaCapacity":50}""",
                Encoding.UTF8, "application/json"))).StatusCode.Should().Be(HttpStatusCode.Created);
            // A snapshot that covers every point (the server saves every second once something changed).
            await Wait.UntilAsync(async () => await GaugeAsync(http, "foresight_detection_state_saved_points") == 2 * Before, "a snapshot of every scored point");
            incidentsBefore = await IncidentsAsync(http);
            using (var doc = JsonDocument.Parse(incidentsBefore))
            {
                doc.RootElement.EnumerateArray().Should().Contain(i => i.GetProperty("service").GetString() == "api" && !i.GetProperty("resolved").GetBoolean()
                    && i.GetProperty("start").GetInt64() == t[OpenSpike], "an incident is open when the server dies");
            }
            first.KillHard();
        }

        using var second = await ServerProcess.StartAsync(dir.Path, "--snapshot-interval", "1s");
        using var client = new HttpClient { BaseAddress = second.BaseAddress };
        (await IncidentsAsync(client)).Should().Be(incidentsBefore, "the same incidents: ids, times, severities, series");
        (await GaugeAsync(client, "foresight_detection_state_restored_series")).Should().Be(2);
        (await client.GetFromJsonAsync<JsonElement>("/api/v1/workloads")).GetProperty("workloads").EnumerateArray()
            .Should().ContainSingle(w => w.GetProperty("name").GetString() == "checkout", "workloads.json survives too");

        await IngestAsync(client, t, api, db, Before, Before + After);
        await Wait.UntilAsync(async () => await GaugeAsync(client, "foresight_detection_scored_points") == 2 * After, "the new points to be scored");

        // Scored exactly as by a detector that never stopped: a restarted cold one would score 0 for hundreds of points.
        var reference = Detectors.ScoreAll(Detectors.Create("ensemble"), t, db);
        var scores = await ScoresAsync(client, "db", t[Before]);
        scores.Select(BitConverter.DoubleToInt64Bits).Should().Equal(reference[Before..].Select(s => BitConverter.DoubleToInt64Bits(DetectionOptions.StoredScore(s, 4))));
        scores[NewSpike - Before].Should().BeGreaterThanOrEqualTo(0.5, "the anomaly right after the restart is detected");

        using var incidents = JsonDocument.Parse(await IncidentsAsync(client));
        incidents.RootElement.EnumerateArray().Should().Contain(i => i.GetProperty("service").GetString() == "db" && i.GetProperty("start").GetInt64() == t[NewSpike]);
        using var old = JsonDocument.Parse(incidentsBefore);
        var open = old.RootElement.EnumerateArray().Single(i => !i.GetProperty("resolved").GetBoolean()).GetProperty("id").GetString();
        incidents.RootElement.EnumerateArray().Should().Contain(i => i.GetProperty("id").GetString() == open && i.GetProperty("resolved").GetBoolean(),
            "the incident open before the kill resolves after ten quiet minutes, as if there had been no restart");
    }

    /// <summary>One-minute values with a daily cycle and noise, and +300 at each spike.</summary>
    private static double[] Values(int seed, int[] spikes)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, Before + After).Select(i => Math.Round(100 + 20 * Math.Sin(2 * Math.PI * i / 1440) + 3 * random.NextDouble() + (spikes.Contains(i) ? 300 : 0), 2))];
    }

    private static async Task IngestAsync(HttpClient http, long[] t, double[] api, double[] db, int from, int to)
    {
        for (var b = from; b < to; b += 100)
        {
            var range = Enumerable.Range(b, Math.Min(100, to - b)).ToList();
            var series = new[] { ("api", api), ("db", db) }.Select(s => new
            {
                metric = "latency_ms",
                labels = new Dictionary<string, string> { ["service"] = s.Item1 },
                points = range.Select(i => new object[] { t[i], s.Item2[i] }),
            });
            (await http.PostAsJsonAsync("/api/v1/ingest", new { series })).EnsureSuccessStatusCode();
        }
    }

    private static async Task<string> IncidentsAsync(HttpClient http) =>
        (await http.GetFromJsonAsync<JsonElement>("/api/v1/incidents")).GetProperty("incidents").GetRawText();

    private static async Task<double> GaugeAsync(HttpClient http, string name)
    {
        var line = (await http.GetStringAsync("/metrics")).Split('\n').SingleOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
    }

    private static async Task<double[]> ScoresAsync(HttpClient http, string service, long from)
    {
        var listing = await http.GetFromJsonAsync<JsonElement>($"/api/v1/series?match=anomaly_score{{service=\"{service}\"}}");
        var id = listing.GetProperty("series").EnumerateArray().Single().GetProperty("id").GetInt64();
        var read = await http.GetFromJsonAsync<JsonElement>($"/api/v1/series/{id}/points?from={from}");
        return [.. read.GetProperty("points").EnumerateArray().Select(p => p[1].GetDouble())];
    }
}
