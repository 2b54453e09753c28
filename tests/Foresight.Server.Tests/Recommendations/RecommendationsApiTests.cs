using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Foresight.Cost;
using Foresight.Evaluation.Demo;
using Foresight.RightSizing;
using Foresight.Series;
using Foresight.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Foresight.Server.Tests.Recommendations;

/// <summary>
/// Issue 6 in the product: <c>GET /api/v1/recommendations</c> and <c>GET /api/v1/capacity/{workload}</c>
/// on nine days of two demo services stored in a real server, checked against the engine run
/// independently on the same points.
/// </summary>
[Collection("Heavy")]
public sealed class RecommendationsApiTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 13, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Recommendations_price_each_workload_and_agree_with_the_engine_on_the_same_usage()
    {
        await using var server = await StartWithDemoServices();
        using var http = server.Client();

        var body = await http.GetFromJsonAsync<JsonElement>("/api/v1/recommendations");
        body.GetProperty("strategy").GetProperty("name").GetString().Should().Be("balanced");
        body.GetProperty("currency").GetString().Should().Be("USD");
        body.GetProperty("cpuCoreHour").GetDouble().Should().Be(0.031611, "OpenCost's default price sheet");
        var rows = body.GetProperty("recommendations").EnumerateArray().ToList();
        rows.Select(r => r.GetProperty("workload").GetString()).Should().BeEquivalentTo("checkout", "search");
        body.GetProperty("waiting").EnumerateArray().Select(w => w.GetProperty("workload").GetString()).Should().Equal("bare");

        foreach (var row in rows)
        {
            var name = row.GetProperty("workload").GetString()!;
            var service = DemoFleet.Services.Single(s => s.Name == name);
            // The engine on the same stored points, independently of the server's reading and pooling.
            var cpu = await ReadAsync(server, $"cpu_usage_cores{{service=\"{name}\"}}");
            var memory = await ReadAsync(server, $"memory_usage_bytes{{service=\"{name}\"}}");
            var recommender = new RightSizingRecommender();
            for (var i = 0; i < cpu.Count; i++) recommender.AddSample(new Foresight.RightSizing.UsageSample(cpu[i].Timestamp, cpu[i].Value, memory[i].Value), service.CpuRequestCores);
            recommender.TryRecommend(name, RightSizingStrategies.Balanced, out var expected, out _).Should().BeTrue();

            row.GetProperty("cpu").GetProperty("request").GetDouble().Should().Be(service.CpuRequestCores);
            row.GetProperty("cpu").GetProperty("target").GetDouble().Should().BeApproximately(expected.Cpu.Target, 1e-4);
            row.GetProperty("memory").GetProperty("target").GetDouble().Should().BeApproximately(expected.Memory.Target, 1e-3);
            row.GetProperty("replicas").GetInt32().Should().Be(1);

            // Cost now: max(request, usage) per minute at OpenCost's rates; the request dominates every minute here.
            var monthlyNow = (service.CpuRequestCores * 0.031611 + service.MemoryRequestMiB / 1024 * 0.004237) * CostModel.HoursPerMonth;
            var cost = row.GetProperty("cost");
            cost.GetProperty("monthlyNow").GetDouble().Should().BeApproximately(monthlyNow, 0.01);
            cost.GetProperty("monthlySavings").GetDouble().Should().BeGreaterThan(0, "the demo's requests are generous");
            cost.GetProperty("yearlySavings").GetDouble().Should().BeApproximately(cost.GetProperty("monthlySavings").GetDouble() * 12, 0.1, "both are rounded to cents");
            cost.GetProperty("paybackMonths").GetDouble().Should().BeApproximately(100 / cost.GetProperty("monthlySavings").GetDouble(), 0.01, "one engineer-hour at 100");

            var replay = row.GetProperty("replay");
            replay.GetProperty("allowedShare").GetDouble().Should().BeApproximately(0.12, 1e-9);
            replay.GetProperty("within").GetBoolean().Should().BeTrue();
            row.GetProperty("priority").GetString().Should().BeOneOf("high", "medium", "low");
            row.GetProperty("spot").GetProperty("reasons").GetArrayLength().Should().BeGreaterThan(0);
            row.GetProperty("class").GetProperty("name").GetString().Should().NotBeNullOrEmpty();
        }
        var totals = body.GetProperty("totals");
        totals.GetProperty("monthlySavings").GetDouble().Should().BeApproximately(rows.Sum(r => r.GetProperty("cost").GetProperty("monthlySavings").GetDouble()), 0.02);
        var instances = body.GetProperty("instances");
        instances.GetProperty("current").GetProperty("costPerMonth").GetDouble().Should().BeGreaterThan(0);
        var provider = instances.GetProperty("current").GetProperty("provider").GetString();
        var catalog = Foresight.Cost.InstanceCatalog.Default;
        instances.GetProperty("current").GetProperty("nodes").EnumerateObject()
            .Should().OnlyContain(n => catalog.Types.Single(t => t.Name == n.Name).Provider == provider, "a fleet's nodes come from one provider");
        instances.GetProperty("recommended").GetProperty("costPerMonth").GetDouble()
            .Should().BeLessThanOrEqualTo(instances.GetProperty("current").GetProperty("costPerMonth").GetDouble());

        var conservative = await http.GetFromJsonAsync<JsonElement>("/api/v1/recommendations?strategy=conservative");
        Target(conservative, "search").Should().BeGreaterThanOrEqualTo(Target(body, "search"), "a higher percentile and margin never ask for less");

        var bad = await http.GetAsync("/api/v1/recommendations?strategy=cheap");
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString().Should().Contain("'cheap' is not a strategy (known: aggressive, balanced");
    }

    [Fact]
    public async Task Capacity_fits_latency_against_load_and_answers_the_objective()
    {
        await using var server = await StartWithDemoServices();
        using var http = server.Client();

        var body = await http.GetFromJsonAsync<JsonElement>("/api/v1/capacity/checkout?load=60");
        body.GetProperty("workload").GetString().Should().Be("checkout");
        var model = body.GetProperty("model");
        model.GetProperty("observations").GetInt32().Should().Be(24);
        var saturation = model.GetProperty("saturationLoad").GetDouble();
        var peak = body.GetProperty("peakLoad").GetDouble();
        saturation.Should().BeGreaterThan(peak, "the service served its daily peaks");
        var curve = body.GetProperty("curve").EnumerateArray().ToList();
        curve.Should().HaveCount(19);
        curve.Select(p => p.GetProperty("p99").GetProperty("value").GetDouble()).Should().BeInAscendingOrder("latency rises with load");

        var slo = body.GetProperty("slo");
        slo.GetProperty("objectiveSeconds").GetDouble().Should().Be(0.8);
        var maxLoad = slo.GetProperty("maxLoad").GetDouble();
        maxLoad.Should().BeGreaterThan(0).And.BeLessThan(saturation);
        slo.GetProperty("headroom").GetDouble().Should().BeApproximately(maxLoad / peak - 1, 1e-3);
        body.GetProperty("askedLoad").GetDouble().Should().Be(60);
        slo.GetProperty("replicasAtLoad").GetInt32().Should().Be((int)Math.Max(1, Math.Ceiling(60 / maxLoad - 1e-12)));
        body.GetProperty("growthPerWeek").GetDouble().Should().BeInRange(0, 0.1, "the demo's checkout grows 2% a week");

        var huge = (await http.GetFromJsonAsync<JsonElement>("/api/v1/capacity/checkout?load=1e9")).GetProperty("slo");
        huge.GetProperty("replicasAtLoad").ValueKind.Should().Be(JsonValueKind.Null);
        huge.GetProperty("error").GetString().Should().Contain("more than the limit of 10000", "a missing answer says why");
        huge.GetProperty("maxLoad").GetDouble().Should().Be(maxLoad);

        (await http.GetAsync("/api/v1/capacity/cart")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await http.GetAsync("/api/v1/capacity/checkout?load=lots")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var bare = await http.GetFromJsonAsync<JsonElement>("/api/v1/capacity/bare");
        bare.GetProperty("modelWaiting").GetString().Should().Contain("set latency");
        bare.GetProperty("slo").ValueKind.Should().Be(JsonValueKind.Null);
    }

    private static double Target(JsonElement body, string workload) =>
        body.GetProperty("recommendations").EnumerateArray().Single(r => r.GetProperty("workload").GetString() == workload)
            .GetProperty("cpu").GetProperty("target").GetDouble();

    private static async Task<List<Point>> ReadAsync(TestServer server, string selector)
    {
        SeriesSelector.TryParse(selector, out var parsed, out _).Should().BeTrue();
        var series = (await server.Server.Store.FindAsync("default", parsed!)).Should().ContainSingle().Subject;
        var points = new List<Point>();
        await server.Server.Store.ReadAsync("default", series.Id, long.MinValue, long.MaxValue, points);
        return points;
    }

    /// <summary>A server at <see cref="Now"/> holding nine days of the demo's checkout and search (1-minute samples) and three workloads.</summary>
    private static async Task<TestServer> StartWithDemoServices()
    {
        var clock = new FakeTimeProvider(Now);
        var server = await TestServer.StartAsync(o =>
        {
            o.Time = clock;
            o.Detection.Enabled = false;
        });
        var now = Now.ToUnixTimeMilliseconds();
        var origin = now - 9 * 86_400_000L;
        var fleet = new DemoFleet(origin);
        var writes = new List<SeriesWrite>();
        foreach (var name in new[] { "checkout", "search" })
        {
            var s = DemoFleet.Services.Select((svc, i) => (svc, i)).Single(x => x.svc.Name == name).i;
            var columns = DemoFleet.Metrics.Select(_ => new List<Point>()).ToArray();
            for (var t = origin; t < now; t += 60_000)
            {
                var sample = fleet.Sample(s, t);
                for (var m = 0; m < columns.Length; m++) columns[m].Add(new Point(t, sample[m]));
            }
            for (var m = 0; m < columns.Length; m++) writes.Add(new SeriesWrite(DemoFleet.Metrics[m], Labels.Of(("service", name)), columns[m]));
        }
        (await server.Server.Store.AppendAsync("default", writes)).Accepted.Should().BeTrue();

        using var http = server.Client();
        foreach (var name in new[] { "checkout", "search" })
        {
            var svc = DemoFleet.Services.Single(s => s.Name == name);
            var json = $$"""
                {"series":"http_requests_per_second{service=\"{{name}}\"}","replicaCapacity":20,
                 "cpuUsage":"cpu_usage_cores{service=\"{{name}}\"}","memoryUsage":"memory_usage_bytes{service=\"{{name}}\"}",
                 "cpuRequestCores":{{svc.CpuRequestCores}},"memoryRequestBytes":{{svc.MemoryRequestMiB * 1024 * 1024}},
                 "latency":"http_request_duration_p95_seconds{service=\"{{name}}\"}","latencySloSeconds":{{svc.LatencySlo}}}
                """;
            (await http.PutAsync($"/api/v1/workloads/{name}", new StringContent(json, Encoding.UTF8, "application/json"))).StatusCode.Should().Be(HttpStatusCode.Created);
        }
        (await http.PutAsync("/api/v1/workloads/bare", new StringContent("""{"series":"rps","replicaCapacity":5}""", Encoding.UTF8, "application/json")))
            .StatusCode.Should().Be(HttpStatusCode.Created);
        return server;
    }
}
