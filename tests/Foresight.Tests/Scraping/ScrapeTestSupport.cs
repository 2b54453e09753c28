using System.Net;
using System.Net.Sockets;
using Foresight.Series;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Foresight.Tests.Scraping;

/// <summary>A real HTTP server on 127.0.0.1 serving whatever the test sets as the next /metrics response.</summary>
internal sealed class MetricsServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private MetricsServer(WebApplication app) => _app = app;

    public string Body { get; set; } = "";

    /// <summary>When set, renders each response instead of <see cref="Body"/>, given the request's number (1, 2, ...).</summary>
    public Func<int, string>? Render { get; set; }
    public int StatusCode { get; set; } = 200;
    public string ContentType { get; set; } = "text/plain; version=0.0.4; charset=utf-8";
    public TimeSpan Delay { get; set; }
    public int Requests;
    public string? LastAccept { get; private set; }

    public string Address => new Uri(_app.Urls.Single()).Authority;

    public static async Task<MetricsServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new MetricsServer(app);
        app.MapGet("/metrics", async (HttpContext context) =>
        {
            var number = Interlocked.Increment(ref server.Requests);
            server.LastAccept = context.Request.Headers.Accept.ToString();
            if (server.Delay > TimeSpan.Zero) await Task.Delay(server.Delay, context.RequestAborted);
            context.Response.StatusCode = server.StatusCode;
            context.Response.ContentType = server.ContentType;
            await context.Response.WriteAsync(server.Render?.Invoke(number) ?? server.Body, context.RequestAborted);
        });
        await app.StartAsync();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A sink that records every batch, thread-safe.</summary>
internal sealed class RecordingSink
{
    private readonly Lock _lock = new();
    private readonly List<(string Tenant, SeriesWrite Write)> _writes = [];

    public Func<AppendResult>? Answer { get; set; }

    public ValueTask<AppendResult> AppendAsync(string tenant, IReadOnlyList<SeriesWrite> batch, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            foreach (var write in batch) _writes.Add((tenant, write));
        }
        return ValueTask.FromResult(Answer?.Invoke() ?? AppendResult.Ok(batch.Sum(w => w.Points.Count), 0, []));
    }

    public IReadOnlyList<(string Tenant, SeriesWrite Write)> Writes
    {
        get
        {
            lock (_lock) return [.. _writes];
        }
    }

    public IReadOnlyList<SeriesWrite> Series(string metric) => [.. Writes.Select(w => w.Write).Where(w => w.Metric == metric)];
}

internal static class FreePort
{
    /// <summary>A loopback port that was free a moment ago (nothing listens on it).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
