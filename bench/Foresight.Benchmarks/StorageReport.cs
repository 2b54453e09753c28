using System.Diagnostics;
using Foresight.Evaluation.Demo;
using Foresight.Series;
using Foresight.Server.Hosting;

namespace Foresight.Benchmarks;

/// <summary>
/// <c>--storage-report</c>: stores the demo fleet's two weeks (as <c>serve --demo</c> backfills
/// them), checkpoints, and prints bytes per point of the compressed chunks and of the whole
/// database file.
/// </summary>
internal static class StorageReport
{
    public static async Task<int> RunAsync()
    {
        var dir = Path.Combine(Path.GetTempPath(), "foresight-storage-" + Guid.NewGuid().ToString("N"));
        try
        {
            var sw = Stopwatch.StartNew();
            await using (var store = StoreFactory.Open(dir, new StoreOptions { SyncWrites = false }))
            {
                var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
                var origin = DemoFleet.BackfillStart(now);
                foreach (var (_, batch) in new DemoFleet(origin).Batches(origin, now)) await store.Series.AppendAsync("default", batch);
                await store.Maintenance.CheckpointAsync();
                var s = await store.Series.GetStatsAsync();
                var totalPoints = s.StoredPoints + s.HeadPoints;
                Console.WriteLine($"demo fleet: {s.SeriesCount} series, {totalPoints:N0} points ({s.StoredPoints:N0} in {s.StoredChunks:N0} sealed chunks, {s.HeadPoints:N0} in heads), stored in {sw.Elapsed.TotalSeconds:0.0} s");
                Console.WriteLine($"sealed chunk bytes per point:  {(double)s.StoredChunkBytes / s.StoredPoints:0.000}");
            }
            var dbBytes = Directory.GetFiles(dir, "foresight.db*").Sum(f => new FileInfo(f).Length);
            await using var reopened = StoreFactory.Open(dir, new StoreOptions { SyncWrites = false });
            var st = await reopened.Series.GetStatsAsync();
            Console.WriteLine($"database file bytes per point: {(double)dbBytes / (st.StoredPoints + st.HeadPoints):0.000} (SQLite pages, indexes and head snapshots included)");
            return 0;
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
