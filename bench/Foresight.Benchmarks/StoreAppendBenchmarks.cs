using BenchmarkDotNet.Attributes;
using Foresight.Series;
using Foresight.Server.Hosting;

namespace Foresight.Benchmarks;

/// <summary>
/// In-process append throughput of the embedded store on one thread: in-order points, 1,000
/// series x 50 points per batch (one write-ahead log record each), with and without fsync per batch.
/// A checkpoint (sealed chunks and heads to SQLite) runs inline every 20 batches, so its cost is
/// in the figure too (the server runs it on a background thread). Points/s = 1 / time per point.
/// </summary>
[MemoryDiagnoser]
public class StoreAppendBenchmarks
{
    private const int SeriesCount = 1000;
    private const int PointsPerSeries = 50;
    private string _dir = "";
    private OpenedStore _store = null!;
    private List<SeriesWrite>[] _batches = null!;
    private int _next;

    [Params(false, true)]
    public bool Fsync { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "foresight-bench-" + Guid.NewGuid().ToString("N"));
        _store = StoreFactory.Open(_dir, new StoreOptions { SyncWrites = Fsync, Retention = TimeSpan.Zero });
        // Pre-build enough batches that the measured loop only appends (values: 2-decimal gauges).
        var random = new Random(1);
        var labels = Enumerable.Range(0, SeriesCount).Select(i => Labels.Of(("pod", $"pod-{i}"), ("service", $"svc-{i % 20}"))).ToArray();
        var start = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() - 400L * PointsPerSeries * 15_000;
        _batches = new List<SeriesWrite>[400];
        for (var b = 0; b < _batches.Length; b++)
        {
            _batches[b] = new List<SeriesWrite>(SeriesCount);
            for (var s = 0; s < SeriesCount; s++)
            {
                var pts = new Point[PointsPerSeries];
                for (var i = 0; i < PointsPerSeries; i++)
                {
                    pts[i] = new Point(start + ((long)b * PointsPerSeries + i) * 15_000, Math.Round(50 + random.NextDouble() * 10, 2));
                }
                _batches[b].Add(new SeriesWrite("cpu_usage", labels[s], pts));
            }
        }
    }

    [Benchmark(OperationsPerInvoke = SeriesCount * PointsPerSeries, Description = "append one point (in batches of 50,000)")]
    public async ValueTask<int> Append()
    {
        if (_next == _batches.Length)
        {
            // Out of fresh batches: restart on an empty store (outside the measured steady state only once in a while).
            await _store.DisposeAsync();
            Directory.Delete(_dir, true);
            _store = StoreFactory.Open(_dir, new StoreOptions { SyncWrites = Fsync, Retention = TimeSpan.Zero });
            _next = 0;
        }
        var accepted = (await _store.Series.AppendAsync("bench", _batches[_next++])).PointsAccepted;
        if (_next % 20 == 0) await _store.Maintenance.CheckpointAsync();
        return accepted;
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _store.DisposeAsync();
        Directory.Delete(_dir, true);
    }
}
