using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Foresight.Security;
using Foresight.Tests.Support;

namespace Foresight.Server.Tests.Security;

/// <summary>Once keys exist, /metrics needs a scrape key and the OpenAPI document a valid key; /healthz and /readyz stay open and name no tenant.</summary>
public sealed class OperationalEndpointsTests
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Keys_gate_metrics_and_the_document_while_health_and_readiness_stay_open_and_name_no_tenant()
    {
        await using var server = await TestServer.StartAsync();
        using (var open = server.Client())
        {
            (await open.GetAsync("/metrics")).StatusCode.Should().Be(HttpStatusCode.OK, "a server that never had a key is open on loopback");
        }
        var (tenantKey, _) = await ApiKeys.CreateAsync(server.Server.ApiKeys, "team-secret", "api", TimeProvider.System);
        var (scrapeKey, scrapeRecord) = await ApiKeys.CreateScrapeKeyAsync(server.Server.ApiKeys, "prometheus", TimeProvider.System);
        scrapeRecord.Scope.Should().Be(ApiKeyScope.Metrics);
        using var anonymous = server.Client();
        using var tenant = server.Client(tenantKey);
        using var scrape = server.Client(scrapeKey);
        (await tenant.PutAsync("/api/v1/workloads/payroll-batch", Json("""{"series":"jobs_queued{app=\"payroll\"}","replicaCapacity":10}""")))
            .StatusCode.Should().Be(HttpStatusCode.Created);

        (await anonymous.GetAsync("/metrics")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var tenantMetrics = await tenant.GetAsync("/metrics");
        tenantMetrics.StatusCode.Should().Be(HttpStatusCode.Forbidden, "/metrics names every tenant's workloads");
        (await tenantMetrics.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString().Should().Contain("--scope metrics");
        var metrics = await scrape.GetAsync("/metrics");
        metrics.StatusCode.Should().Be(HttpStatusCode.OK);
        (await metrics.Content.ReadAsStringAsync()).Should().Contain("foresight_store_series");

        (await anonymous.GetAsync("/openapi/v1.json")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await tenant.GetAsync("/openapi/v1.json")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await scrape.GetAsync("/openapi/v1.json")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await anonymous.GetAsync("/")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var api = await scrape.GetAsync("/api/v1/series");
        api.StatusCode.Should().Be(HttpStatusCode.Forbidden, "a scrape key reads no tenant's API");

        foreach (var path in new[] { "/healthz", "/readyz" })
        {
            var response = await anonymous.GetAsync(path);
            response.StatusCode.Should().Be(HttpStatusCode.OK, $"{path} stays open for probes");
            (await response.Content.ReadAsStringAsync()).Should().NotContain("team-secret").And.NotContain("payroll");
        }
    }

    [RequiresBinaryFact("prometheus")]
    public async Task Prometheus_scrapes_metrics_with_a_scrape_key_from_a_credentials_file()
    {
        await using var server = await TestServer.StartAsync(o => o.Detection.Enabled = false);
        var (scrapeKey, _) = await ApiKeys.CreateScrapeKeyAsync(server.Server.ApiKeys, "prometheus", TimeProvider.System);
        var (tenantKey, _) = await ApiKeys.CreateAsync(server.Server.ApiKeys, "team-a", "api", TimeProvider.System);
        using var dir = new TempDirectory();
        var keyFile = Path.Combine(dir.Path, "foresight-metrics.key");
        await File.WriteAllTextAsync(keyFile, scrapeKey + "\n");
        var target = $"{server.BaseAddress.Host}:{server.BaseAddress.Port}";
        // The documented configuration (docs/operations.md#metrics), plus a job with a tenant key and one with none, which must fail.
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "prometheus.yml"), $$"""
            global: {scrape_interval: 1s}
            scrape_configs:
              - job_name: foresight
                authorization:
                  type: Bearer
                  credentials_file: {{keyFile}}
                static_configs: [{targets: ['{{target}}']}]
              - job_name: foresight-tenant-key
                authorization: {credentials: {{tenantKey}}}
                static_configs: [{targets: ['{{target}}']}]
              - job_name: foresight-no-key
                static_configs: [{targets: ['{{target}}']}]
            """);
        var port = ServerProcess.FreePort();
        var info = new ProcessStartInfo(RequiresBinaryFactAttribute.Locate("prometheus"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { $"--config.file={Path.Combine(dir.Path, "prometheus.yml")}", $"--storage.tsdb.path={Path.Combine(dir.Path, "tsdb")}",
                     $"--web.listen-address=127.0.0.1:{port}" })
        {
            info.ArgumentList.Add(a);
        }
        using var prometheus = Process.Start(info)!;
        prometheus.OutputDataReceived += (_, _) => { };
        prometheus.ErrorDataReceived += (_, _) => { };
        prometheus.BeginOutputReadLine();
        prometheus.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            var targets = await Wait.ForAsync(async () =>
                {
                    try
                    {
                        var body = await http.GetFromJsonAsync<JsonElement>("/api/v1/targets");
                        return body.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
                            .ToDictionary(t => t.GetProperty("labels").GetProperty("job").GetString()!, t => (Health: t.GetProperty("health").GetString(), Error: t.GetProperty("lastError").GetString()));
                    }
                    catch (HttpRequestException)
                    {
                        return [];
                    }
                },
                t => t.Count == 3 && t.Values.All(v => v.Health != "unknown"),
                "Prometheus to scrape every job once", describe: t => string.Join(", ", t.Select(kv => $"{kv.Key}={kv.Value}")));
            targets["foresight"].Health.Should().Be("up", targets["foresight"].Error);
            targets["foresight-tenant-key"].Health.Should().Be("down");
            targets["foresight-tenant-key"].Error.Should().Contain("403");
            targets["foresight-no-key"].Health.Should().Be("down");
            targets["foresight-no-key"].Error.Should().Contain("401");

            var series = await http.GetFromJsonAsync<JsonElement>("/api/v1/query?query=" + Uri.EscapeDataString("foresight_store_series{job=\"foresight\"}"));
            series.GetProperty("data").GetProperty("result").GetArrayLength().Should().Be(1, "the scraped samples are in Prometheus");
        }
        finally
        {
            prometheus.Kill();
            await prometheus.WaitForExitAsync();
        }
    }
}
