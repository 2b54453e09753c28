using System.Diagnostics;
using System.Net;
using Foresight.Detection.Incidents;
using Foresight.Ingestion;
using Foresight.Scraping;
using Foresight.Security;
using Foresight.Series;
using Foresight.Server.Demo;
using Foresight.Server.Detection;
using Foresight.Server.Forecasting;
using Foresight.Server.Http;
using Foresight.Server.Ingestion;
using Foresight.Server.Observability;
using Foresight.Server.Recommendations;
using Foresight.Server.Scaling;
using Foresight.Server.Security;
using Foresight.Server.Series;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Foresight.Server.Hosting;

/// <summary>
/// The Foresight HTTP server: the embedded store, the ingestion, query and operational APIs and
/// the background services, in one object that the CLI, tests and benchmarks start in-process.
/// </summary>
public sealed class ForesightServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly OpenedStore _store;

    private ForesightServer(WebApplication app, OpenedStore store)
    {
        _app = app;
        _store = store;
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
    public bool Ready { get; private set; }

    /// <summary>The addresses actually bound (with the real port when 0 was asked for).</summary>
    public IReadOnlyList<string> Urls =>
        _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];

    /// <summary>Completes when the demo backfill is stored (immediately when not in demo mode).</summary>
    public Task DemoBackfilled =>
        _app.Services.GetServices<IHostedService>().OfType<DemoFeeder>().FirstOrDefault()?.BackfillDone.Task ?? Task.CompletedTask;

    /// <summary>
    /// Opens the store (replaying its write-ahead log), checks the binding is safe, and starts
    /// listening. Throws <see cref="InvalidOperationException"/> with a user-facing message when
    /// a non-loopback address is asked for without API keys or <c>--insecure</c>.
    /// </summary>
    public static async Task<ForesightServer> StartAsync(ForesightServerOptions options, Action<ILoggingBuilder>? logging = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Store.Time = options.Time;
        var recovery = new List<string>();
        var store = StoreFactory.Open(options.DataDirectory, options.Store, recovery.Add);
        try
        {
            await CheckBindingAsync(options, store.ApiKeys, cancellationToken);
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls(options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes + 1024 * 1024);
            builder.Logging.ClearProviders();
            if (logging is not null) logging(builder.Logging);
            else builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information)
                .AddFilter("Microsoft.AspNetCore", LogLevel.Warning).AddFilter("Microsoft.Hosting", LogLevel.Warning);
            builder.Services.AddProblemDetails();
            builder.Services.ConfigureHttpJsonOptions(j =>
            {
                j.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase;
                j.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase));
            });
            builder.Services.AddSingleton(options);
            builder.Services.AddSingleton(options.Time);
            builder.Services.AddSingleton(store.Series);
            builder.Services.AddSingleton(store.Maintenance);
            builder.Services.AddSingleton(store.ApiKeys);
            builder.Services.AddSingleton(new IngestWriter(store.Series));
            builder.Services.AddSingleton<ServerMetrics>();
            builder.Services.AddHostedService<StoreMaintenance>();
            builder.Services.AddSingleton(new RequestLimits(options.MaxRequestBodyBytes));
            builder.Services.AddSingleton(new SecurityOptions { Insecure = options.Insecure });
            builder.Services.AddSingleton(sp => new ForecastCache(sp.GetRequiredService<ITimeSeriesStore>(), options.Time, options.ForecastRefreshInterval,
                sp.GetRequiredService<ILogger<ForecastCache>>()));
            builder.Services.AddHostedService(sp => sp.GetRequiredService<ForecastCache>());
            if (options.Demo) builder.Services.AddSingleton<IHostedService, DemoFeeder>();
            builder.Services.AddSingleton(new IncidentTracker());
            builder.Services.AddSingleton(options.Detection);
            builder.Services.AddSingleton<DetectionPipeline>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<DetectionPipeline>());
            var alerts = options.ConfigFile is null ? new AlertOptions() : AlertConfig.Parse(File.ReadAllText(options.ConfigFile), options.ConfigFile);
            builder.Services.AddSingleton(alerts);
            builder.Services.AddSingleton(sp => new WebhookAlerter(alerts, sp.GetRequiredService<IncidentTracker>(), new HttpClient(),
                options.Time, sp.GetRequiredService<ILogger<WebhookAlerter>>()));
            builder.Services.AddHostedService(sp => sp.GetRequiredService<WebhookAlerter>());
            var scrape = LoadScrapeConfig(options);
            var workloads = LoadWorkloads(options);
            var workloadFile = new WorkloadFile(store.DataDirectory);
            var stored = workloadFile.Load();
            builder.Services.AddSingleton(sp => new ScalingService(sp.GetRequiredService<IngestWriter>(), sp.GetRequiredService<IncidentTracker>(), options.Time, options.Scaling,
                sp.GetRequiredService<ServerMetrics>(), workloadFile, workloads, stored, sp.GetRequiredService<ILogger<ScalingService>>()));
            builder.Services.AddHostedService(sp => sp.GetRequiredService<ScalingService>());
            builder.Services.AddSingleton(sp => new RecommendationService(store.Series, sp.GetRequiredService<ScalingService>(), options.Time, options.Recommendations));
            if (scrape.Jobs.Count > 0)
            {
                builder.Services.AddSingleton(scrape);
                builder.Services.AddSingleton<ScrapeService>();
                builder.Services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ScrapeService>());
            }

            var app = builder.Build();
            var server = new ForesightServer(app, store);
            app.UseExceptionHandler();
            app.UseStatusCodePages();
            app.Use(RecordDuration);
            app.UseMiddleware<TenantResolution>();
            app.MapOpsApi(() => server.Ready);
            app.MapIngestApi();
            app.MapSeriesApi();
            app.MapForecastApi();
            app.MapDetectionApi();
            app.MapScalingApi();
            app.MapRecommendationsApi();
            app.MapCapacityApi();
            app.MapTargetsApi();
            app.MapGet("/", () => TypedResults.Ok(new
            {
                name = "foresight", api = "/api/v1/series", scaling = "/api/v1/scaling", recommendations = "/api/v1/recommendations", metrics = "/metrics",
            }));

            var logger = app.Services.GetRequiredService<ILogger<ForesightServer>>();
            foreach (var message in recovery) Log.Recovery(logger, message);
            await app.StartAsync(cancellationToken);
            server.Ready = true;
            Log.Listening(logger, string.Join(", ", server.Urls), store.DataDirectory);
            return server;
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until the host is asked to stop (Ctrl+C or SIGTERM).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops listening, then checkpoints and closes the store.</summary>
    public async ValueTask DisposeAsync()
    {
        Ready = false;
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _store.DisposeAsync();
    }

    /// <summary>Reads the config file's scrape section; errors name the file and line.</summary>
    private static ScrapeConfig LoadScrapeConfig(ForesightServerOptions options)
    {
        if (options.ConfigFile is null) return ScrapeConfig.Empty;
        if (!File.Exists(options.ConfigFile)) throw new InvalidOperationException($"--config: {options.ConfigFile} does not exist");
        if (!ScrapeConfig.TryParse(File.ReadAllText(options.ConfigFile), out var config, out var error))
        {
            throw new InvalidOperationException($"{options.ConfigFile}: {error}");
        }
        return config;
    }

    /// <summary>The config file's workloads, then the demo's (a name the config file uses is left to it).</summary>
    private static List<(string Tenant, WorkloadSource Source, WorkloadSpec Spec)> LoadWorkloads(ForesightServerOptions options)
    {
        var result = new List<(string, WorkloadSource, WorkloadSpec)>();
        if (options.ConfigFile is not null)
        {
            foreach (var (tenant, spec) in WorkloadConfig.Parse(File.ReadAllText(options.ConfigFile), options.ConfigFile))
            {
                result.Add((tenant, WorkloadSource.Config, spec));
            }
        }
        if (options.Demo)
        {
            foreach (var spec in DemoFeeder.Workloads())
            {
                if (!result.Any(w => w.Item1 == TenantResolution.DefaultTenant && w.Item3.Name == spec.Name))
                {
                    result.Add((TenantResolution.DefaultTenant, WorkloadSource.Demo, spec));
                }
            }
        }
        return result;
    }

    private static async ValueTask CheckBindingAsync(ForesightServerOptions options, IApiKeyStore keys, CancellationToken cancellationToken)
    {
        if (options.Insecure || (await keys.ListAsync(cancellationToken)).Count > 0) return;
        foreach (var url in options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0"), UriKind.Absolute, out var uri))
            {
                throw new InvalidOperationException($"--urls: '{url}' is not a valid URL (expected e.g. http://127.0.0.1:5080)");
            }
            var loopback = uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
            if (!loopback)
            {
                throw new InvalidOperationException(
                    $"Refusing to listen on {url} with no API keys configured: anyone who can reach it could read and write every series. " +
                    "Create a key first (foresight keys create --tenant NAME), or pass --insecure to accept the risk.");
            }
        }
    }

    private static async Task RecordDuration(HttpContext context, RequestDelegate next)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
            context.RequestServices.GetRequiredService<ServerMetrics>().RequestDuration.Record(
                Stopwatch.GetElapsedTime(start).TotalSeconds,
                new KeyValuePair<string, object?>("route", route),
                new KeyValuePair<string, object?>("method", context.Request.Method),
                new KeyValuePair<string, object?>("status", context.Response.StatusCode));
        }
    }
}
