using Foresight.Series;

namespace Foresight.Scraping;

/// <summary>Whether a target answered its last scrape.</summary>
public enum TargetHealth
{
    /// <summary>Not scraped yet.</summary>
    Unknown,

    /// <summary>The last scrape fetched and parsed the exposition (<c>up</c> = 1).</summary>
    Up,

    /// <summary>The last scrape failed: connection, HTTP status, timeout or a malformed line (<c>up</c> = 0).</summary>
    Down,
}

/// <summary>The outcome of one scrape of one target.</summary>
/// <param name="Target">The target scraped.</param>
/// <param name="Started">When the scrape began; samples without their own timestamp carry this time.</param>
/// <param name="Duration">How long fetching and parsing took (the value of <c>scrape_duration_seconds</c>).</param>
/// <param name="Up">Whether the scrape succeeded (the value of <c>up</c>).</param>
/// <param name="SamplesScraped">Samples parsed from the exposition (the value of <c>scrape_samples_scraped</c>).</param>
/// <param name="Error">Why the scrape failed, or null.</param>
/// <param name="Written">Everything handed to the sink: the samples with target labels, then the synthetic series.</param>
/// <param name="AppendError">Why the sink refused or failed to store a batch, or null when both batches were accepted.</param>
public sealed record ScrapeResult(ScrapeTarget Target, DateTimeOffset Started, TimeSpan Duration, bool Up, int SamplesScraped,
    string? Error, IReadOnlyList<SeriesWrite> Written, string? AppendError);

/// <summary>What the API shows about one target.</summary>
/// <param name="Target">The target.</param>
/// <param name="Health">The outcome of the last scrape.</param>
/// <param name="LastScrape">When the last scrape began, or null before the first.</param>
/// <param name="LastDuration">How long the last scrape took.</param>
/// <param name="LastSamples">Samples parsed by the last scrape.</param>
/// <param name="LastError">Why the last scrape failed, or null.</param>
/// <param name="LastAppendError">Why storing the last scrape's samples failed, or null.</param>
public sealed record TargetStatus(ScrapeTarget Target, TargetHealth Health, DateTimeOffset? LastScrape, TimeSpan LastDuration,
    int LastSamples, string? LastError, string? LastAppendError);
