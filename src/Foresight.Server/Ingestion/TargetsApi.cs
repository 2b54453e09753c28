using Foresight.Scraping;
using Foresight.Server.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;

namespace Foresight.Server.Ingestion;

/// <summary>
/// <c>GET /api/v1/targets</c>: the scrape targets of the config file's <c>scrape:</c> section and how their last
/// scrape went, in the spirit of Prometheus' endpoint of the same name: job, instance, URL, labels, health
/// (<c>up</c>, <c>down</c>, <c>unknown</c> before the first scrape), when and how long, samples, and why it failed
/// or why the store refused some of its samples. Only the tenant the targets are stored under sees them.
/// </summary>
public static class TargetsApi
{
    /// <summary>The targets and their last scrape; none for another tenant or without a <c>scrape:</c> section.</summary>
    internal static Ok<TargetsResponse> Get(HttpContext context)
    {
        var scrape = context.RequestServices.GetService<ScrapeService>();
        var config = context.RequestServices.GetService<ScrapeConfig>();
        if (scrape?.Scraper is not { } scraper || config is null || config.Tenant != TenantResolution.TenantOf(context))
            return TypedResults.Ok(new TargetsResponse([]));
        return TypedResults.Ok(new TargetsResponse([.. scraper.GetStatus().Select(TargetDto.From)]));
    }

    /// <summary><c>{"activeTargets":[...]}</c>, in configuration order.</summary>
    public sealed record TargetsResponse(List<TargetDto> ActiveTargets);

    /// <summary>One target and its last scrape.</summary>
    public sealed record TargetDto(string Job, string Instance, string ScrapeUrl, Dictionary<string, string> Labels, string Health,
        DateTimeOffset? LastScrape, double LastScrapeDurationSeconds, int LastSamples, string? LastError, string? LastAppendError,
        double ScrapeIntervalSeconds, double ScrapeTimeoutSeconds)
    {
        internal static TargetDto From(TargetStatus s) => new(s.Target.Job, s.Target.Instance, s.Target.Url.ToString(),
            s.Target.Labels.ToDictionary(l => l.Key, l => l.Value), s.Health.ToString().ToLowerInvariant(), s.LastScrape,
            Math.Round(s.LastDuration.TotalSeconds, 6), s.LastSamples, s.LastError, s.LastAppendError,
            s.Target.Interval.TotalSeconds, s.Target.Timeout.TotalSeconds);
    }
}
