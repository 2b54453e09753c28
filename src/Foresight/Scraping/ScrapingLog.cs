using Microsoft.Extensions.Logging;

namespace Foresight.Scraping;

/// <summary>
/// The scraper's log messages, source-generated (no boxing or formatting when the level is off).
/// Event ids 3100-3199 belong to scraping. To be folded into the assembly's single log class.
/// </summary>
internal static partial class ScrapingLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Information,
        Message = "Scraping {TargetCount} targets of {JobCount} jobs into tenant '{Tenant}'")]
    public static partial void Started(ILogger logger, int targetCount, int jobCount, string tenant);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Scraping stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Target {Url} of job '{Job}' is up ({Samples} samples)")]
    public static partial void TargetUp(ILogger logger, Uri url, string job, int samples);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "Target {Url} of job '{Job}' is down: {Error}")]
    public static partial void TargetDown(ILogger logger, Uri url, string job, string error);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Debug, Message = "Scraped {Samples} samples from {Url} in {DurationMs:F1} ms")]
    public static partial void Scraped(ILogger logger, int samples, Uri url, double durationMs);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Debug, Message = "Scrape of {Url} failed again: {Error}")]
    public static partial void StillDown(ILogger logger, Uri url, string error);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Warning, Message = "Samples scraped from {Url} were not stored: {Reason}")]
    public static partial void AppendRejected(ILogger logger, Uri url, string reason);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Error, Message = "Storing samples scraped from {Url} failed")]
    public static partial void SinkFailed(ILogger logger, Exception exception, Uri url);

    [LoggerMessage(EventId = 3108, Level = LogLevel.Error, Message = "Unexpected failure in the scrape loop of {Url}; the loop continues")]
    public static partial void LoopFailed(ILogger logger, Exception exception, Uri url);
}
