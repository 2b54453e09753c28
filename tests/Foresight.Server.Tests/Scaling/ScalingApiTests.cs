using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Foresight.Evaluation.Demo;
using Foresight.Security;
using Foresight.Series;
using Foresight.Server.Demo;
using Foresight.Server.Scaling;
using Foresight.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Foresight.Server.Tests.Scaling;

public sealed class ScalingApiTests
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Workloads_are_created_read_replaced_and_deleted_and_survive_a_restart()
    {
        using var dir = new TempDirectory();
        await using (var first = await TestServer.StartAsync(dir: dir))
        {
            using var http = first.Client();
            var created = await http.PutAsync("/api/v1/workloads/checkout", Json("""{"series":"http_requests_per_second{service=\"checkout\"}","replicaCapacity":84}"""));
            created.StatusCode.Should().Be(HttpStatusCode.Created);
            created.Headers.Location!.ToString().Should().Be("/api/v1/workloads/checkout");
            var body = await created.Content.ReadFromJsonAsync<JsonElement>();
            body.GetProperty("startupSeconds").GetDouble().Should().Be(120, "defaults are filled in");
            body.GetProperty("minReplicas").GetInt32().Should().Be(1);
            body.GetProperty("scalingLevel").GetDouble().Should().Be(new Foresight.Scaling.DemandForecasterOptions().Level, "the default level is shown");
            body.GetProperty("scaleDownStabilizationSeconds").GetDouble().Should().Be(60, "the policy's defaults are shown");
            body.GetProperty("scaleInCooldownSeconds").GetDouble().Should().Be(60);
            body.GetProperty("maxScaleInFraction").GetDouble().Should().Be(0.5);
            body.GetProperty("maxScaleOutStep").ValueKind.Should().Be(JsonValueKind.Null, "no limit");
            body.GetProperty("source").GetString().Should().Be("api");

            var replaced = await http.PutAsync("/api/v1/workloads/checkout", Json("""
                {"name":"checkout","series":"http_requests_per_second{service=\"checkout\"}","replicaCapacity":60,"startupSeconds":45,
                 "minReplicas":3,"maxReplicas":12,"pricePerReplicaHour":0.08,"decisionIntervalSeconds":15,
                 "cpuUsage":"cpu_usage_cores{service=\"checkout\"}","memoryUsage":"memory_usage_bytes","cpuRequestCores":1.5,
                 "memoryRequestBytes":2147483648,"latency":"p95_seconds","latencyQuantile":0.9,"latencySloSeconds":0.25,"sloQuantile":0.999,
                 "scalingLevel":0.97,"scaleDownStabilizationSeconds":300,"scaleInCooldownSeconds":180,"maxScaleInFraction":0.25,"maxScaleOutStep":4,
                 "replicas":"kube_deployment_status_replicas{deployment=\"checkout\"}"}
                """));
            replaced.StatusCode.Should().Be(HttpStatusCode.OK);
            (await http.PutAsync("/api/v1/workloads/search", Json("""{"series":"search_qps","replicaCapacity":10}"""))).StatusCode.Should().Be(HttpStatusCode.Created);

            var list = await http.GetFromJsonAsync<JsonElement>("/api/v1/workloads");
            list.GetProperty("workloads").EnumerateArray().Select(w => w.GetProperty("name").GetString()).Should().Equal("checkout", "search");
            (await http.DeleteAsync("/api/v1/workloads/search")).StatusCode.Should().Be(HttpStatusCode.NoContent);
            (await http.DeleteAsync("/api/v1/workloads/search")).StatusCode.Should().Be(HttpStatusCode.NotFound);
            (await http.GetAsync("/api/v1/workloads/search")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        }
        File.Exists(Path.Combine(dir.Path, "workloads.json")).Should().BeTrue();
        File.Exists(Path.Combine(dir.Path, "workloads.json.tmp")).Should().BeFalse("the file is written aside, then renamed");

        await using var second = await TestServer.StartAsync(dir: dir);
        using var client = second.Client();
        var workloads = (await client.GetFromJsonAsync<JsonElement>("/api/v1/workloads")).GetProperty("workloads").EnumerateArray().ToList();
        workloads.Should().ContainSingle();
        var w = workloads[0];
        w.GetProperty("name").GetString().Should().Be("checkout");
        w.GetProperty("series").GetString().Should().Be("http_requests_per_second{service=\"checkout\"}");
        w.GetProperty("replicaCapacity").GetDouble().Should().Be(60);
        w.GetProperty("startupSeconds").GetDouble().Should().Be(45);
        w.GetProperty("minReplicas").GetInt32().Should().Be(3);
        w.GetProperty("maxReplicas").GetInt32().Should().Be(12);
        w.GetProperty("pricePerReplicaHour").GetDouble().Should().Be(0.08);
        w.GetProperty("decisionIntervalSeconds").GetDouble().Should().Be(15);
        w.GetProperty("cpuUsage").GetString().Should().Be("cpu_usage_cores{service=\"checkout\"}");
        w.GetProperty("memoryUsage").GetString().Should().Be("memory_usage_bytes");
        w.GetProperty("cpuRequestCores").GetDouble().Should().Be(1.5);
        w.GetProperty("memoryRequestBytes").GetDouble().Should().Be(2147483648);
        w.GetProperty("latency").GetString().Should().Be("p95_seconds");
        w.GetProperty("latencyQuantile").GetDouble().Should().Be(0.9);
        w.GetProperty("latencySloSeconds").GetDouble().Should().Be(0.25);
        w.GetProperty("sloQuantile").GetDouble().Should().Be(0.999);
        w.GetProperty("scalingLevel").GetDouble().Should().Be(0.97);
        w.GetProperty("scaleDownStabilizationSeconds").GetDouble().Should().Be(300);
        w.GetProperty("scaleInCooldownSeconds").GetDouble().Should().Be(180);
        w.GetProperty("maxScaleInFraction").GetDouble().Should().Be(0.25);
        w.GetProperty("maxScaleOutStep").GetInt32().Should().Be(4);
        w.GetProperty("replicas").GetString().Should().Be("kube_deployment_status_replicas{deployment=\"checkout\"}");
        w.GetProperty("source").GetString().Should().Be("api");
        var waiting = await client.GetAsync("/api/v1/scaling/checkout");
        waiting.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        waiting.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(15));
    }

    [Theory]
    [InlineData("""{"replicaCapacity":5}""", "series: required")]
    [InlineData("""{"series":"rps","replicaCapacity":"five"}""", "replicaCapacity: expected a number")]
    [InlineData("""{"series":"rps","replicaCapacity":5,"minReplicas":1.5}""", "minReplicas: expected a whole number")]
    [InlineData("""{"series":"rps{","replicaCapacity":5}""", "series: 'rps{' is not a series selector")]
    [InlineData("""{"series":"rps","replicaCapacity":5,"maxReplicas":0}""", "maxReplicas: must be at least 1")]
    [InlineData("""{"series":"rps","replicaCapacity":5,"replicas":3}""", "replicas: is the series of the replicas running now (e.g. kube_deployment_status_replicas{deployment=\"checkout\"}), not a count (got 3)")]
    [InlineData("""{"series":"rps","replicaCapacity":5,"replica":3}""", "'replica' is not a workload setting")]
    [InlineData("""{"series":"rps","replicaCapacity":5,"decisionIntervalSeconds":0}""", "decisionIntervalSeconds: must be between 1 second and 1 hour")]
    [InlineData("""{"series":"rps","replicaCapacity":5,"startupSeconds":-1}""", "startupSeconds: must be between 0 and 1 day")]
    [InlineData("""{"series":"rps","replicaCapacity":5,"usage":"cpu"}""", "request: request and usage go together")]
    [InlineData("""{"series":"rps","replicaCapacity":5,"name":"other"}""", "name: ")]
    [InlineData("""{"series":"rps","replicaCapacity":5,"memoryRequestBytes":"4Gi"}""", "memoryRequestBytes: expected a number")]
    [InlineData("""{"series":"rps","replicaCapacity":5,"memoryRequestBytes":1000}""", "memoryRequestBytes: must be between 1 MiB and 100 TB")]
    [InlineData("""{"series":"rps","replicaCapacity":5,"sloQuantile":1}""", "sloQuantile: must be between 0 and 1")]
    [InlineData("""{"series":"rps","replicaCapacity":5,"scalingLevel":0.3}""", "scalingLevel: must be at least 0.5 and below 1")]
    [InlineData("""{"series":"rps","replicaCapacity":5,"latency":"p95{"}""", "latency: 'p95{' is not a series selector")]
    [InlineData("""{"series":"rps","replicaCapacity":5,"maxScaleOutStep":0}""", "maxScaleOutStep: must be at least 1 (got 0)")]
    [InlineData("""{"series":"rps","replicaCapacity":5,"replicas":"4"}""", "replicas: is the series of the replicas running now")]
    [InlineData("""{"series":"rps","replicaCapacity":5,"pricePerReplicaHour":1e308}""", "pricePerReplicaHour: must be from 0 to 1,000,000")]
    [InlineData("""{"series":"rps","replicaCapacity":5,"maxScaleInFraction":1.5}""", "maxScaleInFraction: must be above 0 and at most 1")]
    [InlineData("""{"series":"rps","replicaCapacity":5,"scaleDownStabilizationSeconds":7200}""", "scaleDownStabilizationSeconds: must be between 0 and 1 hour")]
    [InlineData("""[1,2]""", "the body must be a JSON object")]
    [InlineData("""{"series":""", "malformed JSON")]
    public async Task Invalid_workload_bodies_get_a_400_naming_the_field(string body, string detail)
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.Client();
        var response = await http.PutAsync("/api/v1/workloads/web", Json(body));
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString().Should().Contain(detail);
        (await http.PutAsync("/api/v1/workloads/-web", Json("""{"series":"rps","replicaCapacity":5}"""))).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await http.PutAsync("/api/v1/workloads/web%0A", Json("""{"series":"rps","replicaCapacity":5}"""))).StatusCode.Should().Be(HttpStatusCode.BadRequest, "a final newline is not part of a valid name");
        (await http.GetFromJsonAsync<JsonElement>("/api/v1/workloads")).GetProperty("workloads").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task Workloads_belong_to_the_tenant_of_the_api_key()
    {
        await using var server = await TestServer.StartAsync();
        var (keyA, _) = await ApiKeys.CreateAsync(server.Server.ApiKeys, "team-a", "test", TimeProvider.System);
        var (keyB, _) = await ApiKeys.CreateAsync(server.Server.ApiKeys, "team-b", "test", TimeProvider.System);
        using var a = server.Client(keyA);
        using var b = new HttpClient { BaseAddress = server.BaseAddress };
        b.DefaultRequestHeaders.Add("X-API-Key", keyB);   // KEDA's apiKey mode sends a header like this one

        (await a.PutAsync("/api/v1/workloads/web", Json("""{"series":"rps","replicaCapacity":5}"""))).StatusCode.Should().Be(HttpStatusCode.Created);
        (await b.GetAsync("/api/v1/workloads/web")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await b.GetAsync("/api/v1/scaling/web")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await b.PutAsync("/api/v1/workloads/web", Json("""{"series":"rps","replicaCapacity":7}"""))).StatusCode.Should().Be(HttpStatusCode.Created, "tenant b has its own 'web'");
        (await a.GetFromJsonAsync<JsonElement>("/api/v1/workloads/web")).GetProperty("replicaCapacity").GetDouble().Should().Be(5);
        using var anonymous = server.Client();
        (await anonymous.GetAsync("/api/v1/scaling/web")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Config_workloads_are_decided_exposed_on_metrics_and_read_only_over_the_api()
    {
        using var dir = new TempDirectory();
        var config = Path.Combine(dir.Path, "foresight.yml");
        await File.WriteAllTextAsync(config, """
            workloads:
              - name: web
                series: 'http_requests_per_second{service="web"}'
                replica_capacity: 25
                min_replicas: 2
            """);
        await using var server = await TestServer.StartAsync(o =>
        {
            o.ConfigFile = config;
            o.Detection.Enabled = false;
        });
        var decided = new TaskCompletionSource<WorkloadDecision>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Server.Services<ScalingService>().Decided += d => decided.TrySetResult(d);
        using var http = server.Client();
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        // Two pods' series: the demand is their sum (130 + 100 = 230: 10 replicas at 25, 12 with the 30% headroom used while there is no forecast).
        var batch = $$"""
            {"series":[
              {"metric":"http_requests_per_second","labels":{"service":"web","pod":"a"},"points":[[{{now - 30_000}},120],[{{now - 15_000}},130]]},
              {"metric":"http_requests_per_second","labels":{"service":"web","pod":"b"},"points":[[{{now - 20_000}},100]]}]}
            """;
        (await http.PostAsync("/api/v1/ingest", Json(batch))).EnsureSuccessStatusCode();
        var decision = await decided.Task.WaitAsync(TimeSpan.FromSeconds(30));
        decision.Decision.Demand.Should().Be(230);
        decision.Decision.Desired.Should().Be(12);

        var metrics = await http.GetStringAsync("/metrics");
        metrics.Should().Contain("# TYPE foresight_desired_replicas gauge");
        metrics.Should().Contain("foresight_desired_replicas{tenant=\"default\",workload=\"web\"} 12\n");
        metrics.Should().Contain("foresight_scaling_demand{tenant=\"default\",workload=\"web\"} 230\n");

        var listing = await http.GetFromJsonAsync<JsonElement>("/api/v1/scaling");
        listing.GetProperty("decisions")[0].GetProperty("desiredReplicas").GetInt32().Should().Be(12);
        listing.GetProperty("decisions")[0].GetProperty("forecastPeak").ValueKind.Should().Be(JsonValueKind.Null, "there is no forecast from a minute of data");
        var history = await http.GetFromJsonAsync<JsonElement>("/api/v1/scaling/web/history");
        history.GetProperty("decisions").GetArrayLength().Should().BeGreaterThanOrEqualTo(1);
        var workload = await http.GetFromJsonAsync<JsonElement>("/api/v1/workloads/web");
        workload.GetProperty("source").GetString().Should().Be("config");
        workload.GetProperty("status").GetProperty("matchedSeries").GetInt32().Should().Be(2);

        var put = await http.PutAsync("/api/v1/workloads/web", Json("""{"series":"rps","replicaCapacity":5}"""));
        put.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await put.Content.ReadAsStringAsync()).Should().Contain("config file");
        (await http.DeleteAsync("/api/v1/workloads/web")).StatusCode.Should().Be(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Request_and_usage_series_give_the_decision_a_request_size_hint()
    {
        await using var server = await TestServer.StartAsync(o => o.Detection.Enabled = false);
        var decided = new TaskCompletionSource<WorkloadDecision>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Server.Services<ScalingService>().Decided += d => decided.TrySetResult(d);
        using var http = server.Client();
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        // Pods request 2 cores and use about 0.4: the hint is to lower the request.
        var usage = string.Join(",", Enumerable.Range(0, 40).Select(i => $"[{now - 600_000 + i * 15_000},{0.3 + 0.1 * (i % 3)}]"));
        var batch = $$"""
            {"series":[
              {"metric":"cpu_request_cores","labels":{"app":"api","pod":"a"},"points":[[{{now - 10_000}},2]]},
              {"metric":"cpu_request_cores","labels":{"app":"api","pod":"b"},"points":[[{{now - 10_000}},2]]},
              {"metric":"cpu_usage_cores","labels":{"app":"api","pod":"a"},"points":[{{usage}}]}]}
            """;
        (await http.PostAsync("/api/v1/ingest", Json(batch))).EnsureSuccessStatusCode();
        (await http.PutAsync("/api/v1/workloads/api", Json("""
            {"series":"cpu_usage_cores{app=\"api\"}","replicaCapacity":0.7,"request":"cpu_request_cores{app=\"api\"}","usage":"cpu_usage_cores{app=\"api\"}"}
            """))).StatusCode.Should().Be(HttpStatusCode.Created);
        var decision = await decided.Task.WaitAsync(TimeSpan.FromSeconds(30));
        decision.Decision.Vertical.Should().NotBeNull();
        decision.Decision.Vertical!.Kind.Should().Be(Foresight.Scaling.VerticalHintKind.RequestsTooHigh);
        decision.Decision.Vertical.Request.Should().Be(2);
        decision.Decision.Vertical.Usage.Should().BeApproximately(0.5, 1e-9, "the 95th percentile of the last hour's usage");
        var body = await http.GetFromJsonAsync<JsonElement>("/api/v1/scaling/api");
        body.GetProperty("vertical").GetProperty("kind").GetString().Should().Be("requestsTooHigh");
    }

    [Fact]
    public async Task A_decision_made_before_the_demand_went_silent_is_no_longer_served()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 6, 4, 9, 0, 20, TimeSpan.Zero));
        await using var server = await TestServer.StartOnClockAsync(clock);
        using var http = server.Client();
        (await http.PutAsync("/api/v1/workloads/web", Json("""{"series":"rps","replicaCapacity":5,"decisionIntervalSeconds":1}""")))
            .StatusCode.Should().Be(HttpStatusCode.Created);
        (await http.PostAsync("/api/v1/ingest", Json($$"""{"series":[{"metric":"rps","points":[[{{clock.GetUtcNow().ToUnixTimeMilliseconds() - 1000}},12]]}]}""")))
            .EnsureSuccessStatusCode();
        var fresh = await ScalingOf(http, "web", HttpStatusCode.OK, "web's first decision");
        fresh.StatusCode.Should().Be(HttpStatusCode.OK);
        var desired = (await fresh.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("desiredReplicas").GetInt32();
        (await http.GetStringAsync("/metrics")).Should().Contain("foresight_desired_replicas{tenant=\"default\",workload=\"web\"}");

        clock.Advance(TimeSpan.FromMinutes(6));                       // the demand series has no point in the last 5 minutes
        var stale = await ScalingOf(http, "web", HttpStatusCode.ServiceUnavailable, "web's decision to be no longer current");
        var problem = await stale.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("title").GetString().Should().Be("No current decision");
        problem.GetProperty("detail").GetString().Should().Contain("no point of rps in the last 5 minutes")
            .And.Contain($"the last decision, {desired} replicas at 2025-06-04 09:00:").And.Contain("is no longer current");
        stale.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(1));
        var list = await http.GetFromJsonAsync<JsonElement>("/api/v1/scaling");
        list.GetProperty("decisions").GetArrayLength().Should().Be(0);
        list.GetProperty("waiting")[0].GetProperty("reason").GetString().Should().Contain("is no longer current");
        (await http.GetStringAsync("/metrics")).Should().NotContain("workload=\"web\"", "a stale decision is not exported for an HPA to act on");

        (await http.PostAsync("/api/v1/ingest", Json($$"""{"series":[{"metric":"rps","points":[[{{clock.GetUtcNow().ToUnixTimeMilliseconds() - 1000}},12]]}]}""")))
            .EnsureSuccessStatusCode();
        (await ScalingOf(http, "web", HttpStatusCode.OK, "a current decision again, from new demand")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    /// <summary>GET /api/v1/scaling/{workload} until it answers <paramref name="status"/> (the decision loop runs in the background).</summary>
    private static Task<HttpResponseMessage> ScalingOf(HttpClient http, string workload, HttpStatusCode status, string what) =>
        Wait.ForAsync(() => http.GetAsync($"/api/v1/scaling/{workload}"), r => r.StatusCode == status, what, TimeSpan.FromSeconds(30),
            r => $"HTTP {(int)r.StatusCode}");

    [Fact]
    public async Task A_replicas_series_is_where_each_decision_starts_from()
    {
        await using var server = await TestServer.StartAsync(o => o.Detection.Enabled = false);
        var decided = new System.Collections.Concurrent.ConcurrentDictionary<string, WorkloadDecision>();
        var both = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Server.Services<ScalingService>().Decided += d =>
        {
            decided.TryAdd(d.Workload, d);
            if (decided.Count == 2) both.TrySetResult();
        };
        using var http = server.Client();
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        // 12 requests a second need 4 replicas of 5 (with the reactive headroom); 9 run (as kube-state-metrics reports them, per ReplicaSet).
        var batch = $$"""
            {"series":[
              {"metric":"rps","labels":{"app":"web"},"points":[[{{now - 10_000}},12]]},
              {"metric":"running","labels":{"app":"web","replicaset":"a"},"points":[[{{now - 10_000}},7]]},
              {"metric":"running","labels":{"app":"web","replicaset":"b"},"points":[[{{now - 10_000}},2]]}]}
            """;
        (await http.PostAsync("/api/v1/ingest", Json(batch))).EnsureSuccessStatusCode();
        (await http.PutAsync("/api/v1/workloads/web", Json("""{"series":"rps","replicaCapacity":5,"replicas":"running{app=\"web\"}"}""")))
            .StatusCode.Should().Be(HttpStatusCode.Created);
        (await http.PutAsync("/api/v1/workloads/plain", Json("""{"series":"rps","replicaCapacity":5}"""))).StatusCode.Should().Be(HttpStatusCode.Created);
        await both.Task.WaitAsync(TimeSpan.FromSeconds(30));

        decided["web"].Decision.Current.Should().Be(9, "the replicas series says 9 run");
        decided["web"].Decision.Action.Should().Be(Foresight.Scaling.ScalingAction.ScaleIn);
        decided["web"].Decision.Desired.Should().BeLessThan(9);
        decided["plain"].Decision.Current.Should().Be(1, "without the series the first decision starts from the minimum");
        decided["plain"].Decision.Action.Should().Be(Foresight.Scaling.ScalingAction.ScaleOut);
    }

    [Fact]
    public void Demo_workloads_follow_each_services_request_rate()
    {
        var fleet = new DemoFleet(0);
        var series = fleet.Generate(0, 15_000);
        var workloads = DemoFeeder.Workloads().ToList();
        workloads.Select(w => w.Name).Should().Equal(DemoFleet.Services.Select(s => s.Name));
        foreach (var w in workloads)
        {
            SeriesSelector.TryParse(w.Series, out var selector, out _).Should().BeTrue();
            series.Where(s => selector!.Matches(s.Metric, s.Labels)).Should().ContainSingle()
                .Which.Metric.Should().Be("http_requests_per_second");
            w.Check().Should().BeNull();
        }
        // At the weekday peak a service needs a handful of replicas, not one or the maximum.
        foreach (var s in DemoFleet.Services) DemoFleet.CapacityModelFor(s).ReplicasFor(s.PeakRps).Should().BeInRange(4, 12);
    }

    [Fact]
    public void Demand_on_the_grid_is_the_sum_of_each_series_mean_per_step()
    {
        List<Point> a = [new(0, 10), new(30_000, 20), new(60_000, 30), new(180_000, 50)];
        List<Point> b = [new(15_000, 1), new(75_000, double.NaN), new(80_000, 3)];
        var grid = DemandReader.Grid([a, b], 0, 240_000, 60_000);
        grid.Should().Equal((0L, 16.0), (60_000L, 33.0), (180_000L, 50.0));
    }

    [Fact]
    public async Task An_api_workload_shadowed_by_the_config_file_is_kept_in_the_workloads_file_across_other_changes()
    {
        using var dir = new TempDirectory();
        await using (var first = await TestServer.StartAsync(dir: dir))
        {
            using var http = first.Client();
            (await http.PutAsync("/api/v1/workloads/cart", Json("""{"series":"cart_rps","replicaCapacity":50}"""))).StatusCode.Should().Be(HttpStatusCode.Created);
        }
        var config = Path.Combine(dir.Path, "foresight.yml");
        File.WriteAllText(config, "workloads:\n  - name: cart\n    series: cart_rps_v2\n    replica_capacity: 10\n");
        await using (var second = await TestServer.StartAsync(o => o.ConfigFile = config, dir))
        {
            using var http = second.Client();
            (await http.PutAsync("/api/v1/workloads/search", Json("""{"series":"search_qps","replicaCapacity":10}"""))).StatusCode.Should().Be(HttpStatusCode.Created);
        }
        // Once the config no longer defines it, the workload created over the API (and acknowledged with 201) is back.
        await using var third = await TestServer.StartAsync(dir: dir);
        using var client = third.Client();
        var workloads = (await client.GetFromJsonAsync<JsonElement>("/api/v1/workloads")).GetProperty("workloads").EnumerateArray().ToList();
        workloads.Select(w => w.GetProperty("name").GetString()).Should().Equal("cart", "search");
        workloads[0].GetProperty("series").GetString().Should().Be("cart_rps");
        workloads[0].GetProperty("source").GetString().Should().Be("api");
    }

    [Fact]
    public void A_workloads_file_of_a_newer_format_is_refused_with_a_clear_message()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Path, "workloads.json"), """{"format":2,"workloads":[]}""");
        var load = () => new WorkloadFile(dir.Path).Load();
        load.Should().Throw<InvalidDataException>().WithMessage("*workloads.json has format 2; this build reads format 1*");
        File.WriteAllText(Path.Combine(dir.Path, "workloads.json"), """{"format":1,"workloads":[{"tenant":"t","name":"w","series":"rps","replicaCapacity":-1}]}""");
        load.Should().Throw<InvalidDataException>().WithMessage("*workloads[0] (w): replicaCapacity: must be a positive number*");
    }
}
