using Foresight.Configuration;
using Foresight.Detection.Incidents;
using Foresight.Server.Detection;

namespace Foresight.Server.Tests.Detection;

public class AlertConfigTests
{
    private static AlertOptions Alerts(string yaml, string file) => AlertConfig.Read(ForesightConfig.Parse(yaml, file));

    [Fact]
    public void The_alerts_section_sets_webhooks_cooldown_and_minimum_severity()
    {
        var options = Alerts("""
            scrape:
              jobs: []
            alerts:
              webhooks: ["http://127.0.0.1:9000/hook", "https://ops.example.com/foresight"]
              cooldown: 10m
              min_severity: high
            """, "foresight.yml");
        options.Webhooks.Should().Equal("http://127.0.0.1:9000/hook", "https://ops.example.com/foresight");
        options.Cooldown.Should().Be(TimeSpan.FromMinutes(10));
        options.MinimumSeverity.Should().Be(Severity.High);
        Alerts("scrape:\n  jobs: []\n", "foresight.yml").Webhooks.Should().BeEmpty("no section, no webhooks");
    }

    [Theory]
    [InlineData("alerts: [\n", "foresight.yml: line 2: invalid YAML: ")]
    [InlineData("alerts:\n  webhooks: [\"ftp://x\"]\n", "foresight.yml: line 2: alerts.webhooks: 'ftp://x' is not an http(s) URL")]
    [InlineData("alerts:\n  cooldown: soon\n", "foresight.yml: line 2: alerts.cooldown: 'soon' is not a duration (e.g. 5m)")]
    [InlineData("alerts:\n  min_severity: 3\n", "foresight.yml: line 2: alerts.min_severity: '3' is not one of low, medium, high, critical")]
    [InlineData("alerts:\n  retries: 3\n", "foresight.yml: line 2: alerts.retries: unknown setting (known: webhooks, cooldown, min_severity)")]
    [InlineData("alerts:\n  ? [a, b]\n  : 1\n", "foresight.yml: line 2: alerts.: unknown setting")]
    [InlineData("alerts:\n  webhooks: http://127.0.0.1:9000/hook\n", "foresight.yml: line 2: alerts.webhooks: expected a list of http(s) URLs")]
    [InlineData("alerts: 5\n", "foresight.yml: line 1: alerts: expected a mapping")]
    public void A_bad_alerts_section_is_refused_with_file_line_and_key(string yaml, string message) =>
        FluentActions.Invoking(() => Alerts(yaml, "foresight.yml")).Should().Throw<InvalidOperationException>().WithMessage(message + "*");
}
