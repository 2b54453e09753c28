using Foresight.Configuration;
using Foresight.Detection.Incidents;
using Foresight.Scraping;
using YamlDotNet.RepresentationModel;

namespace Foresight.Server.Detection;

/// <summary>
/// Reads the <c>alerts:</c> section of the config file:
/// <code>
/// alerts:
///   webhooks: ["http://127.0.0.1:9000/hook"]
///   cooldown: 5m          # per service
///   min_severity: medium  # low | medium | high | critical
/// </code>
/// </summary>
internal static class AlertConfig
{
    /// <summary>The section's settings (the defaults without one).</summary>
    /// <exception cref="ConfigException">The section breaks a rule; the message names file, line and key.</exception>
    public static AlertOptions Read(ForesightConfig config)
    {
        var options = new AlertOptions();
        if (config.Section("alerts") is not { } node) return options;
        if (node is not YamlMappingNode section) throw config.Error(node, "alerts: expected a mapping with webhooks, cooldown, min_severity");
        foreach (var (keyNode, value) in section.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value;
            switch (key)
            {
                case "webhooks":
                    if (value is not YamlSequenceNode list) throw config.Error(value, "alerts.webhooks: expected a list of http(s) URLs, e.g. [\"http://127.0.0.1:9000/hook\"]");
                    foreach (var item in list)
                    {
                        var url = (item as YamlScalarNode)?.Value;
                        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                        {
                            throw config.Error(item, $"alerts.webhooks: '{url}' is not an http(s) URL");
                        }
                        options.Webhooks.Add(url!);
                    }
                    break;
                case "cooldown":
                    if (value is not YamlScalarNode scalar || !PrometheusDuration.TryParse(scalar.Value, out var cooldown)) throw config.Error(value, $"alerts.cooldown: '{(value as YamlScalarNode)?.Value}' is not a duration (e.g. 5m)");
                    options.Cooldown = cooldown;
                    break;
                case "min_severity":
                    var text = (value as YamlScalarNode)?.Value;
                    if (!Enum.TryParse<Severity>(text, ignoreCase: true, out var severity) || !Enum.IsDefined(severity) || int.TryParse(text, out _))
                    {
                        throw config.Error(value, $"alerts.min_severity: '{text}' is not one of low, medium, high, critical");
                    }
                    options.MinimumSeverity = severity;
                    break;
                default:
                    throw config.Error(keyNode, $"alerts.{key}: unknown setting (known: webhooks, cooldown, min_severity)");
            }
        }
        return options;
    }
}
