using System.Diagnostics;
using Foresight.Evaluation.Demo;
using Foresight.Ingestion;
using Foresight.Series;
using Foresight.Server.Observability;
using Foresight.Server.Scaling;
using Foresight.Server.Security;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Foresight.Server.Demo;

/// <summary>
/// Feeds the demo fleet into the <c>default</c> tenant: backfills <see cref="DemoFleet.Backfill"/>
/// of history (continuing from the newest stored point after a restart) into the store, hands it to the ingest feed's
/// consumers at the pace they take it (so detection scores all of it and none is shed), then appends a sample per
/// series every 15 seconds through the <see cref="IngestWriter"/>.
/// </summary>
internal sealed class DemoFeeder(IngestWriter writer, TimeProvider time, ServerMetrics metrics, ILogger<DemoFeeder> logger) : BackgroundService
{
    private static readonly long StepMs = (long)DemoFleet.Interval.TotalMilliseconds;

    /// <summary>
    /// A workload per demo service, named after it, following its request rate
    /// (<c>http_requests_per_second{service="NAME",env="demo"}</c>) with <see cref="DemoFleet.CapacityModelFor"/>,
    /// its CPU and memory usage and requests (right-sizing and cost) and its p95 latency with a p99 objective
    /// (latency against load). Each service's usage series counts as one replica's container.
    /// </summary>
    public static IEnumerable<WorkloadSpec> Workloads() =>
        DemoFleet.Services.Select(s => new WorkloadSpec(s.Name, Selector("http_requests_per_second", s), DemoFleet.CapacityModelFor(s))
        {
            CpuUsage = Selector("cpu_usage_cores", s),
            MemoryUsage = Selector("memory_usage_bytes", s),
            CpuRequest = s.CpuRequestCores,
            MemoryRequest = s.MemoryRequestMiB * 1024 * 1024,
            Latency = Selector("http_request_duration_p95_seconds", s),
            LatencyQuantile = 0.95,
            LatencySlo = TimeSpan.FromSeconds(s.LatencySlo),
            SloQuantile = 0.99,
        });

    private static string Selector(string metric, DemoService s) => $"{metric}{{service=\"{s.Name}\",env=\"demo\"}}";

    /// <summary>Set once the backfill is stored (its hand-over to the feed's consumers follows).</summary>
    public TaskCompletionSource BackfillDone { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var origin = DemoFleet.BackfillStart(now);
        var fleet = new DemoFleet(origin);
        var next = Math.Max(origin, await NewestStoredAsync(now, CancellationToken.None) + 1);

        var sw = Stopwatch.StartNew();
        var backfillFrom = next;
        long points = 0;
        if (next <= now - StepMs)
        {
            // Into the store at once; the feed's consumers are handed it below, at their pace.
            foreach (var (end, batch) in fleet.Batches(next, now))
            {
                if (stoppingToken.IsCancellationRequested) break;
                points += Count(await writer.Store.AppendAsync(TenantResolution.DefaultTenant, batch, CancellationToken.None));
                next = end;
            }
        }
        BackfillDone.TrySetResult();
        // The workload classifier trains on first use (seconds); do it now so the first recommendation does not wait.
        _ = Task.Run(() => Foresight.Classification.WorkloadClassifier.Default, stoppingToken);
        Log.DemoBackfilled(logger, points, DemoFleet.Services.Count * DemoFleet.Metrics.Count, sw.Elapsed.TotalSeconds, DemoFleet.Interval);
        try
        {
            // Before the first live point, which would leave the history older than what detection has scored.
            if (points > 0) await HandOverAsync(backfillFrom, next, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        using var timer = new PeriodicTimer(DemoFleet.Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var end = time.GetUtcNow().ToUnixTimeMilliseconds() + 1;
                if (end > next)
                {
                    await WriteAsync(fleet.Generate(next, end), stoppingToken);
                    next = end;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Hands the backfill stored in [<paramref name="from"/>, <paramref name="to"/>) to the feed's consumers, read back from
    /// the store a <see cref="DemoFleet.BatchSpan"/> at a time, at the pace they take it (<see cref="IIngestFeed.PublishPacedAsync"/>):
    /// two weeks of 30 series would reach the live feed in seconds, faster than detection scores them, and most would be shed.
    /// </summary>
    private async Task HandOverAsync(long from, long to, CancellationToken cancellationToken)
    {
        var store = writer.Store;
        if (!SeriesSelector.TryParse("{env=\"demo\"}", out var selector, out _)) return;
        var series = (await store.FindAsync(TenantResolution.DefaultTenant, selector, cancellationToken))
            .Where(s => DemoFleet.Metrics.Contains(s.Metric)).ToDictionary(s => s.Id);
        var ids = series.Keys.ToList();
        var span = (long)DemoFleet.BatchSpan.TotalMilliseconds;
        for (var t = from; t < to; t += span)
        {
            var read = await store.ReadManyAsync(TenantResolution.DefaultTenant, ids, t, Math.Min(t + span, to), cancellationToken);
            var stored = read.Where(r => r.Points.Count > 0).Select(r => new AppendedSeries(series[r.SeriesId], r.Points)).ToList();
            if (stored.Count > 0) await writer.Feed.PublishPacedAsync(new IngestBatch(TenantResolution.DefaultTenant, stored), cancellationToken);
        }
    }

    private async ValueTask WriteAsync(List<SeriesWrite> batch, CancellationToken cancellationToken) =>
        Count(await writer.WriteAsync(TenantResolution.DefaultTenant, batch, cancellationToken));

    private long Count(AppendResult result)
    {
        metrics.CountAppend("demo", result);
        if (!result.Accepted) Log.DemoRejected(logger, result.Rejections[0].Reason);
        return result.PointsAccepted;
    }

    private async ValueTask<long> NewestStoredAsync(long now, CancellationToken cancellationToken)
    {
        var store = writer.Store;
        if (!SeriesSelector.TryParse("http_requests_per_second{env=\"demo\"}", out var selector, out _)) return long.MinValue;
        var series = await store.FindAsync(TenantResolution.DefaultTenant, selector, cancellationToken);
        if (series.Count == 0) return long.MinValue;
        var newest = long.MinValue;
        var points = new List<Point>();
        foreach (var window in new[] { 3_600_000L, 86_400_000L, (long)DemoFleet.Backfill.TotalMilliseconds + 86_400_000L })
        {
            foreach (var s in await store.ReadManyAsync(TenantResolution.DefaultTenant, [.. series.Select(s => s.Id)], now - window, now + 1, cancellationToken))
            {
                if (s.Points.Count > 0) newest = Math.Max(newest, s.Points[^1].Timestamp);
            }
            if (newest != long.MinValue) return newest;
        }
        return newest;
    }
}
