using Foresight.Series;

namespace Foresight.Server.Hosting;

/// <summary>Settings of <see cref="ForesightServer"/>; the CLI fills them from flags and the config file.</summary>
public sealed class ForesightServerOptions
{
    /// <summary>Data directory of the embedded store. Default <c>./foresight-data</c>.</summary>
    public string DataDirectory { get; set; } = "./foresight-data";

    /// <summary>Addresses to listen on. Default <c>http://127.0.0.1:5080</c>; port 0 picks a free port.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:5080";

    /// <summary>Fill the store with the synthetic demo fleet (two weeks backfilled, then live).</summary>
    public bool Demo { get; set; }

    /// <summary>Serve without an API key whenever no key is active, on any address (<c>--insecure</c>); without it, only while no key was ever created, and only on loopback.</summary>
    public bool Insecure { get; set; }

    /// <summary>Optional YAML config file (scrape targets, alerts, workloads).</summary>
    public string? ConfigFile { get; set; }

    /// <summary>Largest accepted request body after decompression, in bytes. Default 32 MiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>How often sealed chunks and heads are checkpointed to the database. Default 1 minute.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often retention is enforced. Default 10 minutes.</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often stored series' forecasts are refreshed when new data arrived. Default 1 minute.</summary>
    public TimeSpan ForecastRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Live anomaly detection settings (detector, threshold).</summary>
    public Server.Detection.DetectionOptions Detection { get; set; } = new();

    /// <summary>Predictive scaling settings (default decision interval, decisions kept).</summary>
    public Server.Scaling.ScalingOptions Scaling { get; set; } = new();

    /// <summary>Right-sizing, cost and capacity settings (history, prices, instance types, effort, packing).</summary>
    public Server.Recommendations.RecommendationOptions Recommendations { get; set; } = new();

    /// <summary>The ingest feed's queue per consumer (detection, scaling) and how often its shedding is logged.</summary>
    public Foresight.Ingestion.IngestFeedOptions Feed { get; set; } = new();

    /// <summary>Store acceptance rules (out-of-order window, retention, NaN policy, ...).</summary>
    public StoreOptions Store { get; set; } = new();

    /// <summary>The clock for the whole server; tests inject a fake one.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;
}
