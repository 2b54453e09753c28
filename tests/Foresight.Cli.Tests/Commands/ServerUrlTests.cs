using System.Net;
using System.Text;
using Foresight.Tests.Support;

namespace Foresight.Cli.Tests.Commands;

/// <summary>How the CLI addresses a server: query values escaped, and a path in <c>--url</c> kept as a base (a reverse proxy prefix).</summary>
[Collection("Console")]
public sealed class ServerUrlTests
{
    [Fact]
    public async Task Capacity_escapes_the_load_and_keeps_the_path_prefix_of_the_url()
    {
        await using var proxy = RecordingServer.Start("/proxy/", """{"workload":"checkout"}""");

        var (exit, output, error) = await CliRun.Run("capacity", "check out", "--load", "1e308", "--json", "--url", proxy.Prefix.TrimEnd('/'));

        exit.Should().Be(0, error);
        output.Should().Contain("checkout");
        proxy.Requests.Should().Equal("/proxy/api/v1/capacity/check%20out?load=1E%2B308");
    }

    [Fact]
    public async Task Import_posts_beneath_the_path_prefix_of_the_url()
    {
        await using var proxy = RecordingServer.Start("/foresight/", """{"accepted":1}""");
        using var dir = new TempDirectory();
        var csv = Path.Combine(dir.Path, "one.csv");
        await File.WriteAllLinesAsync(csv, ["timestamp,value", "2024-07-01 00:00:00,1"]);

        var (exit, _, error) = await CliRun.Run("import", csv, "--metric", "m", "--url", proxy.Prefix);

        exit.Should().Be(0, error);
        proxy.Requests.Should().Equal("/foresight/api/v1/ingest");
    }

    [Fact]
    public async Task A_url_with_a_query_is_refused()
    {
        var (exit, _, error) = await CliRun.Run("recommend", "--url", "http://127.0.0.1:1/api?x=1");

        exit.Should().Be(2);
        error.Should().Contain("--url: 'http://127.0.0.1:1/api?x=1' has a query or fragment");
    }

    /// <summary>An HTTP listener under a path prefix that records each request's path and query and answers with fixed JSON.</summary>
    private sealed class RecordingServer : IAsyncDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _loop;
        private readonly List<string> _requests = [];

        private RecordingServer(string path, string answer)
        {
            Prefix = $"http://127.0.0.1:{ServerProcess.FreePort()}{path}";
            _listener.Prefixes.Add(Prefix);
            _listener.Start();
            _loop = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await _listener.GetContextAsync();
                    }
                    catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                    {
                        return;
                    }
                    lock (_requests) _requests.Add(context.Request.RawUrl!);
                    var body = Encoding.UTF8.GetBytes(answer);
                    context.Response.ContentType = "application/json";
                    await context.Response.OutputStream.WriteAsync(body);
                    context.Response.Close();
                }
            });
        }

        public string Prefix { get; }

        public IReadOnlyList<string> Requests
        {
            get
            {
                lock (_requests) return _requests.ToList();
            }
        }

        public static RecordingServer Start(string path, string answer) => new(path, answer);

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            await _loop;
            _listener.Close();
        }
    }
}
