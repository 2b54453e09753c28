using System.Diagnostics.CodeAnalysis;
using Foresight.Configuration;
using Foresight.Series;

namespace Foresight.Scraping;

/// <summary>
/// What Foresight scrapes, read from the <c>scrape:</c> section of its YAML settings file. The
/// shape is a documented subset of Prometheus' own <c>scrape_config</c>, so job definitions can be
/// pasted from a <c>prometheus.yml</c>:
/// <code>
/// scrape:
///   interval: 15s          # default 15s (alias: scrape_interval)
///   timeout: 10s           # default 10s (alias: scrape_timeout); at most the interval
///   tenant: default        # tenant the samples are stored under
///   jobs:                  # alias: scrape_configs
///     - job_name: node
///       interval: 5s       # optional override (alias: scrape_interval)
///       timeout: 2s        # optional override (alias: scrape_timeout)
///       metrics_path: /metrics   # default
///       scheme: http       # http (default) or https
///       static_configs:
///         - targets: ["127.0.0.1:9100"]
///           labels: {env: dev}
/// </code>
/// </summary>
/// <remarks>
/// <para>Semantics follow Prometheus: a job without its own timeout takes the global timeout, cut
/// to the job's interval when that is shorter; an explicit timeout longer than the interval is an
/// error. Every target gets the labels <c>job</c> (the job name) and <c>instance</c> (the target
/// address as written) plus its group's static labels, which may override those two.</para>
/// <para>Everything else Prometheus supports (relabeling, service discovery, authentication,
/// <c>honor_labels</c>, ...) is refused with an error naming the key rather than silently ignored.
/// Keys beside <c>scrape:</c> at the top level belong to other Foresight settings and are ignored;
/// a document without <c>scrape:</c> yields <see cref="Empty"/> (scraping off).</para>
/// </remarks>
/// <param name="Interval">The default scrape interval.</param>
/// <param name="Timeout">The default per-scrape timeout.</param>
/// <param name="Tenant">The tenant every scraped sample is stored under.</param>
/// <param name="Jobs">The jobs, each with its resolved targets.</param>
public sealed record ScrapeConfig(TimeSpan Interval, TimeSpan Timeout, string Tenant, IReadOnlyList<ScrapeJob> Jobs)
{
    /// <summary>The interval when none is configured: 15 s, as in Prometheus' examples.</summary>
    public static TimeSpan DefaultInterval { get; } = TimeSpan.FromSeconds(15);

    /// <summary>The timeout when none is configured: 10 s, as in Prometheus.</summary>
    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromSeconds(10);

    /// <summary>The tenant when none is configured.</summary>
    public const string DefaultTenant = "default";

    /// <summary>A configuration with no jobs (scraping off).</summary>
    public static ScrapeConfig Empty { get; } = new(DefaultInterval, DefaultTimeout, DefaultTenant, []);

    /// <summary>Every target of every job, in configuration order.</summary>
    public IEnumerable<ScrapeTarget> Targets => Jobs.SelectMany(j => j.Targets);

    /// <summary>The <c>scrape:</c> section of the config file (<see cref="Empty"/> without one).</summary>
    /// <exception cref="ConfigException">The section breaks a rule; the message names the file, line and key.</exception>
    public static ScrapeConfig Read(ForesightConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return ScrapeConfigReader.Read(config);
    }

    /// <summary>Reads the <c>scrape:</c> section of a YAML document.</summary>
    /// <exception cref="FormatException">The YAML is invalid or the section breaks a rule; the message names the line and key.</exception>
    public static ScrapeConfig Load(string yamlText)
    {
        if (!TryParse(yamlText, out var config, out var error)) throw new FormatException(error);
        return config;
    }

    /// <summary>
    /// Reads the <c>scrape:</c> section of a YAML document, or explains what is wrong, e.g.
    /// <c>line 6: scrape.jobs[0].interval: '15x' is not a duration (expected e.g. 500ms, 15s, 1m, 1h or 1m30s)</c>.
    /// </summary>
    public static bool TryParse(string yamlText, [NotNullWhen(true)] out ScrapeConfig? config, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(yamlText);
        try
        {
            config = Read(ForesightConfig.Parse(yamlText, fileName: null));
            error = null;
            return true;
        }
        catch (ConfigException e)
        {
            config = null;
            error = e.Message;
            return false;
        }
    }
}

/// <summary>One scrape job: a name and the targets scraped the same way.</summary>
/// <param name="Name">The <c>job_name</c>, unique in the configuration.</param>
/// <param name="Interval">How often each target is scraped.</param>
/// <param name="Timeout">How long one scrape may take (at most <paramref name="Interval"/>).</param>
/// <param name="MetricsPath">The HTTP path, starting with '/'.</param>
/// <param name="Scheme"><c>http</c> or <c>https</c>.</param>
/// <param name="Targets">The job's targets, with labels resolved.</param>
public sealed record ScrapeJob(string Name, TimeSpan Interval, TimeSpan Timeout, string MetricsPath, string Scheme, IReadOnlyList<ScrapeTarget> Targets);

/// <summary>One endpoint to scrape, with the labels every sample from it receives.</summary>
/// <param name="Job">The job name.</param>
/// <param name="Address">The <c>host:port</c> as configured.</param>
/// <param name="Url">The full URL scraped.</param>
/// <param name="Labels">Target labels: <c>job</c>, <c>instance</c> and the static labels.</param>
/// <param name="Interval">How often it is scraped.</param>
/// <param name="Timeout">How long one scrape may take.</param>
public sealed record ScrapeTarget(string Job, string Address, Uri Url, Labels Labels, TimeSpan Interval, TimeSpan Timeout)
{
    /// <summary>The <c>instance</c> label (the address unless a static label overrides it).</summary>
    public string Instance => Labels.Get("instance") ?? Address;

    /// <summary>
    /// Builds a target the way a static config does: URL <c>scheme://address/path</c>, labels
    /// <c>job</c> and <c>instance</c> unless <paramref name="staticLabels"/> sets them.
    /// </summary>
    /// <exception cref="ArgumentException">The address is not <c>host</c> or <c>host:port</c>, or the scheme or path is invalid.</exception>
    public static ScrapeTarget Create(string job, string address, Labels staticLabels, TimeSpan interval, TimeSpan timeout,
        string scheme = "http", string metricsPath = "/metrics")
    {
        ArgumentNullException.ThrowIfNull(staticLabels);
        if (!TryBuildUrl(scheme, address, metricsPath, out var url, out var error)) throw new ArgumentException(error, nameof(address));
        var labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["job"] = job, ["instance"] = address };
        foreach (var (name, value) in staticLabels) labels[name] = value;
        return new ScrapeTarget(job, address, url, Labels.From(labels), interval, timeout);
    }

    internal static bool TryBuildUrl(string scheme, string address, string metricsPath,
        [NotNullWhen(true)] out Uri? url, [NotNullWhen(false)] out string? error)
    {
        url = null;
        if (scheme is not ("http" or "https"))
        {
            error = $"scheme '{scheme}' is not supported (expected http or https)";
            return false;
        }
        if (!metricsPath.StartsWith('/'))
        {
            error = $"metrics_path '{metricsPath}' must start with '/'";
            return false;
        }
        if (string.IsNullOrWhiteSpace(address) || address.AsSpan().IndexOfAny("/?#@ \t") >= 0
            || !Uri.TryCreate($"{scheme}://{address}{metricsPath}", UriKind.Absolute, out url))
        {
            error = $"target '{address}' is not a valid host:port";
            return false;
        }
        error = null;
        return true;
    }
}
