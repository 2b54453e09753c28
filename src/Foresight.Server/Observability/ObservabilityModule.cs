using System.Diagnostics;
using Foresight.Ingestion;
using Foresight.Series;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Foresight.Server.Observability;

/// <summary>Whether the server takes requests: false until the store is open and the server listens, and again while it stops.</summary>
public sealed class Readiness
{
    /// <summary>True while the server serves.</summary>
    public bool Ready { get; set; }
}

/// <summary>
/// Self-observability: the server's own metrics (<see cref="ServerMetrics"/>, with every request's duration by
/// route, method and status), <c>/metrics</c> in the Prometheus text format, <c>/healthz</c>, <c>/readyz</c> and
/// the index at <c>/</c>. None of them needs an API key.
/// </summary>
public static class ObservabilityModule
{
    /// <summary>Adds <see cref="ServerMetrics"/> and <see cref="Readiness"/>.</summary>
    public static IServiceCollection AddObservability(this IServiceCollection services)
    {
        services.AddSingleton<ServerMetrics>();
        services.AddSingleton<Readiness>();
        return services;
    }

    /// <summary>Records each request's duration in <see cref="ServerMetrics.RequestDuration"/>, by route pattern (<c>unmatched</c> when none), method and status.</summary>
    public static IApplicationBuilder UseRequestMetrics(this IApplicationBuilder app) => app.Use(RecordDuration);

    /// <summary>Maps <c>GET /metrics</c>, <c>GET /healthz</c>, <c>GET /readyz</c> and <c>GET /</c>.</summary>
    public static IEndpointRouteBuilder MapObservabilityApi(this IEndpointRouteBuilder app)
    {
        var ops = app.MapGroup("").WithTags("Observability");
        ops.MapGet("/metrics", Metrics).Produces<string>(StatusCodes.Status200OK, "text/plain");
        // Liveness: "ok" while the process runs, with the ingest feed's figures (a consumer that sheds is behind, not dead).
        ops.MapGet("/healthz", Health);
        ops.MapGet("/readyz", Ready).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        ops.MapGet("/", () => TypedResults.Ok(new IndexResponse("foresight", "/api/v1/series", "/api/v1/scaling", "/api/v1/recommendations", "/metrics")));
        return app;
    }

    private static async Task<ContentHttpResult> Metrics(ServerMetrics metrics, ITimeSeriesStore store, IIngestFeed feed, CancellationToken cancellationToken) =>
        TypedResults.Text(metrics.Render(await store.GetStatsAsync(cancellationToken), feed.Consumers()), "text/plain; version=0.0.4; charset=utf-8");

    private static Ok<HealthResponse> Health(IIngestFeed feed, IngestFeedOptions options)
    {
        var consumers = feed.Consumers();
        var window = (int)options.RecentShedWindow.TotalSeconds;
        var detection = consumers.FirstOrDefault(c => c.Consumer == DetectionConsumer) is { } d
            ? DetectionHealth.From(d, window)
            : new DetectionHealth("off", 0, 0, 0, window, null);
        return TypedResults.Ok(new HealthResponse("ok", detection, new FeedHealth([.. consumers.Select(c => ConsumerHealth.From(c, window))])));
    }

    /// <summary>The name under which live detection reads the ingest feed (<c>DetectionPipeline.ConsumerName</c>; not referenced, so Observability stays a leaf).</summary>
    private const string DetectionConsumer = "detection";

    private static Results<Ok<StatusResponse>, ProblemHttpResult> Ready(Readiness readiness) => readiness.Ready
        ? TypedResults.Ok(new StatusResponse("ready"))
        : TypedResults.Problem("The store is still opening.", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready");

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

    /// <summary><c>{"status":"ready"}</c>.</summary>
    public sealed record StatusResponse(string Status);

    /// <summary>
    /// <c>GET /healthz</c>: <c>status</c> is <c>ok</c> while the process runs; <c>detection</c> says whether live
    /// detection keeps up; <c>feed</c> has the ingest feed's figures.
    /// </summary>
    public sealed record HealthResponse(string Status, DetectionHealth Detection, FeedHealth Feed);

    /// <summary>
    /// Whether live detection keeps up: <c>status</c> is <c>ok</c>, <c>behind</c> (points were shed for it within the
    /// last <c>recentWindowSeconds</c>: stored but not scored) or <c>off</c> (detection disabled).
    /// </summary>
    public sealed record DetectionHealth(string Status, long PendingPoints, long ShedPoints, long RecentShedPoints, int RecentWindowSeconds,
        DateTimeOffset? LastShed)
    {
        /// <summary>The detection consumer's figures.</summary>
        public static DetectionHealth From(IngestConsumerStats stats, int window) => new(StatusOf(stats), stats.PendingPoints, stats.ShedPoints,
            stats.RecentShedPoints, window, stats.LastShed);
    }

    /// <summary>The ingest feed's consumers, in subscription order.</summary>
    public sealed record FeedHealth(IReadOnlyList<ConsumerHealth> Consumers);

    /// <summary>
    /// One consumer of the ingest feed: <c>behind</c> when it had points shed within the recent window, else <c>ok</c>;
    /// batches and points waiting, delivered and shed (accepted and stored, never handed to it) since start, and shed recently.
    /// </summary>
    public sealed record ConsumerHealth(string Consumer, string Status, int PendingBatches, long PendingPoints, long DeliveredBatches, long DeliveredPoints,
        long ShedBatches, long ShedPoints, long RecentShedPoints, int RecentWindowSeconds, DateTimeOffset? LastShed)
    {
        /// <summary>The figures of <paramref name="stats"/>.</summary>
        public static ConsumerHealth From(IngestConsumerStats stats, int window) => new(stats.Consumer, StatusOf(stats), stats.PendingBatches,
            stats.PendingPoints, stats.DeliveredBatches, stats.DeliveredPoints, stats.ShedBatches, stats.ShedPoints, stats.RecentShedPoints, window,
            stats.LastShed);
    }

    private static string StatusOf(IngestConsumerStats stats) => stats.RecentShedPoints > 0 ? "behind" : "ok";

    /// <summary>The index at <c>/</c>: where the main APIs and the metrics are.</summary>
    public sealed record IndexResponse(string Name, string Api, string Scaling, string Recommendations, string Metrics);
}
