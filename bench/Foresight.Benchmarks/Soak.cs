using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Foresight.Benchmarks;

/// <summary>
/// <c>--soak</c>: starts the Release <c>foresight serve</c> as a child process (temporary data directory, a free
/// loopback port), sends a <see cref="ScrapeLoad"/> (N series, one sample each per cadence) for the duration and,
/// every <c>--sample-interval</c>, records the server's resident memory (VmRSS), its GC heap and detection backlog
/// and shed points (<c>/metrics</c>), and the interval's write latency p50/p99/max and failures. At <c>--kill-at</c>
/// the server gets SIGKILL and is started again on the same directory; the time to <c>/readyz</c> is measured, and
/// the senders go on retrying what failed meanwhile, as Prometheus would. At the end every acknowledged sample is
/// read back through the series API. Writes <c>soak.csv</c>, <c>soak.svg</c> (memory and p99 over time) and
/// <c>soak.json</c> (the summary) to <c>--out</c>; progress goes to stderr.
/// </summary>
internal static class Soak
{
    public static async Task<int> RunAsync(LoadOptions o)
    {
        var command = o.ServerCommand ?? ServerChild.FindReleaseCli();
        if (command is null)
        {
            await Console.Error.WriteLineAsync("--soak: no Release build of foresight found; run `dotnet build -c Release src/Foresight.Cli` or pass --server-command PATH");
            return 2;
        }
        var outDir = Path.GetFullPath(o.OutDirectory ?? "soak-out");
        Directory.CreateDirectory(outDir);
        var dataDir = Path.Combine(Path.GetTempPath(), $"foresight-soak-{Environment.ProcessId}");
        try
        {
            await using var server = new ServerChild(command, dataDir, Path.Combine(outDir, "server.log"));
            using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            server.Start();
            if (!await server.WaitReadyAsync(probe, TimeSpan.FromMinutes(2), CancellationToken.None))
            {
                await Console.Error.WriteLineAsync($"--soak: the server did not get ready; see {outDir}/server.log");
                return 1;
            }
            await Console.Error.WriteLineAsync($"soak: {command} serve on {server.Url} (pid {server.Pid}, data {dataDir}); {o.Series:N0} series every {o.Cadence.TotalSeconds:0.###} s for {o.Duration}");
            var summary = await RunAgainstAsync(o, server, probe, outDir);
            await server.StopAsync();
            var json = JsonSerializer.Serialize(summary, RemoteWriteLoad.JsonOptions);
            await File.WriteAllTextAsync(Path.Combine(outDir, "soak.json"), json);
            Print(summary, outDir);
            if (o.Json) Console.WriteLine(json);
            return summary.LostPoints == 0 && summary.Dropped == 0 ? 0 : 1;
        }
        finally
        {
            if (Directory.Exists(dataDir)) Directory.Delete(dataDir, recursive: true);
        }
    }

    private static async Task<SoakSummary> RunAgainstAsync(LoadOptions o, ServerChild server, HttpClient probe, string outDir)
    {
        using var http = RemoteWriteLoad.Client(o with { Url = server.Url });
        var load = new ScrapeLoad(o, LoadSeries.Build(o), http);
        var rows = new List<SoakRow>();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        using var guard = new CancellationTokenSource();
        string? limitNote = null;
        var run = load.RunAsync(o.Duration, guard.Token);
        double? killedAt = null, readyAt = null;
        long shedBeforeKill = 0;
        var up = true;
        var sampling = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(o.SampleInterval);
            while (await timer.WaitForNextTickAsync(CancellationToken.None) && !stop.IsCancellationRequested)
            {
                var row = await SampleAsync(load, server, probe, clock.Elapsed.TotalSeconds, up);
                lock (rows) rows.Add(row);
                if (row.RssMb > o.RssLimitMb && !guard.IsCancellationRequested)
                {
                    limitNote = $"stopped: the server's memory passed --rss-limit ({row.RssMb:0} MB at {row.Seconds:0} s)";
                    await Console.Error.WriteLineAsync($"soak: {limitNote}");
                    await guard.CancelAsync();
                }
                await Console.Error.WriteLineAsync($"[{row.Seconds,6:0}s] rss {row.RssMb,7:0.0} MB, gc heap {row.GcHeapMb,7:0.0} MB, p50 {row.P50Ms,6:0.0} ms, p99 {row.P99Ms,6:0.0} ms, " +
                                                   $"failures {row.Failures}, acked {row.AckedSamples:N0}, queued {row.QueuedRequests}, backlog {row.DetectionPendingPoints:N0}, shed {row.DetectionShedPoints:N0}");
            }
        });
        if (o.KillAt is { } killAt && await DelayAsync(killAt, guard.Token))
        {
            shedBeforeKill = (long)(await MetricsAsync(probe, server.Url)).GetValueOrDefault("foresight_feed_shed_points_total{consumer=\"detection\"}");
            up = false;
            await server.KillAsync();
            killedAt = clock.Elapsed.TotalSeconds;
            await Console.Error.WriteLineAsync($"soak: SIGKILL at {killedAt:0.0} s; restarting ...");
            server.Start();
            if (!await server.WaitReadyAsync(probe, TimeSpan.FromMinutes(5), CancellationToken.None)) throw new InvalidOperationException($"the server did not get ready after the kill; see {outDir}/server.log");
            readyAt = clock.Elapsed.TotalSeconds;
            up = true;
            await Console.Error.WriteLineAsync($"soak: ready again {readyAt - killedAt:0.00} s after the kill (pid {server.Pid})");
        }
        var result = await run;
        await stop.CancelAsync();
        await sampling;
        var final = await SampleAsync(load, server, probe, clock.Elapsed.TotalSeconds, true);
        rows.Add(final);
        VerifyResult verify;
        QueryLatencyResult? queries = null;
        if (limitNote is not null)
        {
            await server.KillAsync();   // free the memory now; nothing is read back
            verify = new VerifyResult(result.Samples, -1, 0);
            result = result with { Note = limitNote + "; nothing read back" + (result.Note is null ? "" : "; " + result.Note) };
        }
        else
        {
            await Console.Error.WriteLineAsync($"soak: load done ({result.Samples:N0} samples acknowledged); timing reads, then reading every acknowledged sample back ...");
            queries = await QueryLatency.MeasureAsync(http, o.Queries, CancellationToken.None);
            verify = await load.VerifyAsync(CancellationToken.None);
        }

        SoakReport.WriteCsv(Path.Combine(outDir, "soak.csv"), rows);
        SoakReport.WriteSvg(Path.Combine(outDir, "soak.svg"), rows, killedAt, readyAt, o);
        // Minute 5 of a long soak; a quarter of a short one (before a kill in its middle).
        var warmup = Math.Min(300, o.Duration.TotalSeconds / 4);
        var atWarmup = rows.Where(r => r.RssMb > 0).MinBy(r => Math.Abs(r.Seconds - warmup));
        var end = final.RssMb;
        // Outside the outage: intervals that end before the kill or start (one interval) after the server was ready again.
        bool Outside(SoakRow r) => killedAt is null || r.Seconds <= killedAt || r.Seconds - o.SampleInterval.TotalSeconds > readyAt + o.SampleInterval.TotalSeconds;
        return new SoakSummary(o.Series, o.Cadence.TotalSeconds, o.Duration.TotalSeconds, result.Samples, warmup,
            atWarmup?.RssMb, end, atWarmup is { RssMb: > 0 } w ? Math.Round((end - w.RssMb) / w.RssMb * 100, 1) : null,
            rows.Where(r => r.RssMb > 0).Select(r => r.RssMb).DefaultIfEmpty().Max(),
            result.Failures, rows.Where(Outside).Sum(r => r.Failures), result.ErrorsByStatus, load.Dropped,
            rows.Select(r => r.P99Ms).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max(),
            rows.Where(Outside).Select(r => r.P99Ms).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max(),
            result.Latencies.Count == 0 ? double.NaN : LatencyRecorder.Percentile(result.Latencies, 0.99),
            killedAt, readyAt is { } ra && killedAt is { } ka ? Math.Round(ra - ka, 2) : null,
            rows.Select(r => r.DetectionPendingPoints).DefaultIfEmpty().Max(), shedBeforeKill + final.DetectionShedPoints,
            verify.Acknowledged, verify.Missing + verify.WrongValue, verify.Missing, verify.WrongValue, queries, result.Note);
    }

    private static async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task<SoakRow> SampleAsync(ScrapeLoad load, ServerChild server, HttpClient probe, double seconds, bool up)
    {
        var lat = load.IntervalLatencies.TakeSorted();
        var failures = load.TakeIntervalFailures();
        var metrics = up ? await MetricsAsync(probe, server.Url) : [];
        double rss = 0;
        if (up)
        {
            try { rss = ProcessMemory.RssMb(server.Pid) ?? 0; }
            catch (InvalidOperationException) { }   // between the kill and the restart
        }
        return new SoakRow(Math.Round(seconds, 1), Math.Round(rss, 1), Math.Round(metrics.GetValueOrDefault("dotnet_gc_heap_size_bytes") / 1e6, 1),
            Math.Round(LatencyRecorder.Percentile(lat, 0.5), 2), Math.Round(LatencyRecorder.Percentile(lat, 0.99), 2), lat.Count == 0 ? double.NaN : Math.Round(lat[^1], 2),
            lat.Count, failures, load.AckedSamples, load.Queued,
            (long)metrics.GetValueOrDefault("foresight_feed_pending_points{consumer=\"detection\"}"),
            (long)metrics.GetValueOrDefault("foresight_feed_shed_points_total{consumer=\"detection\"}"),
            (long)metrics.GetValueOrDefault("foresight_detection_scored_points"));
    }

    /// <summary>The samples of <c>/metrics</c> by series (name and labels as written); empty when the server does not answer.</summary>
    private static async Task<Dictionary<string, double>> MetricsAsync(HttpClient probe, string url)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        try
        {
            var text = await probe.GetStringAsync($"{url}/metrics");
            foreach (var line in text.Split('\n'))
            {
                if (line.Length == 0 || line[0] == '#') continue;
                var space = line.LastIndexOf(' ');
                if (space > 0 && double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) values[line[..space]] = v;
            }
        }
        catch (HttpRequestException) { }
        catch (TaskCanceledException) { }
        return values;
    }

    private static void Print(SoakSummary s, string outDir)
    {
        Console.WriteLine($"soak: {s.Series:N0} series every {s.CadenceSeconds:0.###} s for {s.DurationSeconds:0} s, {s.AckedSamples:N0} samples acknowledged");
        Console.WriteLine($"memory (VmRSS): {s.RssAtWarmupMb:0.0} MB at {s.WarmupSeconds:0} s, {s.RssEndMb:0.0} MB at the end ({s.RssChangePercent:+0.0;-0.0;0}%), max {s.RssMaxMb:0.0} MB");
        Console.WriteLine($"writes: {s.FailedWrites} failed attempts ({s.FailedWritesOutsideOutage} outside the kill-to-ready outage; {FormatErrors(s.ErrorsByStatus)}), {s.Dropped} dropped");
        Console.WriteLine($"latency: max interval p99 {s.MaxIntervalP99Ms:0.0} ms ({s.MaxIntervalP99OutsideOutageMs:0.0} ms outside the outage), whole-run p99 {s.RunP99Ms:0.0} ms");
        if (s.KilledAtSeconds is not null) Console.WriteLine($"kill -9 at {s.KilledAtSeconds:0.0} s: ready again in {s.ReadySeconds:0.00} s");
        Console.WriteLine($"detection: max backlog {s.MaxDetectionBacklogPoints:N0} points, {s.DetectionShedPoints:N0} points shed");
        Console.WriteLine(s.MissingPoints < 0 ? "read back: not done (the run was stopped)"
            : $"read back: {s.VerifiedAcknowledged:N0} acknowledged samples checked, {s.LostPoints:N0} lost ({s.MissingPoints:N0} missing, {s.WrongValuePoints:N0} with another value)");
        if (s.Reads is { } q)
        {
            Console.WriteLine($"reads after the load (one at a time): listing all series p50 {q.Listing.P50Ms:0.0} ms, max {q.Listing.MaxMs:0.0} ms; " +
                              $"one series by label p50/p99 {q.OneSeries?.P50Ms:0.0}/{q.OneSeries?.P99Ms:0.0} ms; one namespace p50/p99 {q.OneNamespace?.P50Ms:0.0}/{q.OneNamespace?.P99Ms:0.0} ms; " +
                              $"forecast first call p50 {q.Forecast?.FirstCallP50Ms:0.0} ms, warm p50/p99 {q.Forecast?.P50Ms:0.0}/{q.Forecast?.P99Ms:0.0} ms ({q.Forecast?.Failures} failed)" +
                              (q.Note is null ? "" : $"; {q.Note}"));
        }
        if (s.Note is not null) Console.WriteLine($"note: {s.Note}");
        Console.WriteLine($"wrote {outDir}/soak.csv, soak.svg, soak.json, server.log");
    }

    private static string FormatErrors(Dictionary<string, long> errors) =>
        errors.Count == 0 ? "none" : string.Join(", ", errors.Select(kv => $"{kv.Key} x{kv.Value}"));
}

/// <summary>One sample of the soak: the interval's latencies (ms) and failures, the server's memory (MB) and detection figures.</summary>
internal sealed record SoakRow(double Seconds, double RssMb, double GcHeapMb, double P50Ms, double P99Ms, double MaxMs, int Requests, long Failures,
    long AckedSamples, long QueuedRequests, long DetectionPendingPoints, long DetectionShedPoints, long ScoredPoints);

/// <summary>The soak's summary, also written as <c>soak.json</c>.</summary>
internal sealed record SoakSummary(int Series, double CadenceSeconds, double DurationSeconds, long AckedSamples, double WarmupSeconds,
    double? RssAtWarmupMb, double RssEndMb, double? RssChangePercent, double RssMaxMb,
    long FailedWrites, long FailedWritesOutsideOutage, Dictionary<string, long> ErrorsByStatus, long Dropped,
    double MaxIntervalP99Ms, double MaxIntervalP99OutsideOutageMs, double RunP99Ms,
    double? KilledAtSeconds, double? ReadySeconds, long MaxDetectionBacklogPoints, long DetectionShedPoints,
    long VerifiedAcknowledged, long LostPoints, long MissingPoints, long WrongValuePoints, QueryLatencyResult? Reads, string? Note);
