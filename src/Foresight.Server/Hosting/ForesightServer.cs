using Foresight.Ingestion;
using Foresight.Security;
using Foresight.Series;
using Foresight.Server.Demo;
using Foresight.Server.Observability;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Foresight.Server.Hosting;

/// <summary>
/// The Foresight HTTP server: the store, the ingestion, query and operational APIs and the background
/// services, in one object that the CLI, tests and benchmarks start in-process: <see cref="StartAsync"/>
/// for the defaults, <see cref="CreateBuilder"/> to choose the store or change services first.
/// </summary>
public sealed class ForesightServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly OpenedStore _store;
    private readonly Readiness _readiness;

    internal ForesightServer(WebApplication app, OpenedStore store)
    {
        _app = app;
        _store = store;
        _readiness = app.Services.GetRequiredService<Readiness>();
    }

    /// <summary>A builder of a server with <paramref name="options"/>, on the embedded SQLite store unless it is told otherwise.</summary>
    public static ForesightServerBuilder CreateBuilder(ForesightServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ForesightServerBuilder(options);
    }

    /// <summary>
    /// Starts a server with <paramref name="options"/> on the embedded SQLite store (see <see cref="ForesightServerBuilder.StartAsync"/>);
    /// <paramref name="logging"/>, when given, replaces the default console logging.
    /// </summary>
    public static Task<ForesightServer> StartAsync(ForesightServerOptions options, Action<ILoggingBuilder>? logging = null,
        CancellationToken cancellationToken = default)
    {
        var builder = CreateBuilder(options);
        if (logging is not null) builder.ConfigureLogging(logging);
        return builder.StartAsync(cancellationToken);
    }

    /// <summary>A service of the running server (for tests and embedding hosts).</summary>
    public T Services<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    /// <summary>The store behind the server.</summary>
    public ITimeSeriesStore Store => _store.Series;

    /// <summary>The API keys the server accepts.</summary>
    public IApiKeyStore ApiKeys => _store.ApiKeys;

    /// <summary>The write path of ingested data (store, then the consumers: detection, scaling), as the ingest endpoints use it.</summary>
    public IngestWriter Ingest => _app.Services.GetRequiredService<IngestWriter>();

    /// <summary>True once the store is open and the server listens.</summary>
    public bool Ready => _readiness.Ready;

    /// <summary>The addresses actually bound (with the real port when 0 was asked for).</summary>
    public IReadOnlyList<string> Urls =>
        _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];

    /// <summary>Completes when the demo backfill is stored (immediately when not in demo mode).</summary>
    public Task DemoBackfilled =>
        _app.Services.GetServices<IHostedService>().OfType<DemoFeeder>().FirstOrDefault()?.BackfillDone.Task ?? Task.CompletedTask;

    /// <summary>Waits until the host is asked to stop (Ctrl+C or SIGTERM).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops listening, then checkpoints and closes the store.</summary>
    public async ValueTask DisposeAsync()
    {
        _readiness.Ready = false;
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _store.DisposeAsync();
    }
}
