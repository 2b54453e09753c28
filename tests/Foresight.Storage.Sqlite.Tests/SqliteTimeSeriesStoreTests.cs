using Foresight.Series;
using Foresight.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Foresight.Storage.Sqlite.Tests;

/// <summary>What only the embedded store has: its write-ahead log, its database file and its data directory (the contract is in <see cref="SqliteStoreContractTests"/>).</summary>
public sealed class SqliteTimeSeriesStoreTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _clock = new(Start);

    public void Dispose() => _dir.Dispose();

    private long NowMs => _clock.GetUtcNow().ToUnixTimeMilliseconds();

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
        var t0 = NowMs - 3_600_000;
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
        var t0 = NowMs - 3_600_000;
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
    public async Task A_log_record_recovery_cannot_apply_is_refused_naming_the_segment_and_the_log_is_kept()
    {
        var t0 = NowMs - 60_000;
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
        var t0 = NowMs - 60_000;
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
    public async Task A_data_directory_whose_database_is_not_sqlite_is_refused_with_the_file_and_what_to_do()
    {
        File.WriteAllText(Path.Combine(_dir.Path, "foresight.db"), new string('x', 4096));
        FluentActions.Invoking(() => SqliteTimeSeriesStore.Open(_dir.Path, Options())).Should().Throw<InvalidDataException>()
            .WithMessage($"{Path.Combine(_dir.Path, "foresight.db")} cannot be read as a Foresight store (*file is not a database*); move it aside to start afresh, or use another --data-dir");
        // The lock was released: once the file is moved aside the directory opens.
        File.Move(Path.Combine(_dir.Path, "foresight.db"), Path.Combine(_dir.Path, "foresight.db.bad"));
        await using var store = SqliteTimeSeriesStore.Open(_dir.Path, Options());
        (await store.AppendAsync("t", [Write("m", [], new Point(NowMs, 1))])).Accepted.Should().BeTrue();
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
    [InlineData(480)]
    [InlineData(600)]
    [InlineData(4_096)]
    [InlineData(65_536)]
    public async Task Series_with_long_label_values_are_distinct_series_and_survive_a_restart(int length)
    {
        var t0 = NowMs - 60_000;
        var values = new[] { new string('a', length), new string('a', length - 1) + "b", new string('b', length), new string('a', length + 100) };
        await using (var store = SqliteTimeSeriesStore.Open(_dir.Path, Options()))
        {
            for (var i = 0; i < values.Length; i++)
            {
                var result = await store.AppendAsync("acme", [Write("kube_pod_info", [("pod", values[i])], new Point(t0, i))]);
                result.Accepted.Should().BeTrue(string.Join("; ", result.Rejections.Select(r => r.Reason)));
            }
            (await store.FindAsync("acme", Sel("kube_pod_info"))).Should().HaveCount(values.Length);
        }
        await using var reopened = SqliteTimeSeriesStore.Open(_dir.Path, Options());
        var found = await reopened.FindAsync("acme", Sel("kube_pod_info"));
        found.Select(s => s.Labels.Get("pod")).Should().BeEquivalentTo(values);
        foreach (var s in found)
        {
            (await ReadAllAsync(reopened, "acme", s.Id)).Single().Value.Should().Be(Array.IndexOf(values, s.Labels.Get("pod")));
        }
    }

    [Fact]
    public async Task A_format_1_data_directory_is_migrated_at_open_keeping_ids_points_and_the_log()
    {
        var t0 = NowMs - 60_000;
        var longPod = new string('p', 600);
        long shortId, longId;
        await using (var store = SqliteTimeSeriesStore.Open(_dir.Path, Options()))
        {
            (await store.AppendAsync("acme", [Write("cpu", [("host", "a")], new Point(t0, 1)), Write("kube_pod_info", [("pod", longPod)], new Point(t0, 2))]))
                .Accepted.Should().BeTrue();
            await store.CheckpointAsync();
            (await store.AppendAsync("acme", [Write("cpu", [("host", "a")], new Point(t0 + 1000, 3))])).Accepted.Should().BeTrue();
            shortId = (await store.FindAsync("acme", Sel("cpu"))).Single().Id;
            longId = (await store.FindAsync("acme", Sel("kube_pod_info"))).Single().Id;
            store.CloseWithoutCheckpoint();   // the last batch lives only in the write-ahead log
        }
        FormatOne.Downgrade(Path.Combine(_dir.Path, SqliteTimeSeriesStore.DatabaseFile));

        await using (var migrated = SqliteTimeSeriesStore.Open(_dir.Path, Options()))
        {
            (await ReadAllAsync(migrated, "acme", shortId)).Should().Equal(new Point(t0, 1), new Point(t0 + 1000, 3));
            (await ReadAllAsync(migrated, "acme", longId)).Should().Equal(new Point(t0, 2));
            var second = await migrated.AppendAsync("acme", [Write("kube_pod_info", [("pod", longPod + "-2")], new Point(t0, 4))]);
            second.Accepted.Should().BeTrue("format 1 refused a second long-labelled series of a tenant: {0}", string.Join("; ", second.Rejections.Select(r => r.Reason)));
        }
        FormatOne.Version(Path.Combine(_dir.Path, SqliteTimeSeriesStore.DatabaseFile)).Should().Be(SqliteDatabase.FormatVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await using var reopened = SqliteTimeSeriesStore.Open(_dir.Path, Options());
        (await reopened.FindAsync("acme", Sel("kube_pod_info"))).Should().HaveCount(2);
    }

    [Fact]
    public async Task A_data_directory_of_an_unknown_format_is_refused_naming_it()
    {
        await SqliteTimeSeriesStore.Open(_dir.Path, Options()).DisposeAsync();
        var file = Path.Combine(_dir.Path, SqliteTimeSeriesStore.DatabaseFile);
        FormatOne.SetVersion(file, "99");
        FluentActions.Invoking(() => SqliteTimeSeriesStore.Open(_dir.Path, Options())).Should().Throw<InvalidDataException>()
            .WithMessage("*written by a newer Foresight (store format 99; this build reads up to 2)*");
        FormatOne.SetVersion(file, "x");
        FluentActions.Invoking(() => SqliteTimeSeriesStore.Open(_dir.Path, Options())).Should().Throw<InvalidDataException>()
            .WithMessage("*records store format 'x', which no Foresight wrote*");
    }

    [Fact]
    public async Task A_series_the_database_refuses_for_itself_is_refused_alone_and_the_batch_stores_the_others()
    {
        var t0 = NowMs - 60_000;
        await using var store = SqliteTimeSeriesStore.Open(_dir.Path, Options());
        // A row the store does not know of takes the identity of the series about to be created: its insert breaks UNIQUE.
        FormatOne.InsertSeriesRow(Path.Combine(_dir.Path, SqliteTimeSeriesStore.DatabaseFile), 1_000_000, "acme", "victim",
            SqliteTimeSeriesStore.SerializeLabels(Labels.Of(("pod", "a"))));

        var result = await store.AppendAsync("acme", [
            Write("node_load1", [], new Point(t0, 1)),
            Write("victim", [("pod", "a")], new Point(t0, 2), new Point(t0 + 1, 3)),
            Write("fresh", [("pod", "b")], new Point(t0, 4)),
        ]);

        (result.PointsAccepted, result.PointsRejected).Should().Be((2, 2));
        var refusal = result.Rejections.Should().ContainSingle().Subject;
        (refusal.SeriesIndex, refusal.PointIndex, refusal.Series).Should().Be((1, -1, "victim{pod=\"a\"}"));
        refusal.Reason.Should().StartWith("the series could not be recorded (").And.Contain("UNIQUE");
        (await store.FindAsync("acme", SeriesSelector.All)).Select(s => s.Metric).Should().Equal("node_load1", "fresh");
        result.Stored.Select(s => s.Series.Metric).Should().Equal("node_load1", "fresh");
    }

    private static SeriesSelector Sel(string text)
    {
        SeriesSelector.TryParse(text, out var s, out var e).Should().BeTrue(e);
        return s!;
    }
}
