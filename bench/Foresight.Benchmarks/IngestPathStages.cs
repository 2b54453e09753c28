using System.Diagnostics;
using Foresight.Ingestion;
using Foresight.Series;
using Foresight.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Foresight.Benchmarks;

/// <summary>
/// <c>--ingest-stages [requests]</c>: the remote-write path without HTTP, one stage at a time on one thread, over
/// requests shaped like <see cref="RemoteWriteLoad"/>'s (500 series of 9 labels x 4 samples, 5,000 series): snappy
/// decompression alone, decoding (snappy, protobuf, labels), then decoding and appending to a store in a temporary directory (validation, series
/// lookup, the write-ahead log with its fsync, the heads), then that and publishing on an ingest feed with one
/// consumer that is never read (what the endpoint does with detection far behind). Prints samples/s and
/// allocated bytes per sample of each, so a change to one stage shows in its own line.
/// </summary>
internal static class IngestPathStages
{
    private const int SeriesTotal = 5000;
    private const int SeriesPerRequest = 500;
    private const int SamplesPerSeries = 4;

    public static async Task<int> RunAsync(int requests)
    {
        var labels = Enumerable.Range(0, SeriesTotal).Select(i => Labels.Of(
            ("job", "node"), ("instance", $"10.0.{i / 250}.{i % 250}:9100"), ("cpu", (i % 16).ToString()), ("mode", "user"),
            ("cluster", "prod-eu-1"), ("namespace", $"ns-{i % 40}"), ("pod", $"pod-{i}"), ("node", $"node-{i / 100}"))).ToArray();
        var start = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() - 50 * 60_000;
        var rounds = SeriesTotal / SeriesPerRequest;
        var bodies = new byte[requests][];
        Parallel.For(0, requests, r =>
        {
            var round = r / rounds;
            var first = r % rounds * SeriesPerRequest;
            var writes = new List<SeriesWrite>(SeriesPerRequest);
            for (var s = first; s < first + SeriesPerRequest; s++)
            {
                var pts = new Point[SamplesPerSeries];
                for (var k = 0; k < SamplesPerSeries; k++) pts[k] = new Point(start + ((long)round * SamplesPerSeries + k) * 150, 1000 + s + round * 0.25 + k);
                writes.Add(new SeriesWrite("node_cpu_seconds_total", labels[s], pts));
            }
            bodies[r] = RemoteWriteDecoder.Encode(writes);
        });
        var samples = (long)requests * SeriesPerRequest * SamplesPerSeries;

        await Measure("snappy (decompress only)", samples, () =>
        {
            var buffer = new byte[1 << 20];
            foreach (var body in bodies)
            {
                if (!SnappyBlock.TryGetDecodedLength(body, out var length, out var header) || length > buffer.Length
                    || !SnappyBlock.TryDecode(body.AsSpan(header), buffer.AsSpan(0, length))) throw new InvalidDataException("not snappy");
            }
            return Task.CompletedTask;
        });
        await Measure("decode", samples, () =>
        {
            foreach (var body in bodies)
            {
                if (!RemoteWriteDecoder.TryDecode(body, out _, out _, out var error)) throw new InvalidDataException(error);
            }
            return Task.CompletedTask;
        });
        foreach (var publish in new[] { false, true })
        {
            var dir = Path.Combine(Path.GetTempPath(), $"foresight-stages-{Environment.ProcessId}-{publish}");
            try
            {
                await using var store = SqliteTimeSeriesStore.Open(dir);
                var feed = new InProcessIngestFeed(new IngestFeedOptions(), TimeProvider.System, NullLogger.Instance);
                feed.Subscribe("never-read");
                var writer = new IngestWriter(store, feed);
                await Measure(publish ? "decode + append + publish" : "decode + append", samples, async () =>
                {
                    foreach (var body in bodies)
                    {
                        if (!RemoteWriteDecoder.TryDecode(body, out var series, out _, out var error)) throw new InvalidDataException(error);
                        var result = publish ? await writer.WriteAsync("default", series) : await store.AppendAsync("default", series);
                        if (!result.Accepted) throw new InvalidOperationException(result.Rejections[0].Reason);
                    }
                });
            }
            finally
            {
                if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            }
        }
        return 0;
    }

    private static async Task Measure(string stage, long samples, Func<Task> run)
    {
        GC.Collect();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var sw = Stopwatch.StartNew();
        await run();
        var seconds = sw.Elapsed.TotalSeconds;
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        Console.WriteLine($"{stage,-28} {samples / seconds,12:N0} samples/s  {bytes / (double)samples,7:0.0} B/sample allocated  ({samples:N0} samples in {seconds:0.00} s)");
    }
}
