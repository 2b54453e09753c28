using Foresight.Ingestion;
using Foresight.Series;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Foresight.Tests.Ingestion;

public sealed class InProcessIngestFeedTests
{
    private static IngestBatch Batch(int points) =>
        new("t", [new AppendedSeries(new SeriesInfo(1, "t", "m", Labels.Empty), [.. Enumerable.Range(0, points).Select(i => new Point(i, i))])]);

    [Fact]
    public async Task Each_consumer_gets_every_batch_and_a_full_queue_sheds_for_that_consumer_alone_counted_and_logged_at_most_once_per_interval()
    {
        var clock = new FakeTimeProvider();
        var log = new ListLogger();
        var feed = new InProcessIngestFeed(new IngestFeedOptions { Capacity = 2, ShedLogInterval = TimeSpan.FromSeconds(10) }, clock, log);
        var slow = feed.Subscribe("slow");
        var fast = feed.Subscribe("fast");
        FluentActions.Invoking(() => feed.Subscribe("fast")).Should().Throw<ArgumentException>();

        for (var i = 1; i <= 5; i++)
        {
            await feed.PublishAsync(Batch(i));
            if (i <= 3) fast.TryRead(out _).Should().BeTrue();
        }
        clock.Advance(TimeSpan.FromSeconds(11));
        await feed.PublishAsync(Batch(10));

        var stats = feed.Consumers();
        stats.Select(s => s.Consumer).Should().Equal("slow", "fast");
        var now = clock.GetUtcNow();
        stats[0].Should().Be(new IngestConsumerStats("slow", 2, 3, 0, 0, 4, 3 + 4 + 5 + 10, 3 + 4 + 5 + 10, now));
        stats[1].Should().Be(new IngestConsumerStats("fast", 2, 4 + 5, 3, 1 + 2 + 3, 1, 10, 10, now),
            "fast read three and left two queued, so the last batch found its queue full too");
        log.Messages.Should().HaveCount(3, "the first shed of each consumer is logged at once, the rest once the interval has passed");
        log.Messages[0].Should().Be("Ingest feed consumer 'slow' is behind: 1 batches (3 points) not handed to it in the last 0 s, 3 points since start (its queue holds at most 2 batches and 1000000 points)");
        log.Messages[1].Should().StartWith("Ingest feed consumer 'slow' is behind: 3 batches (19 points) not handed to it in the last 11 s, 22 points since start");
        log.Messages[2].Should().StartWith("Ingest feed consumer 'fast' is behind: 1 batches (10 points)");

        slow.TryRead(out var first).Should().BeTrue();
        first!.Points.Should().Be(1, "a consumer reads its batches in publication order");
        feed.Consumers()[0].Should().Be(new IngestConsumerStats("slow", 1, 2, 1, 1, 4, 22, 22, now));
    }

    [Fact]
    public async Task A_queue_is_bounded_in_points_too_and_the_recent_shed_count_covers_the_window_only()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:30Z"));
        var feed = new InProcessIngestFeed(new IngestFeedOptions { CapacityPoints = 10, RecentShedWindow = TimeSpan.FromMinutes(2) }, clock, new ListLogger());
        var reader = feed.Subscribe("detection");
        await feed.PublishAsync(Batch(25));   // larger than the bound, but the queue is empty: it passes
        await feed.PublishAsync(Batch(1));    // shed: 26 points would be queued
        reader.TryRead(out _).Should().BeTrue();
        await feed.PublishAsync(Batch(6));
        await feed.PublishAsync(Batch(4));    // 10: at the bound, queued
        await feed.PublishAsync(Batch(1));    // shed
        var stats = feed.Consumers()[0];
        (stats.PendingBatches, stats.PendingPoints, stats.ShedBatches, stats.ShedPoints, stats.RecentShedPoints).Should().Be((2, 10L, 2L, 2L, 2L));

        clock.Advance(TimeSpan.FromMinutes(1));
        reader.TryRead(out _).Should().BeTrue();
        reader.TryRead(out _).Should().BeTrue();
        await feed.PublishAsync(Batch(11));   // queue empty again: passes
        await feed.PublishAsync(Batch(3));    // shed, a minute later
        feed.Consumers()[0].RecentShedPoints.Should().Be(5);
        clock.Advance(TimeSpan.FromMinutes(1));
        feed.Consumers()[0].RecentShedPoints.Should().Be(3, "the first minute's sheds have left the 2-minute window");
        clock.Advance(TimeSpan.FromMinutes(1));
        stats = feed.Consumers()[0];
        (stats.RecentShedPoints, stats.ShedPoints, stats.LastShed).Should().Be((0L, 5L, DateTimeOffset.Parse("2026-01-01T00:01:30Z")));
    }

    [Fact]
    public async Task A_paced_publish_waits_for_a_full_consumer_to_read_and_a_cancelled_one_is_shed_and_counted()
    {
        var clock = new FakeTimeProvider();
        var feed = new InProcessIngestFeed(new IngestFeedOptions { CapacityPoints = 10 }, clock, new ListLogger());
        var fast = feed.Subscribe("fast");
        var slow = feed.Subscribe("slow");
        await feed.PublishPacedAsync(Batch(8), CancellationToken.None);
        fast.TryRead(out _).Should().BeTrue();

        var waiting = feed.PublishPacedAsync(Batch(5), CancellationToken.None).AsTask();
        waiting.IsCompleted.Should().BeFalse("slow holds 8 of its 10 points: 5 more must wait");
        feed.Consumers().Select(c => c.PendingPoints).Should().Equal([5L, 8L], "fast, in front, was handed the batch at once");
        slow.TryRead(out _).Should().BeTrue();
        await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        feed.Consumers().Select(c => (c.PendingPoints, c.ShedPoints)).Should().Equal([(5L, 0L), (5L, 0L)]);

        using var cancel = new CancellationTokenSource();
        var given = feed.PublishPacedAsync(Batch(6), cancel.Token).AsTask();
        given.IsCompleted.Should().BeFalse();
        await cancel.CancelAsync();
        await FluentActions.Awaiting(() => given).Should().ThrowAsync<OperationCanceledException>();
        feed.Consumers().Select(c => (c.PendingPoints, c.ShedBatches, c.ShedPoints)).Should().Equal([(5L, 1L, 6L), (5L, 1L, 6L)],
            "neither had room for 6 more points, so both had the batch shed when the wait was given up");
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add(formatter(state, exception));
    }
}
