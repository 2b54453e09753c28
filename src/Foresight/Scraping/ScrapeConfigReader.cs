using Foresight.Configuration;
using Foresight.Series;
using YamlDotNet.RepresentationModel;

namespace Foresight.Scraping;

/// <summary>
/// Walks the YAML node tree of the <c>scrape:</c> section (rather than deserializing into classes)
/// so every error can name its line and key path, e.g. <c>line 6: scrape.jobs[0].interval: ...</c>.
/// </summary>
internal sealed class ScrapeConfigReader
{
    private const string DurationHint = "(expected e.g. 500ms, 15s, 1m, 1h or 1m30s)";

    private readonly ForesightConfig _config;

    private ScrapeConfigReader(ForesightConfig config) => _config = config;

    /// <exception cref="ConfigException">The section breaks a rule.</exception>
    public static ScrapeConfig Read(ForesightConfig config)
    {
        var section = config.Section("scrape");
        return section is null ? ScrapeConfig.Empty : new ScrapeConfigReader(config).ReadSection(section);
    }

    private ScrapeConfig ReadSection(YamlNode section)
    {
        if (section is not YamlMappingNode scrape) throw Error(section, "scrape", "expected a mapping with 'jobs'");

        var keys = Keys(scrape, "scrape", ["interval|scrape_interval", "timeout|scrape_timeout", "tenant", "jobs|scrape_configs"]);
        var interval = keys.TryGetValue("interval", out var n) ? PositiveDuration(n, "scrape.interval") : ScrapeConfig.DefaultInterval;
        // As in Prometheus, the default timeout is cut to a shorter interval; an explicit longer one is an error.
        var timeout = ScrapeConfig.DefaultTimeout > interval ? interval : ScrapeConfig.DefaultTimeout;
        if (keys.TryGetValue("timeout", out n))
        {
            timeout = PositiveDuration(n, "scrape.timeout");
            if (timeout > interval)
            {
                throw Error(n, "scrape.timeout",
                    $"{PrometheusDuration.Format(timeout)} is longer than the interval {PrometheusDuration.Format(interval)}");
            }
        }
        var tenant = keys.TryGetValue("tenant", out n) ? String(n, "scrape.tenant") : ScrapeConfig.DefaultTenant;
        if (string.IsNullOrWhiteSpace(tenant)) throw Error(keys["tenant"], "scrape.tenant", "must not be empty");

        if (!keys.TryGetValue("jobs", out var jobsNode) || YamlNodes.IsNull(jobsNode)) throw Error(scrape, "scrape", "'jobs' is required");
        if (jobsNode is not YamlSequenceNode jobList) throw Error(jobsNode, "scrape.jobs", "expected a list of jobs");
        if (jobList.Children.Count == 0) throw Error(jobList, "scrape.jobs", "at least one job is required");

        var jobs = new List<ScrapeJob>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < jobList.Children.Count; i++)
        {
            var job = ReadJob(jobList.Children[i], $"scrape.jobs[{i}]", interval, timeout);
            if (!names.Add(job.Name)) throw Error(jobList.Children[i], $"scrape.jobs[{i}]", $"job_name '{job.Name}' is used by an earlier job");
            jobs.Add(job);
        }
        return new ScrapeConfig(interval, timeout, tenant, jobs);
    }

    private ScrapeJob ReadJob(YamlNode node, string path, TimeSpan globalInterval, TimeSpan globalTimeout)
    {
        if (node is not YamlMappingNode map) throw Error(node, path, "expected a mapping with job_name and static_configs");
        var keys = Keys(map, path,
            ["job_name", "interval|scrape_interval", "timeout|scrape_timeout", "metrics_path", "scheme", "static_configs"]);

        if (!keys.TryGetValue("job_name", out var n)) throw Error(map, path, "job_name is required");
        var name = String(n, path + ".job_name");
        if (string.IsNullOrWhiteSpace(name)) throw Error(n, path + ".job_name", "must not be empty");

        var interval = keys.TryGetValue("interval", out n) ? PositiveDuration(n, path + ".interval") : globalInterval;
        TimeSpan timeout;
        if (keys.TryGetValue("timeout", out n))
        {
            timeout = PositiveDuration(n, path + ".timeout");
            if (timeout > interval)
            {
                throw Error(n, path + ".timeout",
                    $"{PrometheusDuration.Format(timeout)} is longer than the interval {PrometheusDuration.Format(interval)} of job '{name}'");
            }
        }
        else
        {
            timeout = globalTimeout > interval ? interval : globalTimeout;
        }

        var metricsPath = keys.TryGetValue("metrics_path", out n) ? String(n, path + ".metrics_path") : "/metrics";
        var scheme = keys.TryGetValue("scheme", out n) ? String(n, path + ".scheme") : "http";
        if (scheme is not ("http" or "https")) throw Error(keys["scheme"], path + ".scheme", $"'{scheme}' is not supported (expected http or https)");
        if (!metricsPath.StartsWith('/')) throw Error(keys["metrics_path"], path + ".metrics_path", $"'{metricsPath}' must start with '/'");

        if (!keys.TryGetValue("static_configs", out var groupsNode) || YamlNodes.IsNull(groupsNode))
        {
            throw Error(map, path, $"static_configs is required (job '{name}')");
        }
        if (groupsNode is not YamlSequenceNode groups || groups.Children.Count == 0)
        {
            throw Error(groupsNode, path + ".static_configs", "expected a non-empty list of {targets, labels}");
        }

        var targets = new List<ScrapeTarget>();
        var addresses = new HashSet<string>(StringComparer.Ordinal);
        for (var g = 0; g < groups.Children.Count; g++)
        {
            var groupPath = $"{path}.static_configs[{g}]";
            if (groups.Children[g] is not YamlMappingNode group) throw Error(groups.Children[g], groupPath, "expected a mapping with targets");
            var groupKeys = Keys(group, groupPath, ["targets", "labels"]);
            var labels = groupKeys.TryGetValue("labels", out var labelsNode) ? ReadLabels(labelsNode, groupPath + ".labels") : Labels.Empty;

            if (!groupKeys.TryGetValue("targets", out var targetsNode) || YamlNodes.IsNull(targetsNode)) throw Error(group, groupPath, "targets is required");
            if (targetsNode is not YamlSequenceNode targetList) throw Error(targetsNode, groupPath + ".targets", "expected a list of host:port");
            if (targetList.Children.Count == 0) throw Error(targetList, groupPath + ".targets", "is empty");
            for (var t = 0; t < targetList.Children.Count; t++)
            {
                var targetPath = $"{groupPath}.targets[{t}]";
                var address = String(targetList.Children[t], targetPath);
                if (!ScrapeTarget.TryBuildUrl(scheme, address, metricsPath, out _, out var error)) throw Error(targetList.Children[t], targetPath, error);
                if (!addresses.Add(address)) throw Error(targetList.Children[t], targetPath, $"'{address}' is listed twice in job '{name}'");
                targets.Add(ScrapeTarget.Create(name, address, labels, interval, timeout, scheme, metricsPath));
            }
        }
        return new ScrapeJob(name, interval, timeout, metricsPath, scheme, targets);
    }

    private Labels ReadLabels(YamlNode node, string path)
    {
        if (YamlNodes.IsNull(node)) return Labels.Empty;
        if (node is not YamlMappingNode map) throw Error(node, path, "expected a mapping of label names to values");
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var (keyNode, valueNode) in map.Children)
        {
            var key = String(keyNode, path);
            if (!SeriesNames.IsValidLabelName(key)) throw Error(keyNode, path, $"'{key}' is not a valid label name (expected [a-zA-Z_][a-zA-Z0-9_]*)");
            if (key.StartsWith("__", StringComparison.Ordinal)) throw Error(keyNode, path, $"'{key}': names starting with '__' are reserved");
            pairs.Add(new(key, String(valueNode, $"{path}.{key}")));
        }
        return Labels.From(pairs);
    }

    /// <summary>
    /// The mapping's entries by canonical key. <paramref name="known"/> lists keys as
    /// <c>name|alias</c>; any other key, or a key given under both spellings, is an error.
    /// </summary>
    private Dictionary<string, YamlNode> Keys(YamlMappingNode map, string path, string[] known)
    {
        var result = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in map.Children)
        {
            var key = String(keyNode, path);
            var canonical = known.Select(k => k.Split('|')).FirstOrDefault(spellings => spellings.Contains(key))?[0];
            if (canonical is null)
            {
                var names = string.Join(", ", known.Select(k => k.Split('|')[0]));
                throw Error(keyNode, path, $"'{key}' is not supported (known keys: {names})");
            }
            if (!result.TryAdd(canonical, value)) throw Error(keyNode, path, $"'{key}' is given twice (as '{canonical}' or an alias)");
        }
        return result;
    }

    private TimeSpan PositiveDuration(YamlNode node, string path)
    {
        var text = String(node, path);
        if (!PrometheusDuration.TryParse(text, out var duration)) throw Error(node, path, $"'{text}' is not a duration {DurationHint}");
        if (duration <= TimeSpan.Zero) throw Error(node, path, "must be greater than zero");
        return duration;
    }

    private string String(YamlNode node, string path) =>
        node is YamlScalarNode { Value: { } value } ? value : throw Error(node, path, "expected a single value");

    private ConfigException Error(YamlNode node, string path, string message) => _config.Error(node, $"{path}: {message}");
}
