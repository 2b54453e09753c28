using Foresight.Configuration;
using Foresight.Scraping;
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
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Foresight.Server.Hosting;

/// <summary>
/// Builds a <see cref="ForesightServer"/>: chooses the store (the embedded SQLite store by default), the
/// logging, and lets a test or benchmark add or replace services; then composes every capability's module
/// (<c>AddXxx</c> for its services, <c>MapXxxApi</c> for its endpoints) and starts listening. Made by
/// <see cref="ForesightServer.CreateBuilder"/>.
/// </summary>
public sealed class ForesightServerBuilder
{
    private Func<ForesightServerOptions, Action<string>, OpenedStore> _openStore =
        (options, onRecovery) => StoreFactory.Open(options.DataDirectory, options.Store, onRecovery);
    private Action<ILoggingBuilder>? _logging;
    private readonly List<Action<IServiceCollection>> _services = [];

    internal ForesightServerBuilder(ForesightServerOptions options) => Options = options;

    /// <summary>The settings the server starts with.</summary>
    public ForesightServerOptions Options { get; }

    /// <summary>
    /// Opens the server's store with <paramref name="open"/> (given the options and a sink for what recovery did)
    /// instead of <see cref="StoreFactory.Open"/>; the server disposes it.
    /// </summary>
    public ForesightServerBuilder UseStore(Func<ForesightServerOptions, Action<string>, OpenedStore> open)
    {
        _openStore = open ?? throw new ArgumentNullException(nameof(open));
        return this;
    }

    /// <summary>Sets up logging instead of the default (one line per message on the console, ASP.NET Core's own at warning and above).</summary>
    public ForesightServerBuilder ConfigureLogging(Action<ILoggingBuilder> logging)
    {
        _logging = logging ?? throw new ArgumentNullException(nameof(logging));
        return this;
    }

    /// <summary>Changes the services after the server registered its own (a later registration of a service replaces the server's).</summary>
    public ForesightServerBuilder ConfigureServices(Action<IServiceCollection> configure)
    {
        _services.Add(configure ?? throw new ArgumentNullException(nameof(configure)));
        return this;
    }

    /// <summary>
    /// Opens the store (replaying its write-ahead log), checks the binding is safe, and starts
    /// listening. Throws <see cref="InvalidOperationException"/> with a user-facing message when
    /// a non-loopback address is asked for without API keys or <c>--insecure</c>, or the config file is wrong.
    /// </summary>
    public async Task<ForesightServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var options = Options;
        options.Store.Time = options.Time;
        var recovery = new List<string>();
        var store = _openStore(options, recovery.Add);
        try
        {
            await SecurityModule.CheckBindingAsync(options.Urls, options.Insecure, store.ApiKeys, cancellationToken);
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls(options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes + 1024 * 1024);
            builder.Logging.ClearProviders();
            if (_logging is not null) _logging(builder.Logging);
            else builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information)
                .AddFilter("Microsoft.AspNetCore", LogLevel.Warning).AddFilter("Microsoft.Hosting", LogLevel.Warning);
            var config = options.ConfigFile is null ? ForesightConfig.Empty : await ForesightConfig.LoadAsync(options.ConfigFile, cancellationToken);
            AddServices(builder.Services, options, store, config);
            foreach (var configure in _services) configure(builder.Services);

            var app = builder.Build();
            app.UseExceptionHandler();
            app.UseStatusCodePages();
            app.UseRequestMetrics();
            app.UseTenantResolution();
            app.MapObservabilityApi();
            app.MapIngestionApi();
            app.MapSeriesApi();
            app.MapForecastingApi();
            app.MapDetectionApi();
            app.MapScalingApi();
            app.MapRecommendationsApi();
            app.MapOpenApiDocument();

            var server = new ForesightServer(app, store);
            var logger = app.Services.GetRequiredService<ILogger<ForesightServer>>();
            foreach (var message in recovery) Log.Recovery(logger, message);
            await app.StartAsync(cancellationToken);
            app.Services.GetRequiredService<Readiness>().Ready = true;
            Log.Listening(logger, string.Join(", ", server.Urls), store.DataDirectory);
            return server;
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    private static void AddServices(IServiceCollection services, ForesightServerOptions options, OpenedStore store, ForesightConfig config)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<RegexTimeoutHandler>();
        services.ConfigureHttpJsonOptions(j =>
        {
            j.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase;
            j.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase));
        });
        services.AddOpenApiDocument();
        services.AddSingleton(options);
        services.AddSingleton(options.Time);
        services.AddSingleton(store.Series);
        services.AddSingleton(store.Maintenance);
        services.AddSingleton(store.ApiKeys);
        services.AddSingleton(store.State);
        services.AddSingleton(new RequestLimits(options.MaxRequestBodyBytes));
        services.AddHostedService<StoreMaintenance>();
        services.AddObservability();
        services.AddSecurity(options.Insecure);
        services.AddForecasting(options.ForecastRefreshInterval);
        if (options.Demo) services.AddDemo();
        services.AddDetection(DetectionConfig.Read(config, options.Detection), AlertConfig.Read(config));
        var scrape = ScrapeConfig.Read(config);
        services.AddScaling(options.Scaling, LoadWorkloads(options, config), store.DataDirectory);
        services.AddRecommendations(options.Recommendations);
        services.AddIngestion(scrape, options.Feed);
    }

    /// <summary>The config file's workloads, then the demo's (a name the config file uses is left to it).</summary>
    private static List<(string Tenant, WorkloadSource Source, WorkloadSpec Spec)> LoadWorkloads(ForesightServerOptions options, ForesightConfig config)
    {
        var result = new List<(string, WorkloadSource, WorkloadSpec)>();
        foreach (var (tenant, spec) in WorkloadConfig.Read(config))
        {
            result.Add((tenant, WorkloadSource.Config, spec));
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
}
