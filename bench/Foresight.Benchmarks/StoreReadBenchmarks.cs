using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Foresight.Evaluation.Demo;
using Foresight.Query;
using Foresight.Series;
using Foresight.Server.Hosting;

namespace Foresight.Benchmarks;

/// <summary>
/// Reading one series' week at one-minute resolution, in-process: a demo-fleet series at
/// 15-second resolution (40,320 raw points a week, sealed and checkpointed to SQLite), read
/// and averaged into 10,080 one-minute buckets. Reports the 99th percentile of the runs.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(P99Config))]
public class StoreReadBenchmarks
{
    private string _dir = "";
    private OpenedStore _store = null!;
    private long _id;
    private long _from;
    private long _to;

    [GlobalSetup]
    public async Task Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "foresight-bench-" + Guid.NewGuid().ToString("N"));
        _store = StoreFactory.Open(_dir, new StoreOptions { SyncWrites = false });
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        var origin = now - (long)TimeSpan.FromDays(8).TotalMilliseconds;
        foreach (var (_, batch) in new DemoFleet(origin).Batches(origin, now)) await _store.Series.AppendAsync("default", batch);
        await _store.Maintenance.CheckpointAsync();
        SeriesSelector.TryParse("cpu_usage_cores{service=\"search\"}", out var selector, out _);
        _id = (await _store.Series.FindAsync("default", selector!)).Single().Id;
        _to = now - now % 60_000;
        _from = _to - (long)TimeSpan.FromDays(7).TotalMilliseconds;
    }

    [Benchmark(Description = "read a week of one series at 1-minute avg")]
    public async ValueTask<int> ReadWeekAtOneMinute()
    {
        var points = new List<Point>(45_000);
        await _store.Series.ReadAsync("default", _id, _from, _to, points);
        return Downsampler.Downsample(points, _from, 60_000, Aggregation.Avg).Count;
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _store.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    private sealed class P99Config : ManualConfig
    {
        public P99Config() => AddColumn(new PercentileColumn(99), StatisticColumn.P95);
    }

    private sealed class PercentileColumn(int percentile) : IColumn
    {
        public string Id => $"P{percentile}";
        public string ColumnName => $"P{percentile}";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Statistics;
        public int PriorityInCategory => 10;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Time;
        public string Legend => $"{percentile}th percentile of the measured iterations";
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var stats = summary[benchmarkCase]?.ResultStatistics;
            if (stats is null) return "NA";
            var ns = stats.Percentiles.Percentile(percentile);
            return $"{ns / 1e6:0.000} ms";
        }
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public bool IsAvailable(Summary summary) => true;
    }
}
