using Foresight.Configuration;
using Foresight.Detection;
using Foresight.Series;
using YamlDotNet.RepresentationModel;

namespace Foresight.Server.Detection;

/// <summary>
/// Reads the <c>detection:</c> section of the config file into the scoring policy (<see cref="ScoringPolicy"/>):
/// <code>
/// detection:
///   score: ['{job="api"}', 'http_requests_total']   # only these (default: all but buckets, quantiles, info metrics)
///   skip: ['{__name__=~"go_.*"}']                     # never these
///   rate: ['{__name__=~".*_bytes_sent"}']             # counters whose name does not end in _total, _count or _sum
///   cross_metric_max_series: 16
/// </code>
/// Each list item is a Prometheus series selector (the API's <c>match</c> syntax).
/// </summary>
internal static class DetectionConfig
{
    private const string Known = "score, skip, rate, cross_metric_max_series";

    /// <summary>Applies the section to <paramref name="options"/> (unchanged without one) and returns them.</summary>
    /// <exception cref="ConfigException">The section breaks a rule; the message names file, line and key.</exception>
    public static DetectionOptions Read(ForesightConfig config, DetectionOptions options)
    {
        if (config.Section("detection") is not { } node || YamlNodes.IsNull(node)) return options;
        if (node is not YamlMappingNode section) throw config.Error(node, $"detection: expected a mapping with {Known}");
        var (score, skip, rate) = (options.Policy.Score, options.Policy.Skip, options.Policy.Rate);
        foreach (var (keyNode, value) in section.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value;
            switch (key)
            {
                case "score":
                    score = Selectors(config, key, value);
                    break;
                case "skip":
                    skip = Selectors(config, key, value);
                    break;
                case "rate":
                    rate = Selectors(config, key, value);
                    break;
                case "cross_metric_max_series":
                    if (value is not YamlScalarNode { Value: var text } || !int.TryParse(text, out var max) || max < 2)
                    {
                        throw config.Error(value, $"detection.cross_metric_max_series: '{(value as YamlScalarNode)?.Value}' is not a whole number of at least 2");
                    }
                    options.CrossMetricMaxSeries = max;
                    break;
                default:
                    throw config.Error(keyNode, $"detection.{key}: unknown setting (known: {Known})");
            }
        }
        options.Policy = new ScoringPolicy { Score = score, Skip = skip, Rate = rate };
        return options;
    }

    private static List<SeriesSelector> Selectors(ForesightConfig config, string key, YamlNode value)
    {
        if (value is not YamlSequenceNode list) throw config.Error(value, $"detection.{key}: expected a list of series selectors, e.g. ['{{job=\"api\"}}']");
        var selectors = new List<SeriesSelector>();
        foreach (var item in list)
        {
            var text = (item as YamlScalarNode)?.Value;
            if (string.IsNullOrWhiteSpace(text)) throw config.Error(item, $"detection.{key}: an empty selector (it would match every series)");
            if (!SeriesSelector.TryParse(text, out var selector, out var error)) throw config.Error(item, $"detection.{key}: '{text}' is not a series selector: {error}");
            selectors.Add(selector);
        }
        return selectors;
    }
}
