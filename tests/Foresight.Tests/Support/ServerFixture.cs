using System.Net.Http.Headers;
using Foresight.Server;

namespace Foresight.Tests.Support;

/// <summary>A real Foresight server on a free loopback port with its own temp data directory.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly TempDirectory _dir;

    private TestServer(ForesightServer server, TempDirectory dir)
    {
        Server = server;
        _dir = dir;
        BaseAddress = new Uri(server.Urls[0]);
    }

    public ForesightServer Server { get; }

    public Uri BaseAddress { get; }

    public string DataDirectory => _dir.Path;

    public static async Task<TestServer> StartAsync(Action<ForesightServerOptions>? configure = null, TempDirectory? dir = null)
    {
        dir ??= new TempDirectory();
        var options = new ForesightServerOptions { DataDirectory = dir.Path, Urls = "http://127.0.0.1:0" };
        options.Store.SyncWrites = false;
        configure?.Invoke(options);
        var server = await ForesightServer.StartAsync(options, logging: _ => { });
        return new TestServer(server, dir);
    }

    public HttpClient Client(string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (apiKey is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _dir.Dispose();
    }
}
