using Foresight.Scraping;
using Foresight.Series;
using Foresight.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Foresight.Tests.Scraping;

public sealed class ScraperTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly long NowMs = Now.ToUnixTimeMilliseconds();

    private readonly HttpClient _http = Scraper.CreateHttpClient();
    private readonly RecordingSink _sink = new();
    private MetricsServer _server = null!;

    public async Task InitializeAsync() => _server = await MetricsServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _http.Dispose();
    }

    private static ScrapeConfig Config(string address, string interval = "15s", string timeout = "10s") => ScrapeConfig.Load($"""
        scrape:
          interval: {interval}
          timeout: {timeout}
          tenant: team-a
          jobs:
            - job_name: app
              static_configs:
                - targets: ["{address}"]
                  labels: {"{"}env: dev{"}"}
        """);

    private Scraper NewScraper(ScrapeConfig config, TimeProvider? time = null) =>
        new(config, _http, _sink.AppendAsync, time ?? new FakeTimeProvider(Now), NullLogger.Instance);

    [Fact]
    public async Task One_scrape_stores_samples_with_job_instance_and_static_labels_and_up_1()
    {
        _server.Body = """
            # TYPE requests_total counter
            requests_total{path="/a",instance="pod-7"} 5
            requests_total{path="/b"} 7 1740830000000
            temperature NaN
            """;
        await using var scraper = NewScraper(Config(_server.Address));
        var target = scraper.Targets.Single();

        var result = await scraper.ScrapeOnceAsync(target, CancellationToken.None);

        result.Should().BeEquivalentTo(new { Up = true, SamplesScraped = 3, Error = (string?)null, AppendError = (string?)null, Started = Now });
        _server.LastAccept.Should().StartWith("text/plain;version=0.0.4");
        var instance = _server.Address;
        var targetLabels = Labels.Of(("job", "app"), ("instance", instance), ("env", "dev"));
        _sink.Writes.Should().OnlyContain(w => w.Tenant == "team-a");
        _sink.Series("requests_total").Should().BeEquivalentTo(new[]
        {
            new SeriesWrite("requests_total",
                Labels.Of(("job", "app"), ("instance", instance), ("env", "dev"), ("path", "/a"), ("exported_instance", "pod-7")),
                [new Point(NowMs, 5)]),
            new SeriesWrite("requests_total", Labels.Of(("job", "app"), ("instance", instance), ("env", "dev"), ("path", "/b")),
                [new Point(1740830000000, 7)]),
        }, o => o.ComparingByMembers<SeriesWrite>().WithStrictOrdering());
        _sink.Series("temperature").Single().Points.Single().Value.Should().Be(double.NaN);
        _sink.Series("up").Should().BeEquivalentTo(new[] { new SeriesWrite("up", targetLabels, [new Point(NowMs, 1)]) }, o => o.ComparingByMembers<SeriesWrite>());
        _sink.Series("scrape_samples_scraped").Should().BeEquivalentTo(new[] { new SeriesWrite("scrape_samples_scraped", targetLabels, [new Point(NowMs, 3)]) }, o => o.ComparingByMembers<SeriesWrite>());
        var duration = _sink.Series("scrape_duration_seconds").Should().ContainSingle().Subject;
        duration.Labels.Should().Equal(targetLabels);
        duration.Points.Single().Value.Should().BeInRange(0, 10);
        result.Written.Should().HaveCount(6);

        var status = scraper.GetStatus().Single();
        status.Should().BeEquivalentTo(new { Target = target, Health = TargetHealth.Up, LastScrape = (DateTimeOffset?)Now, LastSamples = 3, LastError = (string?)null });
    }

    [Fact]
    public async Task A_series_exposed_twice_in_one_scrape_keeps_its_first_sample_as_Prometheus_does()
    {
        _server.Body = """
            queue_depth{queue="a"} 1
            queue_depth{queue="a"} 2
            queue_depth{queue="b"} 3
            queue_depth{queue="a"} 4 1740830000000
            """;
        await using var scraper = NewScraper(Config(_server.Address));

        var result = await scraper.ScrapeOnceAsync(scraper.Targets.Single(), CancellationToken.None);

        result.Up.Should().BeTrue();
        var a = _sink.Series("queue_depth").Where(w => w.Labels.Get("queue") == "a").ToList();
        a.Select(w => w.Points.Single()).Should().Equal(new Point(NowMs, 1), new Point(1740830000000, 4));
        result.AppendError.Should().StartWith("1 duplicate sample dropped, the first of each series kept (e.g. queue_depth{");
        scraper.GetStatus().Single().LastAppendError.Should().Be(result.AppendError);
    }

    [Fact]
    public async Task A_target_nobody_listens_on_is_down_with_up_0()
    {
        var address = $"127.0.0.1:{FreePort.Next()}";
        await using var scraper = NewScraper(Config(address));

        var result = await scraper.ScrapeOnceAsync(scraper.Targets[0], CancellationToken.None);

        result.Up.Should().BeFalse();
        result.Error.Should().Contain("refused");
        _sink.Writes.Select(w => w.Write).Should().BeEquivalentTo(new[]
        {
            new SeriesWrite("up", Labels.Of(("job", "app"), ("instance", address), ("env", "dev")), [new Point(NowMs, 0)]),
            new SeriesWrite("scrape_duration_seconds", Labels.Of(("job", "app"), ("instance", address), ("env", "dev")), [new Point(NowMs, result.Duration.TotalSeconds)]),
            new SeriesWrite("scrape_samples_scraped", Labels.Of(("job", "app"), ("instance", address), ("env", "dev")), [new Point(NowMs, 0)]),
        }, o => o.ComparingByMembers<SeriesWrite>().WithStrictOrdering());
        scraper.GetStatus().Single().Should().BeEquivalentTo(new { Health = TargetHealth.Down, LastError = result.Error });
    }

    [Fact]
    public async Task Http_errors_malformed_lines_and_timeouts_mark_the_target_down_with_the_reason()
    {
        var clock = new FakeTimeProvider(Now);
        await using var scraper = NewScraper(Config(_server.Address, interval: "10s", timeout: "3s"), clock);
        var target = scraper.Targets[0];

        _server.StatusCode = 500;
        (await scraper.ScrapeOnceAsync(target, CancellationToken.None)).Error.Should().Be("server returned HTTP status 500 Internal Server Error");

        _server.StatusCode = 200;
        _server.Body = "ok 1\nbroken{x=1} 2\n";
        (await scraper.ScrapeOnceAsync(target, CancellationToken.None)).Error.Should().Be("line 2: expected a quoted value for label 'x'");

        _server.Body = "ok 1\n";
        _server.Delay = TimeSpan.FromSeconds(20);
        var requests = Volatile.Read(ref _server.Requests);
        var scraping = scraper.ScrapeOnceAsync(target, CancellationToken.None);
        await Wait.UntilAsync(() => Volatile.Read(ref _server.Requests) > requests, "the slow scrape to reach the target");
        clock.Advance(TimeSpan.FromSeconds(3));                     // the scrape's timeout runs on the scraper's clock
        var slow = await scraping;
        slow.Error.Should().Be("scrape timed out after 3s");
        slow.Duration.Should().Be(TimeSpan.FromSeconds(3));

        _server.Delay = TimeSpan.Zero;
        (await scraper.ScrapeOnceAsync(target, CancellationToken.None)).Up.Should().BeTrue();
        _sink.Series("up").Select(w => w.Points[0].Value).Should().Equal(0, 0, 0, 1);
        _sink.Series("ok").Should().ContainSingle("failed scrapes store no samples");
    }

    [Fact]
    public async Task A_refusing_store_is_reported_without_marking_the_target_down()
    {
        _server.Body = "x 1\n";
        _sink.Answer = () => AppendResult.Rejected([new PointRejection(0, "x{}", 0, "too old")]);   // the last write, the report series (up, scrape_duration_seconds, scrape_samples_scraped), is named
        await using var scraper = NewScraper(Config(_server.Address));

        var result = await scraper.ScrapeOnceAsync(scraper.Targets[0], CancellationToken.None);

        result.Up.Should().BeTrue();
        result.AppendError.Should().Be("1 of 3 samples were not stored: x{}: too old");
        scraper.GetStatus()[0].Should().BeEquivalentTo(new { Health = TargetHealth.Up, LastAppendError = "1 of 3 samples were not stored: x{}: too old" });
    }

    [Fact]
    public async Task Started_loops_scrape_at_the_interval_until_stopped()
    {
        _server.Body = "x 1\n";
        var clock = new FakeTimeProvider(Now);
        var interval = TimeSpan.FromSeconds(10);
        var scraper = NewScraper(Config(_server.Address, interval: "10s", timeout: "10s"), clock);

        scraper.Start();
        scraper.IsRunning.Should().BeTrue();
        FluentActions.Invoking(scraper.Start).Should().Throw<InvalidOperationException>();
        // The loop first waits for the target's phase (under one interval) on the scraper's clock; steps of a fortieth
        // of the interval stop as soon as the first scrape reaches the target: its 10 s timeout (on the same clock)
        // would need 40 more steps, each given time to settle, while that request is in flight (a quarter interval
        // needed only 4, which a loaded machine could take for one loopback request, and the scrape then failed).
        await Wait.AdvancingUntilAsync(clock, interval / 40, () => Volatile.Read(ref _server.Requests) >= 1, "the first scrape");
        for (var scrapes = 1; scrapes <= 3; scrapes++)
        {
            var done = scrapes;
            await Wait.UntilAsync(() => _sink.Series("up").Count >= done, $"scrape {done} to be written");
            if (scrapes < 3) clock.Advance(interval);                  // one tick of the loop's timer: one more scrape
        }
        await scraper.StopAsync();
        var requests = Volatile.Read(ref _server.Requests);
        clock.Advance(10 * interval);                                  // a loop still running would scrape again now

        scraper.IsRunning.Should().BeFalse();
        Volatile.Read(ref _server.Requests).Should().Be(requests, "no scrape happens after StopAsync returned");
        _sink.Series("x").Should().OnlyContain(w => w.Labels.Get("job") == "app" && w.Labels.Get("instance") == _server.Address);
        _sink.Series("up").Should().OnlyContain(w => w.Points[0].Value == 1, scraper.GetStatus()[0].LastError);

        await scraper.DisposeAsync();
        FluentActions.Invoking(scraper.Start).Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public async Task Unknown_targets_are_refused()
    {
        await using var scraper = NewScraper(Config(_server.Address));
        var stranger = ScrapeTarget.Create("other", "127.0.0.1:1", Labels.Empty, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        await FluentActions.Awaiting(() => scraper.ScrapeOnceAsync(stranger, CancellationToken.None)).Should().ThrowAsync<ArgumentException>();
    }

    [Theory]
    [InlineData("path=/a", "job=app,instance=h:1,path=/a")]
    [InlineData("job=x,path=/a", "job=app,instance=h:1,exported_job=x,path=/a")]
    [InlineData("instance=p,exported_instance=q", "job=app,instance=h:1,exported_instance=q,exported_exported_instance=p")]
    [InlineData("", "job=app,instance=h:1")]
    public void Exposed_labels_that_clash_with_target_labels_become_exported(string exposed, string expected)
    {
        var merged = Scraper.MergeTargetLabels(Parse(exposed), Parse("job=app,instance=h:1"));

        merged.Should().Equal(Parse(expected));
    }

    private static Labels Parse(string pairs) => pairs.Length == 0
        ? Labels.Empty
        : Labels.Of([.. pairs.Split(',').Select(p => p.Split('=')).Select(p => (p[0], p[1]))]);
}
