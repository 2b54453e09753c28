using Foresight.Scraping;
using Foresight.Series;
using Foresight.Server.Hosting;
using Foresight.Tests.Scraping;
using Foresight.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Foresight.Server.Tests.Ingestion;

/// <summary>The scraper writing into the server's real store (what <c>ScrapeService</c> wires up).</summary>
public sealed class ScrapeIntoStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly long NowMs = Now.ToUnixTimeMilliseconds();

    private readonly HttpClient _http = Scraper.CreateHttpClient();
    private MetricsServer _server = null!;

    public async Task InitializeAsync() => _server = await MetricsServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _http.Dispose();
    }

    private static ScrapeConfig Config(string address) => ScrapeConfig.Load($"""
        scrape:
          interval: 15s
          timeout: 10s
          tenant: team-a
          jobs:
            - job_name: app
              static_configs:
                - targets: ["{address}"]
        """);

    [Fact]
    public async Task A_sample_the_store_refuses_is_dropped_and_the_others_of_the_scrape_are_stored()
    {
        // One exported sample carries a timestamp beyond the retention period (an exporter re-exposing an old event's time).
        _server.Body = $"fresh_a 1\nstale 2 {NowMs - 40L * 86_400_000}\nfresh_b 3\n";
        using var dir = new TempDirectory();
        await using var opened = StoreFactory.Open(dir.Path, new StoreOptions { SyncWrites = false, Time = new FakeTimeProvider(Now) });
        var store = opened.Series;
        await using var scraper = new Scraper(Config(_server.Address), _http, store, new FakeTimeProvider(Now), NullLogger.Instance);

        var result = await scraper.ScrapeOnceAsync(scraper.Targets[0], CancellationToken.None);

        result.Up.Should().BeTrue();
        result.AppendError.Should().StartWith("1 of 3 samples were not stored: stale{").And.Contain("retention");
        SeriesSelector.TryParse("{job=\"app\"}", out var selector, out _).Should().BeTrue();
        (await store.FindAsync("team-a", selector!)).Select(s => s.Metric).Should()
            .BeEquivalentTo(["fresh_a", "fresh_b", "up", "scrape_duration_seconds", "scrape_samples_scraped"]);
    }
}
