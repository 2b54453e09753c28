using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Foresight.Tests.Support;

/// <summary>A webhook receiver on a loopback port: records every alert POSTed to <c>/hook</c>.</summary>
public sealed class WebhookReceiver(int port) : IAsyncDisposable
{
    private WebApplication? _app;

    public string Url => $"http://127.0.0.1:{port}/hook";

    public ConcurrentQueue<JsonElement> Received { get; } = new();

    /// <summary>The status every request is answered with.</summary>
    public int Status { get; set; } = 200;

    /// <summary>Content-Length of each request (null for a chunked body, which some receivers cannot read).</summary>
    public ConcurrentQueue<long?> ContentLengths { get; } = new();

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/hook", async (HttpContext ctx) =>
        {
            ContentLengths.Enqueue(ctx.Request.ContentLength);
            Received.Enqueue(await JsonSerializer.DeserializeAsync<JsonElement>(ctx.Request.Body));
            return Results.StatusCode(Status);
        });
        await _app.StartAsync();
    }

    public async Task StopAsync()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = null;
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
