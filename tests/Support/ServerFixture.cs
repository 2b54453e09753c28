using System.Net.Http.Headers;
using Foresight.Server.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Foresight.Tests.Support;

/// <summary>A real Foresight server on a free loopback port with its own temp data directory.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly TempDirectory _dir;
    private readonly bool _ownsDirectory;

    private TestServer(ForesightServer server, TempDirectory dir, bool ownsDirectory)
    {
        Server = server;
        _dir = dir;
        _ownsDirectory = ownsDirectory;
        BaseAddress = new Uri(server.Urls[0]);
    }

    public ForesightServer Server { get; }

    public Uri BaseAddress { get; }

    public string DataDirectory => _dir.Path;

    /// <summary>
    /// Starts a server; a <paramref name="dir"/> passed in outlives it (for restarts on the same data), and
    /// <paramref name="build"/> can change the builder (store, services) before it starts.
    /// </summary>
    public static async Task<TestServer> StartAsync(Action<ForesightServerOptions>? configure = null, TempDirectory? dir = null,
        Action<ForesightServerBuilder>? build = null)
    {
        var owns = dir is null;
        dir ??= new TempDirectory();
        var options = new ForesightServerOptions { DataDirectory = dir.Path, Urls = "http://127.0.0.1:0" };
        options.Store.SyncWrites = false;
        configure?.Invoke(options);
        try
        {
            var builder = ForesightServer.CreateBuilder(options).ConfigureLogging(_ => { });
            build?.Invoke(builder);
            var server = await builder.StartAsync();
            return new TestServer(server, dir, owns);
        }
        catch
        {
            if (owns) dir.Dispose();
            throw;
        }
    }

    /// <summary>Starts a server on <paramref name="clock"/> with anomaly detection off (the scaling tests' set-up).</summary>
    public static Task<TestServer> StartOnClockAsync(FakeTimeProvider clock) => StartAsync(o =>
    {
        o.Time = clock;
        o.Detection.Enabled = false;
    });

    public HttpClient Client(string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (apiKey is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        if (_ownsDirectory) _dir.Dispose();
    }
}
