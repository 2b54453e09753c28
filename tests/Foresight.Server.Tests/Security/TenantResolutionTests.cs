using System.Net;
using Foresight.Security;
using Foresight.Server.Security;
using Foresight.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Foresight.Server.Tests.Security;

public sealed class TenantResolutionTests
{
    [Fact]
    public async Task Revoking_the_last_key_does_not_open_a_public_server_to_other_hosts()
    {
        await using var server = await TestServer.StartAsync();
        var keys = server.Server.ApiKeys;
        var (_, record) = await ApiKeys.CreateAsync(keys, "team-a", "test", TimeProvider.System);
        (await keys.RevokeAsync(record.Id)).Should().BeTrue();
        (await keys.ListAsync()).Should().BeEmpty();
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();

        async Task<(int Status, bool Served)> Request(string remote, bool insecure)
        {
            var served = false;
            var middleware = new TenantResolution(_ => { served = true; return Task.CompletedTask; }, keys,
                new SecurityOptions { Insecure = insecure });
            var context = new DefaultHttpContext { RequestServices = services };
            context.Request.Path = "/api/v1/series";
            context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
            await middleware.InvokeAsync(context);
            return (context.Response.StatusCode, served);
        }

        (await Request("203.0.113.7", insecure: false)).Should().Be((StatusCodes.Status401Unauthorized, false),
            "the server was allowed on a public address only because keys existed");
        (await Request("::ffff:203.0.113.7", insecure: false)).Should().Be((StatusCodes.Status401Unauthorized, false));
        (await Request("127.0.0.1", insecure: false)).Should().Be((StatusCodes.Status200OK, true));
        (await Request("::ffff:127.0.0.1", insecure: false)).Should().Be((StatusCodes.Status200OK, true));
        (await Request("203.0.113.7", insecure: true)).Should().Be((StatusCodes.Status200OK, true));
    }
}
