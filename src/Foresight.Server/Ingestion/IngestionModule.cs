using Foresight.Ingestion;
using Foresight.Scraping;
using Foresight.Series;
using Foresight.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Foresight.Server.Ingestion;

/// <summary>
/// Ingestion: the write path (<see cref="IngestWriter"/>: the store, then the consumers of the <see cref="IIngestFeed"/>), the push endpoints
/// (<see cref="IngestApi"/>: JSON, Prometheus remote-write, OTLP/HTTP), and the scrape jobs of the config
/// file with their status (<see cref="TargetsApi"/>).
/// </summary>
public static class IngestionModule
{
    /// <summary>
    /// Adds the in-process <see cref="IIngestFeed"/> (one queue of <paramref name="feed"/>'s capacity per consumer), the
    /// <see cref="IngestWriter"/> over the registered store and it, and, when <paramref name="scrape"/> has jobs, the scraper.
    /// </summary>
    public static IServiceCollection AddIngestion(this IServiceCollection services, ScrapeConfig scrape, IngestFeedOptions feed)
    {
        services.AddSingleton(feed);
        services.AddSingleton<IIngestFeed>(sp => new InProcessIngestFeed(feed, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<InProcessIngestFeed>>()));
        services.AddSingleton(sp => new IngestWriter(sp.GetRequiredService<ITimeSeriesStore>(), sp.GetRequiredService<IIngestFeed>()));
        if (scrape.Jobs.Count > 0)
        {
            services.AddSingleton(scrape);
            services.AddSingleton<ScrapeService>();
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ScrapeService>());
        }
        return services;
    }

    /// <summary>Maps <c>POST /api/v1/ingest</c>, <c>POST /api/v1/write</c>, <c>POST /v1/metrics</c> and <c>GET /api/v1/targets</c>.</summary>
    public static IEndpointRouteBuilder MapIngestionApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Ingestion");
        // No Accepts(...): it would make routing answer 415 itself for other content types, which these endpoints never did.
        api.MapPost("/ingest", IngestApi.IngestJson).DisableAntiforgery()
            .WithDocumentedBody("A batch of series and their points (docs/ingestion.md), optionally gzip-encoded.", binary: false, "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status507InsufficientStorage);
        api.MapPost("/write", IngestApi.RemoteWrite).DisableAntiforgery()
            .WithDocumentedBody("A snappy-compressed Prometheus remote-write WriteRequest.", binary: true, IngestApi.Protobuf)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status507InsufficientStorage);
        api.MapGet("/targets", TargetsApi.Get);
        app.MapGroup("/v1").WithTags("Ingestion")
            .MapPost("/metrics", IngestApi.Otlp).DisableAntiforgery()
            .WithDocumentedBody("An OTLP ExportMetricsServiceRequest, as protocol buffers or JSON.", binary: true, IngestApi.Protobuf, "application/json")
            .Produces<byte[]>(StatusCodes.Status200OK, IngestApi.Protobuf, "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }
}
