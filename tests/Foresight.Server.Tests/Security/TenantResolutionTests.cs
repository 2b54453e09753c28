using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Foresight.Security;
using Foresight.Server.Security;
using Foresight.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Foresight.Server.Tests.Security;

public sealed class TenantResolutionTests
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string OnePoint(string metric) =>
        $$"""{"series":[{"metric":"{{metric}}","points":[[{{TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() - 1000}},1]]}]}""";

    private static async Task<string?> DetailAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();

    [Fact]
    public async Task Revoking_the_last_key_of_a_loopback_server_does_not_open_it()
    {
        await using var server = await TestServer.StartAsync(o => o.Detection.Enabled = false);
        var keys = server.Server.ApiKeys;
        var (secret, record) = await ApiKeys.CreateAsync(keys, "team-a", "prometheus", TimeProvider.System);
        using var teamA = server.Client(secret);
        (await teamA.PostAsync("/api/v1/ingest", Json(OnePoint("before")))).EnsureSuccessStatusCode();
        (await keys.RevokeAsync(record.Id)).Should().BeTrue();
        (await keys.ListAsync()).Should().BeEmpty();

        var revoked = await teamA.PostAsync("/api/v1/ingest", Json(OnePoint("after")));
        revoked.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "a revoked key never authenticates again");
        var detail = await DetailAsync(revoked);
        detail.Should().Contain($"{record.Id} was revoked").And.NotContain("team-a", "the answer names no tenant");

        using var anonymous = server.Client();
        var open = await anonymous.PostAsync("/api/v1/ingest", Json(OnePoint("after")));
        open.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "a server that had keys never falls back to open mode");
        (await DetailAsync(open)).Should().Contain("revoked").And.Contain("--insecure");
        using var made_up = server.Client("fs_000000000000_madeup");
        (await made_up.GetAsync("/api/v1/series")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        (await server.Server.Store.FindAsync("default", Foresight.Series.SeriesSelector.All)).Should().BeEmpty("nothing landed in tenant default");
        (await server.Server.Store.FindAsync("team-a", Foresight.Series.SeriesSelector.All)).Select(s => s.Metric).Should().Equal("before");
    }

    [Fact]
    public async Task Revoked_keys_stay_revoked_across_a_restart_and_in_insecure_mode()
    {
        using var dir = new TempDirectory();
        string secret;
        await using (var first = await TestServer.StartAsync(o => o.Detection.Enabled = false, dir))
        {
            var (s, record) = await ApiKeys.CreateAsync(first.Server.ApiKeys, "team-a", "prometheus", TimeProvider.System);
            secret = s;
            (await first.Server.ApiKeys.RevokeAsync(record.Id)).Should().BeTrue();
            (await first.Server.ApiKeys.RevokeAsync(record.Id)).Should().BeFalse("it is no longer active");
        }
        await using (var restarted = await TestServer.StartAsync(o => o.Detection.Enabled = false, dir))
        {
            using var anonymous = restarted.Client();
            (await anonymous.GetAsync("/api/v1/series")).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "keys were created in this data directory");
            using var old = restarted.Client(secret);
            (await old.GetAsync("/api/v1/series")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }
        await using var insecure = await TestServer.StartAsync(o =>
        {
            o.Detection.Enabled = false;
            o.Insecure = true;
        }, dir);
        using (var anonymous = insecure.Client())
        {
            (await anonymous.GetAsync("/api/v1/series")).StatusCode.Should().Be(HttpStatusCode.OK, "--insecure chose open mode at start");
        }
        using var revoked = insecure.Client(secret);
        var refused = await revoked.PostAsync("/api/v1/ingest", Json(OnePoint("m")));
        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "a revoked key is refused in open mode too, not served as default");
        (await DetailAsync(refused)).Should().Contain("revoked");
    }

    [Fact]
    public async Task A_server_whose_keys_were_all_revoked_may_listen_on_a_public_address_and_answers_401()
    {
        using var dir = new TempDirectory();
        await using (var first = await TestServer.StartAsync(o => o.Detection.Enabled = false, dir))
        {
            var (_, record) = await ApiKeys.CreateAsync(first.Server.ApiKeys, "team-a", "test", TimeProvider.System);
            await first.Server.ApiKeys.RevokeAsync(record.Id);
        }
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Detection.Enabled = false;
            o.Urls = "http://0.0.0.0:0";
        }, dir);
        var keys = server.Server.ApiKeys;
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var middleware = new TenantResolution(_ => Task.CompletedTask, keys, new SecurityOptions());
        foreach (var remote in new[] { "203.0.113.7", "127.0.0.1" })
        {
            var context = new DefaultHttpContext { RequestServices = services };
            context.Request.Path = "/api/v1/series";
            context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
            await middleware.InvokeAsync(context);
            context.Response.StatusCode.Should().Be(StatusCodes.Status401Unauthorized, $"a client at {remote} sent no key");
        }
    }

    [Fact]
    public async Task A_server_that_never_had_a_key_serves_only_loopback_clients_unless_insecure()
    {
        await using var server = await TestServer.StartAsync(o => o.Detection.Enabled = false);
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();

        async Task<(int Status, bool Served)> Request(string remote, bool insecure)
        {
            var served = false;
            var middleware = new TenantResolution(_ => { served = true; return Task.CompletedTask; }, server.Server.ApiKeys,
                new SecurityOptions { Insecure = insecure });
            var context = new DefaultHttpContext { RequestServices = services };
            context.Request.Path = "/api/v1/series";
            context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
            await middleware.InvokeAsync(context);
            return (context.Response.StatusCode, served);
        }

        (await Request("203.0.113.7", insecure: false)).Should().Be((StatusCodes.Status401Unauthorized, false));
        (await Request("::ffff:203.0.113.7", insecure: false)).Should().Be((StatusCodes.Status401Unauthorized, false));
        (await Request("127.0.0.1", insecure: false)).Should().Be((StatusCodes.Status200OK, true));
        (await Request("::ffff:127.0.0.1", insecure: false)).Should().Be((StatusCodes.Status200OK, true));
        (await Request("203.0.113.7", insecure: true)).Should().Be((StatusCodes.Status200OK, true));
    }
}
