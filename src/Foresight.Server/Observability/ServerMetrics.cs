using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Foresight.Ingestion;
using Foresight.Series;

namespace Foresight.Server.Observability;

/// <summary>
/// The server's own metrics, recorded through a <see cref="Meter"/> and rendered for
/// <c>/metrics</c> in the Prometheus text exposition format 0.0.4 by a <see cref="MeterListener"/>
/// that aggregates counters by their tags and histograms into fixed buckets.
/// </summary>
public sealed class ServerMetrics : IDisposable
{
    /// <summary>Meter name, for OpenTelemetry users who want to export these too.</summary>
    public const string MeterName = "Foresight.Server";

    private static readonly double[] LatencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private readonly Meter _meter = new(MeterName);
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Name, string Labels), double> _counters = new();
    private readonly ConcurrentDictionary<(string Name, string Labels), Histogram> _histograms = new();
    private readonly ConcurrentDictionary<string, string> _gaugeHelp = new();
    private readonly Lock _gaugeLock = new();
    private readonly SortedDictionary<(string Name, string Labels), double> _gauges = new();

    /// <summary>Creates the instruments and starts aggregating them.</summary>
    public ServerMetrics()
    {
        PointsIngested = _meter.CreateCounter<long>("foresight_points_ingested", description: "Points accepted, by protocol");
        PointsRejected = _meter.CreateCounter<long>("foresight_points_rejected", description: "Points refused, by protocol");
        RequestDuration = _meter.CreateHistogram<double>("foresight_http_request_duration_seconds", "s", "HTTP request latency, by route and status");
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter == _meter) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((inst, value, tags, _) =>
            _counters.AddOrUpdate((inst.Name + "_total", Render(tags)), value, (_, old) => old + value));
        _listener.SetMeasurementEventCallback<double>((inst, value, tags, _) =>
        {
            if (inst is ObservableGauge<double>) _gauges[(inst.Name, Render(tags))] = value;   // under _gaugeLock (Render)
            else _histograms.GetOrAdd((inst.Name, Render(tags)), _ => new Histogram()).Observe(value);
        });
        _listener.Start();
    }

    /// <summary>Points accepted (tag <c>protocol</c>).</summary>
    public Counter<long> PointsIngested { get; }

    /// <summary>Points refused (tag <c>protocol</c>).</summary>
    public Counter<long> PointsRejected { get; }

    /// <summary>Request latency in seconds (tags <c>route</c>, <c>method</c>, <c>status</c>).</summary>
    public Histogram<double> RequestDuration { get; }

    /// <summary>
    /// Adds a gauge whose values <paramref name="observe"/> reports each time <c>/metrics</c> is read
    /// (an <see cref="ObservableGauge{T}"/> on this meter, so OpenTelemetry exporters see it too).
    /// </summary>
    public void ObserveGauge(string name, string help, Func<IEnumerable<Measurement<double>>> observe)
    {
        _gaugeHelp[name] = help;
        _meter.CreateObservableGauge(name, observe, description: help);
    }

    /// <summary>
    /// Counts a write that did not come through the HTTP ingest endpoints (<c>scrape</c>, <c>demo</c>): its stored
    /// points and its refused ones.
    /// </summary>
    public void CountAppend(string protocol, AppendResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var tag = new KeyValuePair<string, object?>("protocol", protocol);
        if (result.PointsAccepted > 0) PointsIngested.Add(result.PointsAccepted, tag);
        if (!result.Accepted) PointsRejected.Add(Math.Max(1, result.PointsRejected), tag);
    }

    /// <summary>Writes every metric in the Prometheus text format, with the store's sizes and the ingest feed's figures per consumer.</summary>
    public string Render(StoreStats stats, IReadOnlyList<IngestConsumerStats> feed)
    {
        var sb = new StringBuilder();
        Counters(sb, "foresight_points_ingested_total", "Points accepted, by protocol.");
        Counters(sb, "foresight_points_rejected_total", "Points refused, by protocol.");
        Help(sb, "foresight_http_request_duration_seconds", "histogram", "HTTP request latency by route.");
        foreach (var ((name, labels), h) in _histograms.OrderBy(kv => kv.Key.Labels))
        {
            h.Write(sb, name, labels);
        }
        lock (_gaugeLock)
        {
            _gauges.Clear();
            _listener.RecordObservableInstruments();
            foreach (var (name, help) in _gaugeHelp.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                Help(sb, name, "gauge", help);
                foreach (var ((gauge, labels), value) in _gauges)
                {
                    if (gauge == name) sb.Append(name).Append(labels).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
                }
            }
        }
        Gauge(sb, "foresight_store_series", "Series in the store.", stats.SeriesCount);
        Gauge(sb, "foresight_store_chunks", "Sealed chunks in the database.", stats.StoredChunks);
        Gauge(sb, "foresight_store_points", "Points in sealed chunks in the database.", stats.StoredPoints);
        Gauge(sb, "foresight_store_chunk_bytes", "Compressed bytes of the sealed chunks.", stats.StoredChunkBytes);
        Gauge(sb, "foresight_store_head_points", "Points in open head chunks (memory, backed by the write-ahead log).", stats.HeadPoints);
        Gauge(sb, "foresight_store_wal_bytes", "Size of the write-ahead log.", stats.WalBytes);
        Gauge(sb, "foresight_store_database_bytes", "Size of the SQLite database files.", stats.DatabaseBytes);
        PerConsumer(sb, "foresight_feed_pending_batches", "gauge", "Accepted batches queued for an ingest feed consumer, not yet read.", feed, c => c.PendingBatches);
        PerConsumer(sb, "foresight_feed_pending_points", "gauge", "Points in the batches queued for an ingest feed consumer.", feed, c => c.PendingPoints);
        PerConsumer(sb, "foresight_feed_delivered_batches_total", "counter", "Accepted batches an ingest feed consumer has read.", feed, c => c.DeliveredBatches);
        PerConsumer(sb, "foresight_feed_delivered_points_total", "counter", "Points in the batches an ingest feed consumer has read.", feed, c => c.DeliveredPoints);
        PerConsumer(sb, "foresight_feed_shed_batches_total", "counter", "Accepted batches not handed to an ingest feed consumer because its queue was full.", feed, c => c.ShedBatches);
        PerConsumer(sb, "foresight_feed_shed_points_total", "counter", "Points stored but never handed to an ingest feed consumer because its queue was full.", feed, c => c.ShedPoints);
        ProcessGauges(sb);
        return sb.ToString();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _listener.Dispose();
        _meter.Dispose();
    }

    /// <summary>
    /// The process' own figures under the names Prometheus' client libraries use (<c>process_*</c> as in the Go and
    /// Java clients, <c>dotnet_*</c> as in prometheus-net): resident memory (VmRSS on Linux), CPU seconds, the GC heap
    /// after the last collection, the managed bytes in use and the collections per generation.
    /// </summary>
    private static void ProcessGauges(StringBuilder sb)
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        Gauge(sb, "process_resident_memory_bytes", "Resident memory size in bytes.", process.WorkingSet64);
        Help(sb, "process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.");
        sb.Append("process_cpu_seconds_total ").Append(process.TotalProcessorTime.TotalSeconds.ToString(CultureInfo.InvariantCulture)).Append('\n');
        Gauge(sb, "dotnet_gc_heap_size_bytes", "GC heap size in bytes after the last collection (all generations, fragmentation included).", GC.GetGCMemoryInfo().HeapSizeBytes);
        Gauge(sb, "dotnet_total_memory_bytes", "Managed bytes currently thought to be allocated (GC.GetTotalMemory).", GC.GetTotalMemory(false));
        Help(sb, "dotnet_collection_count_total", "counter", "Garbage collections since the process started, by generation.");
        for (var g = 0; g <= GC.MaxGeneration; g++)
        {
            sb.Append("dotnet_collection_count_total{generation=\"").Append(g).Append("\"} ").Append(GC.CollectionCount(g)).Append('\n');
        }
    }

    private static void Help(StringBuilder sb, string name, string type, string help) =>
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    /// <summary>One counter family: its HELP and TYPE, then its samples (the format wants a family's lines together).</summary>
    private void Counters(StringBuilder sb, string name, string help)
    {
        Help(sb, name, "counter", help);
        foreach (var ((_, labels), value) in _counters.Where(kv => kv.Key.Name == name).OrderBy(kv => kv.Key.Labels, StringComparer.Ordinal))
        {
            sb.Append(name).Append(labels).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }

    private static void PerConsumer(StringBuilder sb, string name, string type, string help, IReadOnlyList<IngestConsumerStats> feed, Func<IngestConsumerStats, long> value)
    {
        Help(sb, name, type, help);
        foreach (var c in feed)
        {
            sb.Append(name).Append(Labels.Of(("consumer", c.Consumer))).Append(' ').Append(value(c).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }

    private static void Gauge(StringBuilder sb, string name, string help, long value)
    {
        Help(sb, name, "gauge", help);
        sb.Append(name).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    private static string Render(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0) return "";
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var t in tags) pairs.Add(new(t.Key, Convert.ToString(t.Value, CultureInfo.InvariantCulture) ?? ""));
        return Labels.From(pairs).ToString();
    }

    private sealed class Histogram
    {
        private readonly long[] _counts = new long[LatencyBuckets.Length + 1];
        private readonly Lock _lock = new();
        private double _sum;
        private long _count;

        public void Observe(double v)
        {
            var i = Array.BinarySearch(LatencyBuckets, v);
            if (i < 0) i = ~i;
            lock (_lock)
            {
                _counts[i]++;
                _sum += v;
                _count++;
            }
        }

        public void Write(StringBuilder sb, string name, string labels)
        {
            long cumulative = 0;
            lock (_lock)
            {
                var inner = labels.Length > 2 ? labels[1..^1] + "," : "";
                for (var i = 0; i <= LatencyBuckets.Length; i++)
                {
                    cumulative += _counts[i];
                    var le = i < LatencyBuckets.Length ? LatencyBuckets[i].ToString(CultureInfo.InvariantCulture) : "+Inf";
                    sb.Append(name).Append("_bucket{").Append(inner).Append("le=\"").Append(le).Append("\"} ").Append(cumulative).Append('\n');
                }
                sb.Append(name).Append("_sum").Append(labels).Append(' ').Append(_sum.ToString(CultureInfo.InvariantCulture)).Append('\n');
                sb.Append(name).Append("_count").Append(labels).Append(' ').Append(_count).Append('\n');
            }
        }
    }
}
