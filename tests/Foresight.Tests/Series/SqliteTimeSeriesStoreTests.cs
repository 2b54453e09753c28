using Foresight.Series;
using Foresight.Tests.Support;

namespace Foresight.Tests.Series;

public sealed class SqliteTimeSeriesStoreTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new();
    private readonly ManualTimeProvider _clock = new(Start);

    public void Dispose() => _dir.Dispose();

    private StoreOptions Options(int chunkPoints = 32) => new() { Time = _clock, ChunkPoints = chunkPoints, SyncWrites = false };

    private static SeriesWrite Write(string metric, (string, string)[] labels, params Point[] points) =>
        new(metric, Labels.Of(labels), points);

    private static async Task<List<Point>> ReadAllAsync(ITimeSeriesStore store, string tenant, long id)
    {
        var list = new List<Point>();
        (await store.ReadAsync(tenant, id, long.MinValue, long.MaxValue, list)).Should().BeTrue();
        return list;
    }

    private Point[] Regular(int n, long start, long step, Func<int, double> value) =>
        Enumerable.Range(0, n).Select(i => new Point(start + i * step, value(i))).ToArray();

    [Fact]
    public async Task Appended_points_read_back_in_order_across_sealed_chunks_checkpoints_and_restarts()
    {
        var t0 = _clock.NowMs - 3_600_000;
        var points = Regular(500, t0, 5_000, i => Math.Round(Math.Sin(i / 10.0) * 100, 2));
        long id;
        await using (var store = SqliteTimeSeriesStore.Open(_dir.Path, Options()))
        {
            (await store.AppendAsync("acme", [Write("cpu", [("host", "a")], points[..200])])).Accepted.Should().BeTrue();
            await store.CheckpointAsync();
            (await store.AppendAsync("acme", [Write("cpu", [("host", "a")], points[200..])])).Accepted.Should().BeTrue();
            id = (await store.FindAsync("acme", Sel("cpu"))).Single().Id;
            (await ReadAllAsync(store, "acme", id)).Should().Equal(points);
        }
        await using (var reopened = SqliteTimeSeriesStore.Open(_dir.Path, Options()))
        {
            (await ReadAllAsync(reopened, "acme", id)).Should().Equal(points);
            (await reopened.GetStatsAsync()).StoredPoints.Should().BeGreaterThan(400, "sealed chunks were checkpointed to the database");
        }
    }

    [FullDiskFact]
    public async Task A_batch_the_disk_refuses_is_not_stored_and_later_batches_are()
    {
        var t0 = _clock.NowMs - 3_600_000;
        var points = Regular(30, t0, 10_000, i => i);
        long id;
        await using (var store = SqliteTimeSeriesStore.Open(_dir.Path, Options()))
        {
            (await store.AppendAsync("t", [Write("rps", [], points[..10])])).Accepted.Should().BeTrue();
            using (new FullDisk(store))
            {
                await FluentActions.Awaiting(async () => await store.AppendAsync("t", [Write("rps", [], points[10..20])]))
                    .Should().ThrowAsync<StoreWriteException>().WithMessage("the write-ahead log could not be written (*); nothing of the batch was stored");
            }
            id = (await store.FindAsync("t", Sel("rps"))).Single().Id;
            (await ReadAllAsync(store, "t", id)).Should().Equal(points[..10], "the refused batch is not visible either");
            (await store.AppendAsync("t", [Write("rps", [], points[20..])])).Accepted.Should().BeTrue("the disk has room again");
            store.CloseWithoutCheckpoint();
        }
        await using var recovered = SqliteTimeSeriesStore.Open(_dir.Path, Options());
        (await ReadAllAsync(recovered, "t", id)).Should().Equal([.. points[..10], .. points[20..]], "every acknowledged batch is recovered from the log");
    }

    [Fact]
    public async Task Points_written_after_the_last_checkpoint_are_recovered_from_the_log_without_a_clean_shutdown()
    {
        var t0 = _clock.NowMs - 3_600_000;
        var points = Regular(100, t0, 10_000, i => i * 1.5);
        var crashed = SqliteTimeSeriesStore.Open(_dir.Path, Options());
        await crashed.AppendAsync("t", [Write("rps", [], points[..50])]);
        await crashed.CheckpointAsync();
        await crashed.AppendAsync("t", [Write("rps", [], points[50..])]);
        crashed.CloseWithoutCheckpoint();   // the process "dies" with the second batch only in the log

        await using var recovered = SqliteTimeSeriesStore.Open(_dir.Path, Options());
        var id = (await recovered.FindAsync("t", Sel("rps"))).Single().Id;
        (await ReadAllAsync(recovered, "t", id)).Should().Equal(points);
    }

    [Fact]
    public async Task A_log_record_recovery_cannot_apply_is_refused_naming_the_segment_and_the_log_is_kept()
    {
        var t0 = _clock.NowMs - 60_000;
        var crashed = SqliteTimeSeriesStore.Open(_dir.Path, Options());
        (await crashed.AppendAsync("t", [Write("m", [], new Point(t0, 1))])).Accepted.Should().BeTrue();
        var segment = Directory.GetFiles(Path.Combine(_dir.Path, "wal"), "*.wal").Max()!;
        crashed.CloseWithoutCheckpoint();
        // After the acknowledged record, one of a type this build does not know (as a newer build might write).
        var acknowledged = new FileInfo(segment).Length;
        byte[] payload = [9, 0, 0, 0, 0];
        var record = new byte[8 + payload.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)payload.Length);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(4), Foresight.Series.Storage.Crc32C.Compute(payload));
        payload.CopyTo(record, 8);
        using (var file = new FileStream(segment, FileMode.Append)) file.Write(record);

        FluentActions.Invoking(() => SqliteTimeSeriesStore.Open(_dir.Path, Options())).Should().Throw<InvalidDataException>()
            .WithMessage($"{segment}: unknown write-ahead log record type 9; the data directory was left as it is*");
        // The refusal destroyed nothing: without the unknown record the acknowledged point is back.
        File.Exists(segment).Should().BeTrue("a refused recovery must not checkpoint and delete the log it did not replay");
        using (var file = new FileStream(segment, FileMode.Open)) file.SetLength(acknowledged);
        await using var recovered = SqliteTimeSeriesStore.Open(_dir.Path, Options());
        (await ReadAllAsync(recovered, "t", (await recovered.FindAsync("t", Sel("m"))).Single().Id)).Should().Equal(new Point(t0, 1));
    }

    [Fact]
    public async Task A_torn_log_tail_is_ignored_and_earlier_records_survive()
    {
        var t0 = _clock.NowMs - 60_000;
        var crashed = SqliteTimeSeriesStore.Open(_dir.Path, Options());
        await crashed.AppendAsync("t", [Write("m", [], new Point(t0, 1), new Point(t0 + 1000, 2))]);
        var segment = Directory.GetFiles(Path.Combine(_dir.Path, "wal"), "*.wal").Max()!;
        crashed.CloseWithoutCheckpoint();
        File.AppendAllText(segment, "\u0010\u0000\u0000\u0000garbage");   // a half-written record

        var messages = new List<string>();
        await using var recovered = SqliteTimeSeriesStore.Open(_dir.Path, Options(), messages.Add);
        (await ReadAllAsync(recovered, "t", (await recovered.FindAsync("t", Sel("m"))).Single().Id)).Should().Equal(new Point(t0, 1), new Point(t0 + 1000, 2));
        messages.Should().Contain(m => m.Contains("torn tail"));
    }

    [Fact]
    public async Task A_batch_with_one_bad_point_is_rejected_whole_and_names_the_series_and_point()
    {
        await using var store = SqliteTimeSeriesStore.Open(_dir.Path, Options());
        var now = _clock.NowMs;
        var result = await store.AppendAsync("t", [
            Write("good", [], new Point(now - 1000, 1)),
            Write("bad", [("pod", "x")], new Point(now - 500, 1), new Point(now + TimeSpan.FromHours(1).Ticks / 10_000, 2)),
        ]);
        result.Accepted.Should().BeFalse();
        result.Rejections.Should().ContainSingle();
        var r = result.Rejections[0];
        (r.SeriesIndex, r.PointIndex, r.Series).Should().Be((1, 1, "bad{pod=\"x\"}"));
        r.Reason.Should().Contain("in the future");
        (await store.FindAsync("t", Sel("good"))).Should().BeEmpty("a rejected batch changes nothing");
    }

    [Fact]
    public async Task Out_of_order_points_are_accepted_inside_the_window_and_rejected_outside()
    {
        var options = Options();
        options.OutOfOrderWindow = TimeSpan.FromMinutes(10);
        await using var store = SqliteTimeSeriesStore.Open(_dir.Path, options);
        var now = _clock.NowMs;
        (await store.AppendAsync("t", [Write("m", [], new Point(now, 1))])).Accepted.Should().BeTrue();
        (await store.AppendAsync("t", [Write("m", [], new Point(now - 60_000, 2))])).Accepted.Should().BeTrue();
        var late = await store.AppendAsync("t", [Write("m", [], new Point(now - 11 * 60_000, 3))]);
        late.Accepted.Should().BeFalse();
        late.Rejections[0].Reason.Should().Contain("out of order").And.Contain("10m");
        (await ReadAllAsync(store, "t", (await store.FindAsync("t", Sel("m"))).Single().Id)).Should().Equal(new Point(now - 60_000, 2), new Point(now, 1));
    }

    [Fact]
    public async Task Timestamps_outside_the_years_1_to_9999_are_refused_and_leave_the_series_writable()
    {
        var options = Options();
        options.Retention = TimeSpan.Zero;   // keep forever: nothing else bounds old timestamps
        await using var store = SqliteTimeSeriesStore.Open(_dir.Path, options);
        var now = _clock.NowMs;
        foreach (var ts in new[] { now * 1000, long.MaxValue, long.MinValue, -1_000_000_000_000_000 })
        {
            var refused = await store.AppendAsync("t", [Write("m", [], new Point(ts, 1))]);
            refused.Accepted.Should().BeFalse();
            refused.Rejections[0].Reason.Should().Be($"timestamp {ts} is not a Unix time in milliseconds between the years 1 and 9999 (is it in microseconds or nanoseconds?)");
        }
        // The earliest time allowed is stored, and a current point after it is still accepted (no overflow in the window check).
        (await store.AppendAsync("t", [Write("m", [], new Point(Point.MinTimestamp, 1))])).Accepted.Should().BeTrue();
        (await store.AppendAsync("t", [Write("m", [], new Point(now, 2))])).Accepted.Should().BeTrue();
        var late = await store.AppendAsync("t", [Write("m", [], new Point(Point.MinTimestamp, 3))]);
        late.Rejections[0].Reason.Should().Contain("out of order: 739920d older than the series' newest point");
    }

    [Fact]
    public async Task A_data_directory_whose_database_is_not_sqlite_is_refused_with_the_file_and_what_to_do()
    {
        File.WriteAllText(Path.Combine(_dir.Path, "foresight.db"), new string('x', 4096));
        FluentActions.Invoking(() => SqliteTimeSeriesStore.Open(_dir.Path, Options())).Should().Throw<InvalidDataException>()
            .WithMessage($"{Path.Combine(_dir.Path, "foresight.db")} cannot be read as a Foresight store (*file is not a database*); move it aside to start afresh, or use another --data-dir");
        // The lock was released: once the file is moved aside the directory opens.
        File.Move(Path.Combine(_dir.Path, "foresight.db"), Path.Combine(_dir.Path, "foresight.db.bad"));
        await using var store = SqliteTimeSeriesStore.Open(_dir.Path, Options());
        (await store.AppendAsync("t", [Write("m", [], new Point(_clock.NowMs, 1))])).Accepted.Should().BeTrue();
    }

    [Fact]
    public async Task A_data_directory_open_in_another_store_is_refused_as_in_use()
    {
        await using var first = SqliteTimeSeriesStore.Open(_dir.Path, Options());
        FluentActions.Invoking(() => SqliteTimeSeriesStore.Open(_dir.Path, Options())).Should().Throw<IOException>()
            .WithMessage($"The data directory {_dir.Path} is in use by another Foresight process*");
    }

    [Fact]
    public void A_data_directory_that_cannot_be_written_says_so_rather_than_in_use()
    {
        // The lock file cannot be created (as on a read-only disk): no other process is involved.
        File.CreateSymbolicLink(Path.Combine(_dir.Path, "foresight.lock"), Path.Combine(_dir.Path, "missing", "foresight.lock"));
        FluentActions.Invoking(() => SqliteTimeSeriesStore.Open(_dir.Path, Options())).Should().Throw<IOException>()
            .Where(e => !e.Message.Contains("in use"))
            .WithMessage($"The data directory {_dir.Path} cannot be created or written: *");
        var file = Path.Combine(_dir.Path, "a-file");
        File.WriteAllText(file, "");
        FluentActions.Invoking(() => SqliteTimeSeriesStore.Open(Path.Combine(file, "data"), Options())).Should().Throw<IOException>()
            .WithMessage($"The data directory {Path.Combine(file, "data")} cannot be created or written: *");
    }

    [Theory]
    [InlineData(61 * 60_000L, "1h1m")]
    [InlineData(7 * 86_400_000L, "7d")]
    [InlineData(36 * 3_600_000L, "1d12h")]
    [InlineData(330_000L, "5m30s")]
    [InlineData(12_500L, "12.5s")]
    [InlineData(-600_000L, "10m")]
    public void Durations_in_messages_keep_their_two_largest_units(long ms, string text) => SqliteTimeSeriesStore.Ms(ms).Should().Be(text);

    [Fact]
    public async Task A_duplicate_timestamp_keeps_the_newest_value_even_across_sealed_chunks()
    {
        await using var store = SqliteTimeSeriesStore.Open(_dir.Path, Options(chunkPoints: 16));
        var t0 = _clock.NowMs - 600_000;
        var points = Regular(40, t0, 1_000, i => i);
        await store.AppendAsync("t", [Write("m", [], points)]);
        await store.CheckpointAsync();
        await store.AppendAsync("t", [Write("m", [], new Point(t0 + 3_000, 99), new Point(t0 + 39_000, 77))]);
        var read = await ReadAllAsync(store, "t", (await store.FindAsync("t", Sel("m"))).Single().Id);
        read.Should().HaveCount(40);
        read[3].Should().Be(new Point(t0 + 3_000, 99));
        read[39].Should().Be(new Point(t0 + 39_000, 77));
    }

    [Theory]
    [InlineData(NonFinitePolicy.Store, true, 3)]
    [InlineData(NonFinitePolicy.Drop, true, 1)]
    [InlineData(NonFinitePolicy.Reject, false, 0)]
    public async Task NaN_and_infinity_follow_the_configured_policy(NonFinitePolicy policy, bool accepted, int stored)
    {
        var options = Options();
        options.NonFinite = policy;
        await using var store = SqliteTimeSeriesStore.Open(_dir.Path, options);
        var now = _clock.NowMs;
        var result = await store.AppendAsync("t", [Write("m", [], new Point(now - 3, 1), new Point(now - 2, double.NaN), new Point(now - 1, double.PositiveInfinity))]);
        result.Accepted.Should().Be(accepted);
        if (!accepted)
        {
            result.Rejections.Should().HaveCount(2);
            result.Rejections[0].Reason.Should().Contain("not finite");
            return;
        }
        (await ReadAllAsync(store, "t", (await store.FindAsync("t", Sel("m"))).Single().Id)).Should().HaveCount(stored);
    }

    [Fact]
    public async Task The_prometheus_staleness_marker_is_never_stored()
    {
        await using var store = SqliteTimeSeriesStore.Open(_dir.Path, Options());
        var stale = BitConverter.UInt64BitsToDouble(0x7ff0000000000002UL);
        var now = _clock.NowMs;
        var result = await store.AppendAsync("t", [Write("m", [], new Point(now - 2, 1), new Point(now - 1, stale))]);
        result.PointsDropped.Should().Be(1);
        (await ReadAllAsync(store, "t", (await store.FindAsync("t", Sel("m"))).Single().Id)).Should().Equal(new Point(now - 2, 1));
    }

    [Fact]
    public async Task Points_older_than_retention_are_rejected_and_expired_chunks_are_removed()
    {
        var options = Options(chunkPoints: 16);
        options.Retention = TimeSpan.FromDays(1);
        await using var store = SqliteTimeSeriesStore.Open(_dir.Path, options);
        var t0 = _clock.NowMs - TimeSpan.FromHours(20).Ticks / 10_000;
        (await store.AppendAsync("t", [Write("m", [], new Point(_clock.NowMs - TimeSpan.FromDays(2).Ticks / 10_000, 1))]))
            .Rejections.Single().Reason.Should().Contain("retention");
        (await store.AppendAsync("t", [Write("m", [], Regular(100, t0, 60_000, i => i))])).Accepted.Should().BeTrue();
        await store.CheckpointAsync();
        _clock.Advance(TimeSpan.FromHours(5));
        (await store.EnforceRetentionAsync()).Should().BeGreaterThan(0);
        var left = await ReadAllAsync(store, "t", (await store.FindAsync("t", Sel("m"))).Single().Id);
        left.Should().NotBeEmpty();
        left.Should().OnlyContain(p => p.Timestamp >= t0 + 16 * 60_000, "whole chunks older than the cutoff were deleted");
    }

    [Fact]
    public async Task Tenants_never_see_each_others_series()
    {
        await using var store = SqliteTimeSeriesStore.Open(_dir.Path, Options());
        var now = _clock.NowMs;
        await store.AppendAsync("a", [Write("m", [("x", "1")], new Point(now - 1, 1))]);
        await store.AppendAsync("b", [Write("m", [("x", "1")], new Point(now - 1, 2))]);
        var a = (await store.FindAsync("a", Sel("m"))).Single();
        var b = (await store.FindAsync("b", Sel("m"))).Single();
        a.Id.Should().NotBe(b.Id);
        (await store.GetAsync("b", a.Id)).Should().BeNull();
        (await store.ReadAsync("b", a.Id, 0, long.MaxValue, [])).Should().BeFalse();
        (await ReadAllAsync(store, "b", b.Id)).Single().Value.Should().Be(2);
    }

    [Fact]
    public async Task Series_ids_are_stable_across_restarts()
    {
        var now = _clock.NowMs;
        long id;
        await using (var store = SqliteTimeSeriesStore.Open(_dir.Path, Options()))
        {
            await store.AppendAsync("t", [Write("a", [], new Point(now - 1, 1)), Write("b", [("k", "v")], new Point(now - 1, 1))]);
            id = (await store.FindAsync("t", Sel("b"))).Single().Id;
        }
        await using (var store = SqliteTimeSeriesStore.Open(_dir.Path, Options()))
        {
            await store.AppendAsync("t", [Write("b", [("k", "v")], new Point(now, 2)), Write("c", [], new Point(now, 1))]);
            (await store.FindAsync("t", Sel("b"))).Single().Id.Should().Be(id);
            (await store.FindAsync("t", Sel("c"))).Single().Id.Should().BeGreaterThan(id);
        }
    }

    private static SeriesSelector Sel(string text)
    {
        SeriesSelector.TryParse(text, out var s, out var e).Should().BeTrue(e);
        return s!;
    }
}
