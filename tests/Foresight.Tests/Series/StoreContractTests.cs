using Foresight.Series;
using Microsoft.Extensions.Time.Testing;

namespace Foresight.Tests.Series;

/// <summary>
/// The behaviour every <see cref="ITimeSeriesStore"/> backend must have, run by each backend's test
/// project through a subclass that says how to open its store (tests/Foresight.Storage.Sqlite.Tests
/// for the embedded store; a PostgreSQL subclass runs the same tests when <c>FORESIGHT_TEST_POSTGRES</c>
/// is set). Nothing here may depend on a backend: what differs (where the data lives, how a process
/// is killed) is behind <see cref="OpenAsync"/>, <see cref="KillAsync"/> and <see cref="MaintenanceOf"/>.
/// </summary>
/// <remarks>
/// xunit makes one instance per test, so a subclass gives each instance its own empty storage
/// (a temp directory, a fresh schema); every <see cref="OpenAsync"/> of one instance opens that same
/// storage, so closing and opening again is a restart.
/// </remarks>
public abstract class StoreContractTests
{
    /// <summary>The store's clock at the start of every test (the contract's timestamps are near it).</summary>
    protected static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The clock every store of the test runs on.</summary>
    protected FakeTimeProvider Clock { get; } = new(Start);

    private long Now => Clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Opens the test's storage (empty on the first call of a test) with these rules.</summary>
    protected abstract ValueTask<ITimeSeriesStore> OpenAsync(StoreOptions options);

    /// <summary>Closes a store as a killed process would: no final checkpoint or clean shutdown; only what it made durable is left.</summary>
    protected abstract ValueTask KillAsync(ITimeSeriesStore store);

    /// <summary>The housekeeping of an open store.</summary>
    protected abstract IStoreMaintenance MaintenanceOf(ITimeSeriesStore store);

    /// <summary>Rules for a test: the test clock, small chunks (so a few hundred points span sealed chunks), no fsync.</summary>
    protected StoreOptions Options(int chunkPoints = 16) => new() { Time = Clock, ChunkPoints = chunkPoints, SyncWrites = false };

    [Fact]
    public async Task Points_read_back_in_timestamp_order_across_chunks_checkpoints_and_restarts()
    {
        var points = Regular(500, Now - 3_600_000, 5_000, i => Math.Round(Math.Sin(i / 10.0) * 100, 2));
        var shuffled = points[..200].Reverse().ToArray();   // any order within a batch (all inside the out-of-order window)
        long id;
        await using (var store = await OpenAsync(Options()))
        {
            (await store.AppendAsync("acme", [Write("cpu", [("host", "a")], shuffled)])).Accepted.Should().BeTrue();
            await MaintenanceOf(store).CheckpointAsync();
            var result = await store.AppendAsync("acme", [Write("cpu", [("host", "a")], points[200..])]);
            (result.Accepted, result.PointsAccepted, result.PointsDropped).Should().Be((true, 300, 0));
            id = (await store.FindAsync("acme", Selector("cpu"))).Single().Id;
            (await ReadAllAsync(store, "acme", id)).Should().Equal(points);
            var window = new List<Point>();
            (await store.ReadAsync("acme", id, points[10].Timestamp, points[20].Timestamp, window)).Should().BeTrue();
            window.Should().Equal(points[10..20], "from is inclusive, to exclusive");
        }
        await using (var reopened = await OpenAsync(Options()))
        {
            (await ReadAllAsync(reopened, "acme", id)).Should().Equal(points);
            (await reopened.GetStatsAsync()).SeriesCount.Should().Be(1);
        }
    }

    [Fact]
    public async Task An_accepted_batch_reports_what_it_stored_per_series()
    {
        await using var store = await OpenAsync(Options());
        var stale = BitConverter.UInt64BitsToDouble(AppendValidator.StaleNaNBits);
        var result = await store.AppendAsync("t", [
            Write("a", [], new Point(Now - 2000, 1), new Point(Now - 1000, stale)),
            Write("b", [("k", "v")], new Point(Now - 1000, 2)),
            Write("c", [], new Point(Now - 1000, stale)),
        ]);
        result.Accepted.Should().BeTrue();
        (result.PointsAccepted, result.PointsDropped).Should().Be((2, 2));
        result.Stored.Select(s => (s.Series.Metric, s.Points.Count)).Should().Equal(("a", 1), ("b", 1));
        result.Stored[1].Series.Should().Be((await store.FindAsync("t", Selector("b"))).Single());
    }

    [Fact]
    public async Task A_bulk_read_answers_each_series_of_the_tenant_in_the_order_asked()
    {
        await using var store = await OpenAsync(Options());
        var t0 = Now - 600_000;
        await store.AppendAsync("t", [
            Write("m", [("s", "1")], Regular(40, t0, 10_000, i => i)),
            Write("m", [("s", "2")], Regular(40, t0, 10_000, i => -i)),
        ]);
        await store.AppendAsync("other", [Write("m", [("s", "1")], new Point(t0, 7))]);
        var ids = (await store.FindAsync("t", Selector("m"))).ToDictionary(s => s.Labels.Get("s")!, s => s.Id);
        var foreign = (await store.FindAsync("other", Selector("m"))).Single().Id;

        var read = await store.ReadManyAsync("t", [ids["2"], foreign, 987_654, ids["1"], ids["2"]], t0 + 100_000, t0 + 200_000);

        read.Select(r => r.SeriesId).Should().Equal([ids["2"], ids["1"], ids["2"]], "unknown and other tenants' ids are left out, repeats answered");
        read[0].Points.Should().Equal(Regular(10, t0 + 100_000, 10_000, i => -(i + 10)));
        read[1].Points.Should().Equal(Regular(10, t0 + 100_000, 10_000, i => i + 10));
        (await store.ReadManyAsync("t", [], 0, long.MaxValue)).Should().BeEmpty();
    }

    [Fact]
    public async Task A_batch_with_one_bad_point_stores_the_others_and_names_the_refused_one()
    {
        await using var store = await OpenAsync(Options());
        (await store.AppendAsync("t", [Write("good", [], new Point(Now - 5000, 1))])).Accepted.Should().BeTrue();

        var result = await store.AppendAsync("t", [
            Write("good", [], new Point(Now - 1000, 2)),
            Write("new", [], new Point(Now - 1000, 3)),
            Write("bad", [("pod", "x")], new Point(Now - 500, 1), new Point(Now + 3_600_000, 2)),
        ]);

        result.Accepted.Should().BeFalse();
        (result.PointsAccepted, result.PointsRejected, result.Stored.Count).Should().Be((3, 1, 3));
        var r = result.Rejections.Should().ContainSingle().Subject;
        (r.SeriesIndex, r.PointIndex, r.Series).Should().Be((2, 1, "bad{pod=\"x\"}"));
        r.Reason.Should().Be($"timestamp {Now + 3_600_000} is 1h in the future; at most 10m ahead of the server clock is accepted");
        result.Stored[2].Points.Should().Equal(new Point(Now - 500, 1));
        (await store.FindAsync("t", SeriesSelector.All)).Select(s => s.Metric).Should().Equal(["good", "new", "bad"]);
        (await ReadAllAsync(store, "t", (await store.FindAsync("t", Selector("good"))).Single().Id))
            .Should().Equal(new Point(Now - 5000, 1), new Point(Now - 1000, 2));
        (await ReadAllAsync(store, "t", (await store.FindAsync("t", Selector("bad"))).Single().Id))
            .Should().Equal([new Point(Now - 500, 1)], "the refused point alone is left out");
    }

    [Fact]
    public async Task A_series_with_an_invalid_name_is_refused_alone_and_creates_nothing()
    {
        await using var store = await OpenAsync(Options());
        var result = await store.AppendAsync("t", [
            Write("node_load1", [], new Point(Now - 1000, 0.5)),
            Write("bad name", [("pod", "x")], new Point(Now - 1000, 1), new Point(Now - 500, 2)),
        ]);
        (result.Accepted, result.PointsAccepted, result.PointsRejected).Should().Be((false, 1, 2));
        result.Rejections.Single().Should().Be(new PointRejection(1, "bad name", -1, "metric name 'bad name' is not valid (expected [a-zA-Z_:][a-zA-Z0-9_:]*)"));
        (await store.FindAsync("t", SeriesSelector.All)).Select(s => s.Metric).Should().Equal(["node_load1"]);
    }

    [Fact]
    public async Task A_rejection_lists_twenty_points_then_how_many_more()
    {
        await using var store = await OpenAsync(Options());
        var future = Regular(25, Now + 3_600_000, 1000, i => i);
        var result = await store.AppendAsync("t", [Write("bad name", [], new Point(Now, 1)), Write("m", [], future)]);
        result.Accepted.Should().BeFalse();
        result.Rejections.Should().HaveCount(21);
        result.Rejections[0].Should().Be(new PointRejection(0, "bad name", -1, "metric name 'bad name' is not valid (expected [a-zA-Z_:][a-zA-Z0-9_:]*)"));
        result.Rejections[1].PointIndex.Should().Be(0);
        result.Rejections[^1].Should().Be(new PointRejection(-1, "", -1, "... and 6 more rejected points"));
    }

    [Fact]
    public async Task Out_of_order_points_are_accepted_inside_the_window_and_rejected_outside()
    {
        var options = Options();
        options.OutOfOrderWindow = TimeSpan.FromMinutes(10);
        await using var store = await OpenAsync(options);
        (await store.AppendAsync("t", [Write("m", [], new Point(Now, 1))])).Accepted.Should().BeTrue();
        (await store.AppendAsync("t", [Write("m", [], new Point(Now - 60_000, 2))])).Accepted.Should().BeTrue();
        var late = await store.AppendAsync("t", [Write("m", [], new Point(Now - 11 * 60_000, 3))]);
        late.Accepted.Should().BeFalse();
        late.Rejections.Single().Reason.Should().Be(
            $"timestamp {Now - 11 * 60_000} is out of order: 11m older than the series' newest point ({Now}); the out-of-order window is 10m");
        (await ReadAllAsync(store, "t", (await store.FindAsync("t", Selector("m"))).Single().Id))
            .Should().Equal(new Point(Now - 60_000, 2), new Point(Now, 1));
    }

    [Fact]
    public async Task The_out_of_order_window_counts_from_the_batchs_own_earlier_points_and_survives_a_restart()
    {
        var options = Options();
        options.OutOfOrderWindow = TimeSpan.FromMinutes(10);
        await using (var store = await OpenAsync(options))
        {
            var result = await store.AppendAsync("t", [Write("m", [], new Point(Now, 1)), Write("m", [], new Point(Now - 11 * 60_000, 2))]);
            result.Rejections.Should().ContainSingle(r => r.SeriesIndex == 1 && r.Reason.Contains("out of order"));
            (await store.AppendAsync("t", [Write("m", [], new Point(Now, 1))])).Accepted.Should().BeTrue();
        }
        await using var reopened = await OpenAsync(options);
        (await reopened.AppendAsync("t", [Write("m", [], new Point(Now - 11 * 60_000, 3))])).Accepted
            .Should().BeFalse("the newest stored point still bounds late writes after a restart");
    }

    [Fact]
    public async Task A_duplicate_timestamp_keeps_the_newest_write_across_batches_chunks_and_restarts()
    {
        var t0 = Now - 600_000;
        long id;
        await using (var store = await OpenAsync(Options()))
        {
            await store.AppendAsync("t", [Write("m", [], Regular(40, t0, 1_000, i => i))]);
            await MaintenanceOf(store).CheckpointAsync();
            (await store.AppendAsync("t", [Write("m", [], new Point(t0 + 3_000, 99), new Point(t0 + 39_000, 77))])).Accepted.Should().BeTrue();
            (await store.AppendAsync("t", [Write("m", [], new Point(t0 + 5_000, 1), new Point(t0 + 5_000, 55))])).Accepted
                .Should().BeTrue("a timestamp twice in one batch: the later one wins");
            id = (await store.FindAsync("t", Selector("m"))).Single().Id;
            Check(await ReadAllAsync(store, "t", id));
        }
        await using var reopened = await OpenAsync(Options());
        Check(await ReadAllAsync(reopened, "t", id));

        void Check(List<Point> read)
        {
            read.Should().HaveCount(40);
            read.Select(p => p.Timestamp).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
            read[3].Should().Be(new Point(t0 + 3_000, 99));
            read[5].Should().Be(new Point(t0 + 5_000, 55));
            read[39].Should().Be(new Point(t0 + 39_000, 77));
        }
    }

    [Fact]
    public async Task Points_older_than_retention_are_rejected_and_expired_data_is_removed()
    {
        var options = Options();
        options.Retention = TimeSpan.FromDays(1);
        await using var store = await OpenAsync(options);
        var tooOld = Now - 2 * 86_400_000L;
        (await store.AppendAsync("t", [Write("m", [], new Point(tooOld, 1))])).Rejections.Single().Reason.Should().Be(
            $"timestamp {tooOld} is older than the retention period (1d); start the server with a longer --retention (0 keeps data forever) to import history");
        var t0 = Now - 20 * 3_600_000L;
        var points = Regular(100, t0, 60_000, i => i);
        (await store.AppendAsync("t", [Write("m", [], points)])).Accepted.Should().BeTrue();
        await MaintenanceOf(store).CheckpointAsync();

        Clock.Advance(TimeSpan.FromHours(5));
        var cutoff = Now - 86_400_000L;
        (await MaintenanceOf(store).EnforceRetentionAsync()).Should().BeGreaterThan(0);

        var left = await ReadAllAsync(store, "t", (await store.FindAsync("t", Selector("m"))).Single().Id);
        left.Count.Should().BeLessThan(points.Length, "data older than the cutoff was removed");
        left.Should().Contain(points.Where(p => p.Timestamp >= cutoff), "nothing inside the retention period is removed");
    }

    [Fact]
    public async Task Retention_zero_keeps_data_forever()
    {
        var options = Options();
        options.Retention = TimeSpan.Zero;
        await using var store = await OpenAsync(options);
        var ancient = new DateTimeOffset(1990, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        (await store.AppendAsync("t", [Write("m", [], new Point(ancient, 1))])).Accepted.Should().BeTrue();
        (await MaintenanceOf(store).EnforceRetentionAsync()).Should().Be(0);
        (await ReadAllAsync(store, "t", (await store.FindAsync("t", Selector("m"))).Single().Id)).Should().Equal(new Point(ancient, 1));
    }

    [Fact]
    public async Task Tenants_never_see_each_others_series()
    {
        await using var store = await OpenAsync(Options());
        await store.AppendAsync("a", [Write("m", [("x", "1")], new Point(Now - 1, 1))]);
        await store.AppendAsync("b", [Write("m", [("x", "1")], new Point(Now - 1, 2))]);
        var a = (await store.FindAsync("a", Selector("m"))).Single();
        var b = (await store.FindAsync("b", Selector("m"))).Single();
        a.Id.Should().NotBe(b.Id);
        (a.Tenant, b.Tenant).Should().Be(("a", "b"));
        (await store.GetAsync("b", a.Id)).Should().BeNull();
        (await store.GetAsync("a", a.Id)).Should().Be(a);
        (await store.ReadAsync("b", a.Id, 0, long.MaxValue, [])).Should().BeFalse();
        (await store.ReadManyAsync("b", [a.Id, b.Id], 0, long.MaxValue)).Select(r => r.SeriesId).Should().Equal(b.Id);
        (await ReadAllAsync(store, "b", b.Id)).Single().Value.Should().Be(2);
        (await store.FindAsync("c", SeriesSelector.All)).Should().BeEmpty();
        (await store.TenantsAsync()).Should().Equal("a", "b");
    }

    [Fact]
    public async Task Concurrent_writers_and_readers_see_whole_batches_and_lose_none()
    {
        const int Writers = 4, Batches = 50, PointsPerBatch = 20;
        await using var store = await OpenAsync(Options());
        var t0 = Now - 3_000_000;
        using var done = new CancellationTokenSource();

        // Each batch writes the same timestamps to a writer's two series: a reader that sees a
        // timestamp in the first must find it in the second, read after it, or the batch was torn.
        async Task WriteBatches(int w)
        {
            await Task.Yield();
            for (var b = 0; b < Batches; b++)
            {
                var points = Regular(PointsPerBatch, t0 + (long)b * PointsPerBatch * 1000, 1000, i => w * 1_000_000 + b * PointsPerBatch + i);
                var result = await store.AppendAsync("t", [Write("left", [("w", $"{w}")], points), Write("right", [("w", $"{w}")], points)]);
                result.Accepted.Should().BeTrue();
            }
        }

        async Task<int> Read()
        {
            await Task.Yield();
            var checks = 0;
            while (!done.IsCancellationRequested || checks == 0)
            {
                foreach (var left in await store.FindAsync("t", Selector("left")))
                {
                    var right = (await store.FindAsync("t", Selector($"right{{w=\"{left.Labels.Get("w")}\"}}"))).Single();
                    var l = new List<Point>();
                    await store.ReadAsync("t", left.Id, long.MinValue, long.MaxValue, l);
                    var r = (await store.ReadManyAsync("t", [right.Id], long.MinValue, long.MaxValue)).Single().Points.ToHashSet();
                    (l.Count % PointsPerBatch).Should().Be(0, "a batch is visible whole or not at all");
                    r.IsSupersetOf(l).Should().BeTrue("the second series of every batch seen in the first is there");
                    checks++;
                }
            }
            return checks;
        }

        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(Read)).ToArray();
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(() => WriteBatches(w))));
        await done.CancelAsync();
        (await Task.WhenAll(readers)).Should().OnlyContain(n => n > 0);

        foreach (var series in await store.FindAsync("t", SeriesSelector.All))
        {
            var w = int.Parse(series.Labels.Get("w")!, System.Globalization.CultureInfo.InvariantCulture);
            (await ReadAllAsync(store, "t", series.Id)).Select(p => p.Value)
                .Should().Equal(Enumerable.Range(0, Batches * PointsPerBatch).Select(i => (double)(w * 1_000_000 + i)), "no acknowledged point was lost");
        }
        (await store.GetStatsAsync()).SeriesCount.Should().Be(2 * Writers);
    }

    [Fact]
    public async Task Every_acknowledged_point_survives_a_kill_and_series_keep_their_ids()
    {
        var points = Regular(300, Now - 3_000_000, 10_000, i => i * 1.5);
        var store = await OpenAsync(Options());
        (await store.AppendAsync("t", [Write("rps", [], points[..100]), Write("cpu", [("k", "v")], points[..100])])).Accepted.Should().BeTrue();
        await MaintenanceOf(store).CheckpointAsync();
        (await store.AppendAsync("t", [Write("rps", [], points[100..200])])).Accepted.Should().BeTrue();
        (await store.AppendAsync("t", [Write("rps", [], points[200..]), Write("new", [], points[200..])])).Accepted.Should().BeTrue();
        var before = (await store.FindAsync("t", SeriesSelector.All)).ToList();
        await KillAsync(store);   // the process dies: the last batches were acknowledged, never checkpointed

        await using var recovered = await OpenAsync(Options());
        (await recovered.FindAsync("t", SeriesSelector.All)).Should().Equal(before, "series keep their ids, labels and tenant");
        (await ReadAllAsync(recovered, "t", before.Single(s => s.Metric == "rps").Id)).Should().Equal(points);
        (await ReadAllAsync(recovered, "t", before.Single(s => s.Metric == "cpu").Id)).Should().Equal(points[..100]);
        (await ReadAllAsync(recovered, "t", before.Single(s => s.Metric == "new").Id)).Should().Equal(points[200..]);
        var later = await recovered.AppendAsync("t", [Write("rps", [], new Point(Now, 1)), Write("another", [], new Point(Now, 1))]);
        later.Accepted.Should().BeTrue();
        later.Stored[1].Series.Id.Should().BeGreaterThan(before.Max(s => s.Id), "a new series never reuses an id");
    }

    [Theory]
    [InlineData(NonFinitePolicy.Store, true, 3)]
    [InlineData(NonFinitePolicy.Drop, true, 1)]
    [InlineData(NonFinitePolicy.Reject, false, 1)]
    public async Task NaN_and_infinity_follow_the_configured_policy(NonFinitePolicy policy, bool accepted, int stored)
    {
        var options = Options();
        options.NonFinite = policy;
        await using var store = await OpenAsync(options);
        var result = await store.AppendAsync("t", [Write("m", [], new Point(Now - 3, 1), new Point(Now - 2, double.NaN), new Point(Now - 1, double.PositiveInfinity))]);
        result.Accepted.Should().Be(accepted);
        if (!accepted)
        {
            result.Rejections.Should().HaveCount(2).And.OnlyContain(r => r.Reason.EndsWith("is not finite and this server rejects NaN/Inf (non-finite policy 'reject')"));
            result.Rejections[0].Reason.Should().Be("value NaN is not finite and this server rejects NaN/Inf (non-finite policy 'reject')");
            (result.PointsAccepted, result.PointsDropped, result.PointsRejected).Should().Be((1, 0, 2), "the finite point is stored all the same");
        }
        else
        {
            (result.PointsAccepted, result.PointsDropped).Should().Be((stored, 3 - stored));
        }
        result.Stored.Single().Points.Should().HaveCount(stored);
        (await ReadAllAsync(store, "t", (await store.FindAsync("t", Selector("m"))).Single().Id)).Should().HaveCount(stored);
    }

    [Fact]
    public async Task The_prometheus_staleness_marker_is_never_stored()
    {
        await using var store = await OpenAsync(Options());
        var stale = BitConverter.UInt64BitsToDouble(AppendValidator.StaleNaNBits);
        var result = await store.AppendAsync("t", [Write("m", [], new Point(Now - 2, 1), new Point(Now - 1, stale))]);
        result.PointsDropped.Should().Be(1);
        (await ReadAllAsync(store, "t", (await store.FindAsync("t", Selector("m"))).Single().Id)).Should().Equal(new Point(Now - 2, 1));
    }

    [Fact]
    public async Task A_series_whose_only_points_are_staleness_markers_leaves_no_series_behind()
    {
        await using var store = await OpenAsync(Options());
        var stale = BitConverter.UInt64BitsToDouble(AppendValidator.StaleNaNBits);
        var result = await store.AppendAsync("t", [
            Write("gone", [("pod", "a")], new Point(Now - 2, stale), new Point(Now - 1, stale)),
            Write("up", [], new Point(Now - 1, 1)),
        ]);
        (result.Accepted, result.PointsAccepted, result.PointsDropped).Should().Be((true, 1, 2));
        result.Stored.Select(s => s.Series.Metric).Should().Equal(["up"]);
        (await store.FindAsync("t", SeriesSelector.All)).Select(s => s.Metric).Should().Equal(["up"]);
        (await store.AppendAsync("t", [Write("gone", [("pod", "a")], new Point(Now, stale))])).Stored.Should().BeEmpty();
        (await store.GetStatsAsync()).SeriesCount.Should().Be(1);
    }

    [Fact]
    public async Task Timestamps_outside_the_years_1_to_9999_are_refused_and_leave_the_series_writable()
    {
        var options = Options();
        options.Retention = TimeSpan.Zero;   // keep forever: nothing else bounds old timestamps
        await using var store = await OpenAsync(options);
        foreach (var ts in new[] { Now * 1000, long.MaxValue, long.MinValue, -1_000_000_000_000_000 })
        {
            var refused = await store.AppendAsync("t", [Write("m", [], new Point(ts, 1))]);
            refused.Accepted.Should().BeFalse();
            refused.Rejections[0].Reason.Should().Be($"timestamp {ts} is not a Unix time in milliseconds between the years 1 and 9999 (is it in microseconds or nanoseconds?)");
        }
        // The earliest time allowed is stored, and a current point after it is still accepted (no overflow in the window check).
        (await store.AppendAsync("t", [Write("m", [], new Point(Point.MinTimestamp, 1))])).Accepted.Should().BeTrue();
        (await store.AppendAsync("t", [Write("m", [], new Point(Now, 2))])).Accepted.Should().BeTrue();
        var late = await store.AppendAsync("t", [Write("m", [], new Point(Point.MinTimestamp, 3))]);
        late.Rejections[0].Reason.Should().Contain("out of order: 739920d older than the series' newest point");
    }

    /// <summary>A series write.</summary>
    protected static SeriesWrite Write(string metric, (string, string)[] labels, params Point[] points) => new(metric, Labels.Of(labels), points);

    /// <summary><paramref name="n"/> points <paramref name="step"/> ms apart from <paramref name="start"/>.</summary>
    protected static Point[] Regular(int n, long start, long step, Func<int, double> value) =>
        Enumerable.Range(0, n).Select(i => new Point(start + i * step, value(i))).ToArray();

    /// <summary>All points of a series, asserting it exists for the tenant.</summary>
    protected static async Task<List<Point>> ReadAllAsync(ITimeSeriesStore store, string tenant, long id)
    {
        var list = new List<Point>();
        (await store.ReadAsync(tenant, id, long.MinValue, long.MaxValue, list)).Should().BeTrue();
        return list;
    }

    /// <summary>A parsed selector.</summary>
    protected static SeriesSelector Selector(string text)
    {
        SeriesSelector.TryParse(text, out var s, out var e).Should().BeTrue(e);
        return s!;
    }
}
