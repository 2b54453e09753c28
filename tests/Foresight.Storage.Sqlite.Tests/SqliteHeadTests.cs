using Foresight.Series;
using Foresight.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Foresight.Storage.Sqlite.Tests;

/// <summary>
/// The compressed heads (<see cref="Foresight.Series.Chunks.HeadChunk"/>) inside the store: out-of-order points and
/// overwrites of a timestamp already held read back as a plain sorted head would give them, seals happen where the
/// chunk limits say, and checkpoints, restarts from the snapshot, log replay after a kill and retention keep them.
/// </summary>
public sealed class SqliteHeadTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private const long Step = 15_000;
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _clock = new(Start);

    public void Dispose() => _dir.Dispose();

    private long NowMs => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    [Theory]
    [InlineData(1, 32, 240)]      // sealed by ChunkPoints
    [InlineData(2, 240, 10)]      // sealed by ChunkSpan (10 minutes, 40 steps)
    [InlineData(3, 16, 5)]
    public async Task Out_of_order_points_and_overwrites_read_back_newest_first_through_seals_checkpoints_and_restarts(
        int seed, int chunkPoints, int chunkSpanMinutes)
    {
        var options = new StoreOptions
        {
            Time = _clock, ChunkPoints = chunkPoints, ChunkSpan = TimeSpan.FromMinutes(chunkSpanMinutes),
            SyncWrites = false, NonFinite = NonFinitePolicy.Store, Retention = TimeSpan.Zero,
        };
        var rng = new Random(seed);
        var model = new SortedDictionary<long, double>();
        var head = new HeadModel(chunkPoints, chunkSpanMinutes * 60_000L);
        var next = NowMs - 12 * 3_600_000L;
        var store = SqliteTimeSeriesStore.Open(_dir.Path, options);
        try
        {
            long id = -1;
            for (var round = 0; round < 40; round++)
            {
                var points = new List<Point>();
                for (var i = rng.Next(1, 40); i > 0; i--)
                {
                    long ts = rng.Next(8) switch
                    {
                        0 when model.Count > 0 => model.Keys.Last(),                                  // the newest again
                        1 when model.Count > 0 => model.Keys.Where(t => t > next - 50 * 60_000L).OrderBy(_ => rng.Next()).DefaultIfEmpty(model.Keys.Last()).First(),
                        2 => next - rng.Next(1, 200) * Step - rng.Next(0, 1000),                      // out of order, inside the hour
                        _ => next += Step + rng.Next(-50, 51),
                    };
                    var value = rng.Next(8) switch
                    {
                        0 => double.NaN,
                        1 => double.NegativeInfinity,
                        _ => Math.Round(rng.NextDouble() * 1000, rng.Next(4)),
                    };
                    points.Add(new Point(ts, value));
                }
                var result = await store.AppendAsync("t", [new SeriesWrite("m", Labels.Of(("k", "v")), points)]);
                result.PointsAccepted.Should().Be(points.Count, $"round {round}: every point is inside the out-of-order window");
                foreach (var p in points)
                {
                    model[p.Timestamp] = p.Value;
                    head.Add(p.Timestamp);
                }
                id = result.Stored.Single().Series.Id;

                switch (rng.Next(6))
                {
                    case 0:
                        await store.CheckpointAsync();
                        break;
                    case 1:
                        await store.DisposeAsync();                 // the head comes back from its snapshot
                        store = SqliteTimeSeriesStore.Open(_dir.Path, options);
                        break;
                    case 2:
                        store.CloseWithoutCheckpoint();             // killed: snapshot + log replay
                        store = SqliteTimeSeriesStore.Open(_dir.Path, options);
                        break;
                }
                var read = new List<Point>();
                (await store.ReadAsync("t", id, long.MinValue, long.MaxValue, read)).Should().BeTrue();
                read.Select(p => p.Timestamp).Should().Equal(model.Keys, $"round {round}");
                read.Select(p => BitConverter.DoubleToInt64Bits(p.Value)).Should().Equal(
                    model.Values.Select(BitConverter.DoubleToInt64Bits), $"round {round}: the newest write of each timestamp, bit for bit");
                (await store.GetStatsAsync()).HeadPoints.Should().Be(head.Count, $"round {round}: the head seals where the chunk limits say");

                var from = model.Keys.ElementAt(model.Count / 2);
                var part = new List<Point>();
                await store.ReadAsync("t", id, from, next, part);
                part.Should().Equal(model.Where(kv => kv.Key >= from && kv.Key < next).Select(kv => new Point(kv.Key, kv.Value)));
            }
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task Retention_removes_old_chunks_and_leaves_a_head_with_buffered_points_as_it_was()
    {
        var options = new StoreOptions { Time = _clock, ChunkPoints = 32, SyncWrites = false, Retention = TimeSpan.FromDays(1) };
        await using var store = SqliteTimeSeriesStore.Open(_dir.Path, options);
        var t0 = NowMs - 20 * 3_600_000L;
        var points = Enumerable.Range(0, 4000).Select(i => new Point(t0 + i * Step, i % 17)).ToList();
        (await store.AppendAsync("t", [new SeriesWrite("m", Labels.Empty, points)])).Accepted.Should().BeTrue();
        await store.CheckpointAsync();
        var last = points[^1].Timestamp;
        var late = new[] { new Point(last - 3 * Step, -3), new Point(last, -1), new Point(last - 5 * Step, -5) };
        (await store.AppendAsync("t", [new SeriesWrite("m", Labels.Empty, late)])).Accepted.Should().BeTrue();

        _clock.Advance(TimeSpan.FromHours(5));
        (await store.EnforceRetentionAsync()).Should().BeGreaterThan(0);
        var cutoff = NowMs - 86_400_000L;
        var expected = points.ToDictionary(p => p.Timestamp, p => p.Value);
        foreach (var p in late) expected[p.Timestamp] = p.Value;
        var read = new List<Point>();
        await store.ReadAsync("t", (await store.FindAsync("t", SeriesSelector.All)).Single().Id, long.MinValue, long.MaxValue, read);
        read.Count.Should().BeLessThan(points.Count, "chunks wholly older than the cutoff were removed");
        read.Where(p => p.Timestamp >= cutoff).Should().Equal(expected.Where(kv => kv.Key >= cutoff).OrderBy(kv => kv.Key)
            .Select(kv => new Point(kv.Key, kv.Value)));
    }

    [Fact]
    public async Task Writes_between_the_slices_of_a_checkpoint_survive_a_kill_with_the_newest_value()
    {
        var options = new StoreOptions { Time = _clock, ChunkPoints = 16, SyncWrites = false };
        var count = 2 * SqliteTimeSeriesStore.CheckpointSlice + 100;
        var t0 = NowMs - 3_600_000L;
        var model = new Dictionary<string, SortedDictionary<long, double>>();
        var store = SqliteTimeSeriesStore.Open(_dir.Path, options);
        async Task WriteAsync(int series, int from, int to, Func<int, int, double> value, int? overwrite = null)
        {
            var batch = new List<SeriesWrite>();
            for (var s = 0; s < series; s++)
            {
                var points = Enumerable.Range(from, to - from).Select(i => new Point(t0 + i * Step, value(s, i))).ToList();
                if (overwrite is { } o) points.Add(new Point(t0 + o * Step, -value(s, o)));
                var instance = $"i{s}";
                var held = model.TryGetValue(instance, out var m) ? m : model[instance] = [];
                foreach (var p in points) held[p.Timestamp] = p.Value;
                batch.Add(new SeriesWrite("m", Labels.Of(("instance", instance)), points));
            }
            (await store.AppendAsync("t", batch)).PointsAccepted.Should().Be(batch.Sum(w => w.Points.Count));
        }

        await WriteAsync(count, 0, 20, (s, i) => s + i * 0.25);   // a sealed chunk and a head each
        var slices = 0;
        store.CheckpointSliceTaken = n =>
        {
            slices++;
            // Between slices: every series (taken or not yet) seals a chunk and overwrites a point the checkpoint holds,
            // and a new series appears.
            WriteAsync(count + 1, 20 * (n + 1), 20 * (n + 1) + 17, (s, i) => s * 2 + i, overwrite: 3 + n).GetAwaiter().GetResult();
        };
        await store.CheckpointAsync();
        store.CheckpointSliceTaken = null;
        slices.Should().Be(3);
        await WriteAsync(count + 1, 100, 103, (s, i) => i);
        store.CloseWithoutCheckpoint();

        for (var restart = 0; restart < 2; restart++)
        {
            store = SqliteTimeSeriesStore.Open(_dir.Path, options);
            foreach (var info in await store.FindAsync("t", SeriesSelector.All))
            {
                var read = new List<Point>();
                await store.ReadAsync("t", info.Id, long.MinValue, long.MaxValue, read);
                read.Should().Equal(model[info.Labels.ToDictionary()["instance"]].Select(kv => new Point(kv.Key, kv.Value)),
                    $"series {info.Labels.ToDictionary()["instance"]} after restart {restart}");
            }
            (await store.FindAsync("t", SeriesSelector.All)).Should().HaveCount(count + 1);
            await store.DisposeAsync();
        }
    }

    /// <summary>The timestamps a head holds, by the store's rule: a point newer than every point so far seals a head
    /// that is full or spans the chunk span, then every point joins the head.</summary>
    private sealed class HeadModel(int chunkPoints, long spanMs)
    {
        private readonly SortedSet<long> _head = [];
        private long _max = long.MinValue;

        public int Count => _head.Count;

        public void Add(long ts)
        {
            if (_head.Count > 0 && ts > _max && (_head.Count >= chunkPoints || ts - _head.Min >= spanMs)) _head.Clear();
            _max = Math.Max(_max, ts);
            _head.Add(ts);
        }
    }
}
