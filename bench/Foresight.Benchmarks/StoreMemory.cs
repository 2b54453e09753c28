using System.Diagnostics;
using Foresight.Series;
using Foresight.Storage.Sqlite;

namespace Foresight.Benchmarks;

/// <summary>
/// <c>--store-memory [--series N] [--points P] [--step-seconds S]</c>: the managed memory the embedded store holds per
/// series. Opens a <see cref="SqliteTimeSeriesStore"/> on a temporary directory, creates N series with the load's label
/// sets (<see cref="LoadSeries"/>, 9 labels) by appending one point to each, then appends P - 1 more, one scrape of every
/// series per step of S seconds (15 by default), in batches of 1,000 series as a remote-write sender sends them. A third of
/// the series are gauges (a level with Gaussian noise, 3 decimals), a third counters (growing by a few units a step), a
/// third anomaly-score-like doubles in [0, 1) (as the detector's <c>anomaly_score</c> companions). Prints
/// GC.GetTotalMemory(true) after minus before, divided by N: after the first point (the catalog: identity, label sets,
/// dictionaries and index, plus a one-point head) and after all points (the difference is what the heads and the chunks
/// sealed since the last checkpoint hold), then after a checkpoint. While the checkpoint runs, a second thread appends one
/// point at a time (the next step of each series in turn) and times each append: its p99 and max are how long a write
/// waits behind the checkpoint. Deterministic (seeded) but for that timed part; a noisy machine changes the time, not the
/// bytes.
/// </summary>
internal static class StoreMemory
{
    public const string Usage = "--store-memory [--series N (20000)] [--points P (240)] [--step-seconds S (15)]";

    private const int BatchSeries = 1000;

    public static async Task<int> RunAsync(string[] args)
    {
        int series = 20_000, points = 240, stepSeconds = 15;
        if (!MemoryBenchArgs.TryParse(args, Usage, ref series, ref points, ref stepSeconds)) return 2;

        var dir = Path.Combine(Path.GetTempPath(), $"foresight-store-memory-{Environment.ProcessId}");
        var labels = LoadSeries.Build(new LoadOptions { Series = series });
        var random = new Random(18);
        var level = new double[series];
        for (var s = 0; s < series; s++) level[s] = 10 + random.NextDouble() * 1000;
        var start = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() / 1000 * 1000 - (long)(points - 1) * stepSeconds * 1000;
        Console.WriteLine($"{series:N0} series x {points:N0} points at a {stepSeconds} s step; bytes per series (managed heap)");
        try
        {
            var before = GC.GetTotalMemory(forceFullCollection: true);
            var store = SqliteTimeSeriesStore.Open(dir, new StoreOptions { SyncWrites = false });
            await using (store)
            {
                var sw = Stopwatch.StartNew();
                await AppendStepAsync(store, labels, level, random, start, 0);
                var catalog = (GC.GetTotalMemory(forceFullCollection: true) - before) / series;
                Console.WriteLine($"{"after 1 point (catalog + head)",-34} {catalog,10:N0}");
                for (var p = 1; p < points; p++) await AppendStepAsync(store, labels, level, random, start + (long)p * stepSeconds * 1000, p);
                var fed = (GC.GetTotalMemory(forceFullCollection: true) - before) / series;
                Console.WriteLine($"{$"after {points} points",-34} {fed,10:N0}   heads and pending chunks: {fed - catalog:N0}   {sw.Elapsed.TotalSeconds:0.0} s");
                sw.Restart();
                var (appends, p99, p999, max) = await CheckpointWhileAppendingAsync(store, labels, start + (long)points * stepSeconds * 1000);
                var checkpointMs = sw.Elapsed.TotalMilliseconds;
                var checkpointed = (GC.GetTotalMemory(forceFullCollection: true) - before) / series;
                Console.WriteLine($"{"after a checkpoint",-34} {checkpointed,10:N0}   checkpoint {checkpointMs:N0} ms; " +
                                  $"{appends:N0} one-point appends meanwhile, p99 {p99:0.00} ms, p99.9 {p999:0.00} ms, max {max:0.0} ms");
                var stats = await store.GetStatsAsync();
                Console.WriteLine($"head points {stats.HeadPoints:N0}, stored chunks {stats.StoredChunks:N0} ({stats.StoredChunkBytes:N0} B)");
            }
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
        return 0;
    }

    /// <summary>Checkpoints while another thread appends one point per call; returns the appends, their p99, p99.9 and max in ms.</summary>
    private static async Task<(int Count, double P99, double P999, double Max)> CheckpointWhileAppendingAsync(SqliteTimeSeriesStore store, Labels[] labels, long ts)
    {
        var latencies = new List<double>();
        using var done = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var s = 0; !done.IsCancellationRequested; s = (s + 1) % labels.Length)
            {
                var started = Stopwatch.GetTimestamp();
                await store.AppendAsync("default", [new SeriesWrite(Metric(s), labels[s], [new Point(ts, 1)])]);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        });
        await Task.Run(() => store.CheckpointAsync().AsTask());
        await done.CancelAsync();
        await writer;
        if (latencies.Count == 0) return (0, 0, 0, 0);
        latencies.Sort();
        double Quantile(double q) => latencies[(int)Math.Min(latencies.Count - 1, Math.Ceiling(latencies.Count * q) - 1)];
        return (latencies.Count, Quantile(0.99), Quantile(0.999), latencies[^1]);
    }

    private static string Metric(int s) => (s % 3) switch { 0 => "node_load", 1 => "node_cpu_seconds_total", _ => "anomaly_score" };

    private static async Task AppendStepAsync(SqliteTimeSeriesStore store, Labels[] labels, double[] level, Random random, long ts, int step)
    {
        for (var first = 0; first < labels.Length; first += BatchSeries)
        {
            var batch = new List<SeriesWrite>(BatchSeries);
            for (var s = first; s < Math.Min(labels.Length, first + BatchSeries); s++)
            {
                var value = (s % 3) switch
                {
                    0 => Math.Round(level[s] * (1 + 0.05 * Gaussian(random)), 3),
                    1 => level[s] += random.Next(1, 8),
                    _ => random.NextDouble(),
                };
                batch.Add(new SeriesWrite(Metric(s), labels[s], [new Point(ts, value)]));
            }
            var result = await store.AppendAsync("default", batch);
            if (result.PointsAccepted != batch.Count) throw new InvalidOperationException($"step {step}: {result.PointsAccepted} of {batch.Count} points accepted");
        }
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
