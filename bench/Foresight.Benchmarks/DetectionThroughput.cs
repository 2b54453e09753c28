using System.Diagnostics;
using Foresight.Detection.Incidents;
using Foresight.Ingestion;
using Foresight.Series;
using Foresight.Server.Detection;
using Foresight.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Foresight.Benchmarks;

/// <summary>
/// <c>--detection-throughput [series] [seconds] [step-ms] [points-per-series]</c>: how many points per second live detection
/// scores on one worker, with batches shaped like <see cref="RemoteWriteLoad"/>'s (500 series x 4 points, or 1 point for a
/// scrape-like cadence, timestamps
/// advancing by the step), through <see cref="DetectionPipeline.ProcessAsync"/> on a real store in a temporary
/// directory (score writes included). Prints the rate over each second, the managed heap and the allocation rate,
/// so the cost of a series' first points (warm-up) and of its steady state are both visible.
/// </summary>
internal static class DetectionThroughput
{
    private const int SeriesPerBatch = 500;
    public static async Task<int> RunAsync(int seriesTotal, int seconds, long stepMs, int pointsPerSeries = 4)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"foresight-detect-{Environment.ProcessId}");
        try
        {
            await using var store = SqliteTimeSeriesStore.Open(dir, new StoreOptions { Retention = TimeSpan.FromDays(3650) });
            var feed = new InProcessIngestFeed(new IngestFeedOptions(), TimeProvider.System, NullLogger.Instance);
            var pipeline = new DetectionPipeline(feed, store, new DetectionOptions(), new IncidentTracker(), TimeProvider.System,
                NullLogger<DetectionPipeline>.Instance);
            var labels = Enumerable.Range(0, seriesTotal).Select(i => Labels.Of(("job", "node"), ("instance", $"host-{i}"), ("cpu", (i % 16).ToString()))).ToArray();
            var start = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() - 3 * 86_400_000L;
            var rounds = Math.Max(1, seriesTotal / SeriesPerBatch);
            var sw = Stopwatch.StartNew();
            long points = 0, lastPoints = 0;
            var lastTick = 0.0;
            var allocated = GC.GetTotalAllocatedBytes();
            var allocatedAtStart = allocated;
            for (var b = 0; sw.Elapsed.TotalSeconds < seconds; b++)
            {
                var round = b / rounds;
                var first = b % rounds * SeriesPerBatch;
                var writes = new List<SeriesWrite>(SeriesPerBatch);
                for (var s = first; s < Math.Min(first + SeriesPerBatch, seriesTotal); s++)
                {
                    var pts = new Point[pointsPerSeries];
                    for (var k = 0; k < pointsPerSeries; k++)
                    {
                        var t = start + ((long)round * pointsPerSeries + k) * stepMs;
                        pts[k] = new Point(t, 1000 + s + Math.Sin((round * pointsPerSeries + k) / 20.0) * 10 + k);
                    }
                    writes.Add(new SeriesWrite("node_cpu_seconds_total", labels[s], pts));
                }
                var result = await store.AppendAsync("default", writes);
                await pipeline.ProcessAsync("default", result.Stored);
                points += result.Stored.Sum(s => s.Points.Count);
                if (sw.Elapsed.TotalSeconds - lastTick >= 1)
                {
                    var now = sw.Elapsed.TotalSeconds;
                    var alloc = GC.GetTotalAllocatedBytes();
                    Console.WriteLine($"{now,6:0.0} s  {(points - lastPoints) / (now - lastTick),10:N0} points/s  heap {GC.GetTotalMemory(false) / 1e6,8:N0} MB  " +
                                      $"allocated {(alloc - allocated) / (now - lastTick) / 1e6,8:N0} MB/s  rounds {round}");
                    (lastTick, lastPoints, allocated) = (now, points, alloc);
                }
            }
            Console.WriteLine($"{points:N0} points scored in {sw.Elapsed.TotalSeconds:0.0} s = {points / sw.Elapsed.TotalSeconds:N0} points/s on one worker ({seriesTotal:N0} series, step {stepMs} ms, {pointsPerSeries} per series per batch); " +
                              $"{(GC.GetTotalAllocatedBytes() - allocatedAtStart) / (double)points:N0} B allocated per point");
            return 0;
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
