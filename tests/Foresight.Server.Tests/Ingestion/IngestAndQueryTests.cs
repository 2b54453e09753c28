using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Foresight.Security;
using Foresight.Series;
using Foresight.Tests.Support;

namespace Foresight.Server.Tests.Ingestion;

public sealed class IngestAndQueryTests
{
    private static long Now => TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Batch(string metric, string labels, IEnumerable<(long, double)> points) =>
        $$"""{"series":[{"metric":"{{metric}}","labels":{{{labels}}},"points":[{{string.Join(",", points.Select(p => $"[{p.Item1},{p.Item2.ToString(System.Globalization.CultureInfo.InvariantCulture)}]"))}}]}]}""";

    [Fact]
    public async Task Json_batches_are_listed_by_selector_and_read_back_raw_and_aggregated()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.Client();
        var t0 = Now - 600_000;
        t0 -= t0 % 60_000;
        var points = Enumerable.Range(0, 120).Select(i => (t0 + i * 5_000L, (double)i)).ToList();
        var response = await http.PostAsync("/api/v1/ingest", Json(Batch("http_requests_per_second", "\"service\":\"api\",\"env\":\"prod\"", points)));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetInt32().Should().Be(120);
        await http.PostAsync("/api/v1/ingest", Json(Batch("cpu_usage_cores", "\"service\":\"api\"", [(t0, 1)])));

        var list = await http.GetFromJsonAsync<JsonElement>("/api/v1/series?match=" + Uri.EscapeDataString("{service=\"api\",env=~\"pr.*\",__name__!=\"anomaly_score\"}"));
        var series = list.GetProperty("series").EnumerateArray().ToList();
        series.Should().ContainSingle();
        series[0].GetProperty("metric").GetString().Should().Be("http_requests_per_second");
        series[0].GetProperty("labels").GetProperty("env").GetString().Should().Be("prod");
        var id = series[0].GetProperty("id").GetInt64();

        var raw = await http.GetFromJsonAsync<JsonElement>($"/api/v1/series/{id}/points?from={t0}&to={t0 + 600_000}");
        raw.GetProperty("points").GetArrayLength().Should().Be(120);

        var perMinute = await http.GetFromJsonAsync<JsonElement>($"/api/v1/series/{id}/points?from={t0}&to={t0 + 600_000}&step=60000&agg=max");
        var buckets = perMinute.GetProperty("points").EnumerateArray().Select(p => (p[0].GetInt64(), p[1].GetDouble())).ToList();
        buckets.Should().HaveCount(10);
        buckets[0].Should().Be((t0, 11.0));
        buckets[9].Should().Be((t0 + 540_000, 119.0));

        var count = await http.GetFromJsonAsync<JsonElement>($"/api/v1/series/{id}/points?from={t0}&to={t0 + 600_000}&step=600000&agg=count");
        count.GetProperty("points")[0][1].GetDouble().Should().Be(120);
    }

    [Theory]
    [InlineData("""{"series":[{"metric":"m","points":[[1,"x"]]}]}""", "series[0].points[0][1]")]
    [InlineData("""{"series":[{"metric":"m","points":[[1.5,1]]}]}""", "series[0].points[0][0]")]
    [InlineData("""{"series":[{"metric":"bad-name","points":[]}]}""", "series[0].metric")]
    [InlineData("""{"series":[{"points":[]}]}""", "series[0]: \"metric\" is required")]
    [InlineData("""{"series":[{"metric":"m","labels":{"1x":"v"},"points":[]}]}""", "series[0].labels")]
    [InlineData("""{"series":[{"metric":"m","points":[[1,2]""", "malformed JSON at byte")]
    [InlineData("""{"data":[]}""", "no \"series\" array")]
    [InlineData("""{"series":[{"metric":"m","points":[[1,2]]}]} trailing""", "malformed JSON at byte")]
    [InlineData("""{"series":[{"metric":"m","points":[[1,2]]}]} {"series":[]}""", "malformed JSON at byte 45: '{' is invalid after a single JSON value")]
    [InlineData("""{"series":[{"metric":"m","labels":{"__name__":"zz"},"points":[]}]}""", "series[0].labels.__name__: the metric name is given as \"metric\"")]
    public async Task Malformed_json_gets_a_400_problem_naming_the_field(string body, string where)
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.Client();
        var response = await http.PostAsync("/api/v1/ingest", Json(body));
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("detail").GetString().Should().Contain(where);
    }

    [Fact]
    public async Task A_refused_point_is_named_and_the_others_of_its_batch_are_stored()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.Client();
        var now = Now;
        var body = $$"""{"series":[{"metric":"ok","points":[[{{now - 1000}},1]]},{"metric":"late","labels":{"pod":"p1"},"points":[[{{now - 1000}},1],[{{now + 86_400_000}},2]]}]}""";
        var response = await http.PostAsync("/api/v1/ingest", Json(body));
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("detail").GetString().Should().Contain("series[1] late{pod=\"p1\"} point[1]").And.Contain("future");
        problem.GetProperty("errors")[0].GetProperty("point").GetInt32().Should().Be(1);
        problem.GetProperty("title").GetString().Should().Be("1 of 3 points rejected; the other 2 were stored");
        (problem.GetProperty("accepted").GetInt32(), problem.GetProperty("dropped").GetInt32(), problem.GetProperty("rejected").GetInt32()).Should().Be((2, 0, 1));
        var list = await http.GetFromJsonAsync<JsonElement>("/api/v1/series");
        list.GetProperty("series").EnumerateArray().Select(s => s.GetProperty("metric").GetString()).Should().Contain(["ok", "late"]);
        var metrics = await http.GetStringAsync("/metrics");
        metrics.Should().Contain("foresight_points_ingested_total{protocol=\"json\"} 2").And.Contain("foresight_points_rejected_total{protocol=\"json\"} 1");
    }

    [FullDiskFact]
    public async Task A_batch_the_disk_cannot_hold_gets_507_saying_nothing_was_stored()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.Client();
        var now = Now;
        (await http.PostAsync("/api/v1/ingest", Json(Batch("rps", "", [(now - 2000, 1)])))).EnsureSuccessStatusCode();
        HttpResponseMessage response;
        using (new FullDisk(server.Server.Store))
        {
            response = await http.PostAsync("/api/v1/ingest", Json(Batch("rps", "", [(now - 1000, 2)])));
        }
        response.StatusCode.Should().Be((HttpStatusCode)507);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("title").GetString().Should().Be("Batch not stored");
        problem.GetProperty("detail").GetString().Should().Contain("nothing of the batch was stored").And.Contain("Send the batch again");
        var id = (await http.GetFromJsonAsync<JsonElement>("/api/v1/series")).GetProperty("series")[0].GetProperty("id").GetInt64();
        var points = await http.GetFromJsonAsync<JsonElement>($"/api/v1/series/{id}/points?from=0");
        points.GetProperty("points").GetArrayLength().Should().Be(1, "only the acknowledged point is stored");
        (await http.GetStringAsync("/metrics")).Should().Contain("foresight_points_rejected_total{protocol=\"json\"} 1");
    }

    [FullDiskFact]
    public async Task An_otlp_batch_the_disk_cannot_hold_gets_503_with_retry_after_which_otlp_exporters_retry()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.Client();
        var point = new Foresight.Ingestion.Otlp.NumberDataPoint { TimeUnixNano = (ulong)(Now - 1000) * 1_000_000, AsDouble = 1 };
        var gauge = new Foresight.Ingestion.Otlp.Gauge();
        gauge.DataPoints.Add(point);
        var scope = new Foresight.Ingestion.Otlp.ScopeMetrics();
        scope.Metrics.Add(new Foresight.Ingestion.Otlp.Metric { Name = "queue_depth", Gauge = gauge });
        var resource = new Foresight.Ingestion.Otlp.ResourceMetrics();
        resource.ScopeMetrics.Add(scope);
        var request = new Foresight.Ingestion.Otlp.ExportMetricsServiceRequest();
        request.ResourceMetrics.Add(resource);
        var body = new ByteArrayContent(Google.Protobuf.MessageExtensions.ToByteArray(request));
        body.Headers.ContentType = new("application/x-protobuf");

        HttpResponseMessage response;
        using (new FullDisk(server.Server.Store))
        {
            response = await http.PostAsync("/v1/metrics", body);
        }
        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, "OTLP/HTTP clients drop a batch answered 507");
        response.Headers.RetryAfter.Should().NotBeNull();
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString().Should().Contain("Send the batch again");
    }

    [Fact]
    public async Task Too_large_bodies_get_413()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxRequestBodyBytes = 10_000);
        using var http = server.Client();
        var points = Enumerable.Range(0, 2000).Select(i => (Now - 100_000 + i, 1.0));
        var response = await http.PostAsync("/api/v1/ingest", Json(Batch("m", "", points)));
        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Bad_queries_are_400_and_unknown_series_404()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.Client();
        (await http.GetAsync("/api/v1/series?match=" + Uri.EscapeDataString("cpu{x=1}"))).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await http.GetAsync("/api/v1/series/12345/points")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        await http.PostAsync("/api/v1/ingest", Json(Batch("m", "", [(Now - 10, 1)])));
        var r = await http.GetAsync("/api/v1/series/0/points?step=1000&agg=median");
        r.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await r.Content.ReadAsStringAsync()).Should().Contain("agg");
        var zero = await http.GetAsync("/api/v1/series/0/points?step=0");
        zero.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await zero.Content.ReadAsStringAsync()).Should().Contain("step: '0' must be a positive integer");
        var wide = await http.GetAsync($"/api/v1/series/0/points?from={long.MinValue}&to={long.MaxValue}&step=1");
        wide.StatusCode.Should().Be(HttpStatusCode.BadRequest, "the bucket count is computed without overflow");
        (await wide.Content.ReadAsStringAsync()).Should().Contain("use a larger step");
    }

    [Fact]
    public async Task Tenants_are_isolated_by_api_key()
    {
        await using var server = await TestServer.StartAsync();
        var (keyA, _) = await ApiKeys.CreateAsync(server.Server.ApiKeys, "team-a", "test", TimeProvider.System);
        var (keyB, _) = await ApiKeys.CreateAsync(server.Server.ApiKeys, "team-b", "test", TimeProvider.System);
        using var a = server.Client(keyA);
        using var b = server.Client(keyB);
        using var anonymous = server.Client();

        (await a.PostAsync("/api/v1/ingest", Json(Batch("secret_metric", "\"x\":\"1\"", [(Now - 10, 42)])))).EnsureSuccessStatusCode();
        var idA = (await a.GetFromJsonAsync<JsonElement>("/api/v1/series")).GetProperty("series")[0].GetProperty("id").GetInt64();

        (await b.GetFromJsonAsync<JsonElement>("/api/v1/series")).GetProperty("series").GetArrayLength().Should().Be(0);
        (await b.GetAsync($"/api/v1/series/{idA}/points")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await b.PostAsync("/api/v1/ingest", Json(Batch("secret_metric", "\"x\":\"1\"", [(Now - 5, 7)])))).EnsureSuccessStatusCode();
        var aPoints = await a.GetFromJsonAsync<JsonElement>($"/api/v1/series/{idA}/points?from=0");
        aPoints.GetProperty("points").GetArrayLength().Should().Be(1, "tenant b's write went to its own series");
        aPoints.GetProperty("points")[0][1].GetDouble().Should().Be(42);

        var refused = await anonymous.GetAsync("/api/v1/series");
        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        refused.Headers.WwwAuthenticate.Select(c => c.Scheme).Should().Equal(["Bearer", "Basic"], "a 401 names the schemes it accepts (RFC 9110)");
        using var wrong = server.Client("fs_nope_nope");
        (await wrong.GetAsync("/api/v1/series")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await anonymous.GetAsync("/healthz")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Binding_a_public_address_without_keys_is_refused_unless_insecure()
    {
        var refused = () => TestServer.StartAsync(o => o.Urls = "http://0.0.0.0:0");
        (await refused.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*API keys*--insecure*");
        await using var allowed = await TestServer.StartAsync(o =>
        {
            o.Urls = "http://0.0.0.0:0";
            o.Insecure = true;
        });
        allowed.Server.Ready.Should().BeTrue();
    }

    [Fact]
    public async Task Metrics_endpoint_counts_ingested_and_rejected_points()
    {
        await using var server = await TestServer.StartAsync(o => o.Detection.Enabled = false);
        using var http = server.Client();
        await http.PostAsync("/api/v1/ingest", Json(Batch("m", "", [(Now - 20, 1), (Now - 10, 2)])));
        await http.PostAsync("/api/v1/ingest", Json("{}"));
        var text = await http.GetStringAsync("/metrics");
        text.Should().Contain("foresight_points_ingested_total{protocol=\"json\"} 2");
        text.Should().Contain("foresight_points_rejected_total{protocol=\"json\"}");
        text.Should().Contain("foresight_http_request_duration_seconds_bucket{method=\"POST\",route=\"/api/v1/ingest\",status=\"200\",le=\"+Inf\"} 1");
        text.Should().Contain("foresight_store_series 1");
        (await http.GetAsync("/readyz")).StatusCode.Should().Be(HttpStatusCode.OK);

        // The exposition format wants each family's samples right after its own TYPE line.
        string? family = null;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal)) family = line.Split(' ')[2];
            else if (!line.StartsWith('#'))
            {
                var name = line[..line.IndexOfAny(['{', ' '])];
                var suffixes = new[] { "", "_bucket", "_sum", "_count" };
                suffixes.Should().Contain(s => family + s == name, $"'{line}' follows the TYPE line of {family}");
            }
        }
    }
}
