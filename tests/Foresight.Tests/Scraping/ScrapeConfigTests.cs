using Foresight.Scraping;
using Foresight.Series;

namespace Foresight.Tests.Scraping;

public class ScrapeConfigTests
{
    [Fact]
    public void Full_config_resolves_jobs_targets_labels_and_durations()
    {
        var config = ScrapeConfig.Load("""
            server:
              port: 8080            # another Foresight setting, ignored here
            scrape:
              interval: 30s
              timeout: 10s
              tenant: team-a
              jobs:
                - job_name: node
                  interval: 5s
                  static_configs:
                    - targets: ["127.0.0.1:9100", "db-1:9100"]
                      labels: {env: dev}
                    - targets: [ "[::1]:9100" ]
                - job_name: app
                  scrape_interval: 1m30s
                  scrape_timeout: 500ms
                  metrics_path: /internal/metrics
                  scheme: https
                  static_configs:
                    - targets: [app:8443]
                      labels:
                        instance: app-primary
            """);

        config.Interval.Should().Be(TimeSpan.FromSeconds(30));
        config.Timeout.Should().Be(TimeSpan.FromSeconds(10));
        config.Tenant.Should().Be("team-a");
        config.Jobs.Select(j => j.Name).Should().Equal("node", "app");

        var node = config.Jobs[0];
        node.Interval.Should().Be(TimeSpan.FromSeconds(5));
        node.Timeout.Should().Be(TimeSpan.FromSeconds(5), "the global timeout is cut to a shorter job interval, as in Prometheus");
        node.Targets.Select(t => t.Url.ToString()).Should().Equal(
            "http://127.0.0.1:9100/metrics", "http://db-1:9100/metrics", "http://[::1]:9100/metrics");
        node.Targets[0].Labels.Should().Equal(Labels.Of(("job", "node"), ("instance", "127.0.0.1:9100"), ("env", "dev")));
        node.Targets[2].Labels.Should().Equal(Labels.Of(("job", "node"), ("instance", "[::1]:9100")));

        var app = config.Jobs[1];
        app.Interval.Should().Be(TimeSpan.FromSeconds(90));
        app.Timeout.Should().Be(TimeSpan.FromMilliseconds(500));
        app.Targets.Should().ContainSingle().Which.Should().Be(new ScrapeTarget("app", "app:8443",
            new Uri("https://app:8443/internal/metrics"), Labels.Of(("job", "app"), ("instance", "app-primary")),
            TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(500)));
        app.Targets[0].Instance.Should().Be("app-primary");
        config.Targets.Should().HaveCount(4);
    }

    [Fact]
    public void Defaults_apply_when_only_targets_are_given()
    {
        var config = ScrapeConfig.Load("""
            scrape:
              jobs:
                - job_name: node
                  static_configs:
                    - targets: ["localhost:9100"]
            """);

        config.Should().BeEquivalentTo(new
        {
            Interval = TimeSpan.FromSeconds(15),
            Timeout = TimeSpan.FromSeconds(10),
            Tenant = "default",
        });
        config.Jobs[0].Should().BeEquivalentTo(new { MetricsPath = "/metrics", Scheme = "http", Interval = TimeSpan.FromSeconds(15) });
    }

    [Theory]
    [InlineData("")]
    [InlineData("server:\n  port: 1\n")]
    [InlineData("# only a comment\n")]
    public void A_document_without_a_scrape_section_means_scraping_is_off(string yaml)
    {
        ScrapeConfig.TryParse(yaml, out var config, out var error).Should().BeTrue(error);
        config.Should().BeSameAs(ScrapeConfig.Empty);
        config!.Targets.Should().BeEmpty();
    }

    private const string Job = "scrape:\n  jobs:\n    - job_name: node\n      static_configs:\n        - targets: [\"h:1\"]\n";

    [Theory]
    [InlineData("scrape:\n  interval: 15x\n  jobs: []\n",
        "line 2: scrape.interval: '15x' is not a duration (expected e.g. 500ms, 15s, 1m, 1h or 1m30s)")]
    [InlineData("scrape:\n  interval: 1s1m\n", "line 2: scrape.interval: '1s1m' is not a duration (expected e.g. 500ms, 15s, 1m, 1h or 1m30s)")]
    [InlineData("scrape:\n  interval: 0s\n", "line 2: scrape.interval: must be greater than zero")]
    [InlineData("scrape:\n  interval: 5s\n  timeout: 6s\n", "line 3: scrape.timeout: 6s is longer than the interval 5s")]
    [InlineData("scrape:\n  tenant: ''\n", "line 2: scrape.tenant: must not be empty")]
    [InlineData("scrape:\n  intervall: 5s\n",
        "line 2: scrape: 'intervall' is not supported (known keys: interval, timeout, tenant, jobs)")]
    [InlineData("scrape:\n  interval: 5s\n  scrape_interval: 5s\n",
        "line 3: scrape: 'scrape_interval' is given twice (as 'interval' or an alias)")]
    [InlineData("scrape:\n  tenant: t\n", "line 2: scrape: 'jobs' is required")]
    [InlineData("scrape:\n  jobs: []\n", "line 2: scrape.jobs: at least one job is required")]
    [InlineData("scrape: 5\n", "line 1: scrape: expected a mapping with 'jobs'")]
    [InlineData("- a\n- b\n", "line 1: the document must be a mapping of settings")]
    [InlineData("scrape:\n  jobs:\n    - static_configs: []\n", "line 3: scrape.jobs[0]: job_name is required")]
    [InlineData("scrape:\n  jobs:\n    - job_name: node\n", "line 3: scrape.jobs[0]: static_configs is required (job 'node')")]
    [InlineData("scrape:\n  jobs:\n    - job_name: node\n      static_configs:\n        - targets: []\n",
        "line 5: scrape.jobs[0].static_configs[0].targets: is empty")]
    [InlineData("scrape:\n  jobs:\n    - job_name: node\n      static_configs:\n        - labels: {a: b}\n",
        "line 5: scrape.jobs[0].static_configs[0]: targets is required")]
    [InlineData("scrape:\n  jobs:\n    - job_name: node\n      static_configs:\n        - targets: [\"h:1/x\"]\n",
        "line 5: scrape.jobs[0].static_configs[0].targets[0]: target 'h:1/x' is not a valid host:port")]
    [InlineData("scrape:\n  jobs:\n    - job_name: node\n      static_configs:\n        - targets: [\"h:1\", \"h:1\"]\n",
        "line 5: scrape.jobs[0].static_configs[0].targets[1]: 'h:1' is listed twice in job 'node'")]
    [InlineData("scrape:\n  jobs:\n    - job_name: node\n      static_configs:\n        - targets: [\"h:1\"]\n          labels: {1x: a}\n",
        "line 6: scrape.jobs[0].static_configs[0].labels: '1x' is not a valid label name (expected [a-zA-Z_][a-zA-Z0-9_]*)")]
    [InlineData("scrape:\n  jobs:\n    - job_name: node\n      static_configs:\n        - targets: [\"h:1\"]\n          labels: {__x: a}\n",
        "line 6: scrape.jobs[0].static_configs[0].labels: '__x': names starting with '__' are reserved")]
    [InlineData(Job + "    - job_name: node\n      static_configs:\n        - targets: [\"h:2\"]\n",
        "line 6: scrape.jobs[1]: job_name 'node' is used by an earlier job")]
    [InlineData(Job + "      relabel_configs: []\n",
        "line 6: scrape.jobs[0]: 'relabel_configs' is not supported (known keys: job_name, interval, timeout, metrics_path, scheme, static_configs)")]
    [InlineData(Job + "      scheme: ftp\n", "line 6: scrape.jobs[0].scheme: 'ftp' is not supported (expected http or https)")]
    [InlineData(Job + "      metrics_path: metrics\n", "line 6: scrape.jobs[0].metrics_path: 'metrics' must start with '/'")]
    [InlineData(Job + "      interval: 5s\n      timeout: 6s\n",
        "line 7: scrape.jobs[0].timeout: 6s is longer than the interval 5s of job 'node'")]
    [InlineData(Job + "      interval: [5s]\n", "line 6: scrape.jobs[0].interval: expected a single value")]
    [InlineData("scrape:\n  jobs: [\n", "line 3: invalid YAML: While parsing a node, did not find expected node content.")]
    public void Invalid_configs_say_where_and_what(string yaml, string expected)
    {
        ScrapeConfig.TryParse(yaml, out var config, out var error).Should().BeFalse();
        config.Should().BeNull();
        error.Should().Be(expected);
        FluentActions.Invoking(() => ScrapeConfig.Load(yaml)).Should().Throw<FormatException>().Which.Message.Should().Be(expected);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("500ms", 500)]
    [InlineData("15s", 15_000)]
    [InlineData("1m", 60_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("2d", 172_800_000)]
    [InlineData("1w", 604_800_000)]
    public void Durations_follow_the_prometheus_grammar(string text, long milliseconds)
    {
        PrometheusDuration.TryParse(text, out var duration).Should().BeTrue();
        duration.Should().Be(TimeSpan.FromMilliseconds(milliseconds));
        if (milliseconds > 0) PrometheusDuration.Format(duration).Should().Be(text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("15")]
    [InlineData("s")]
    [InlineData("1.5s")]
    [InlineData("1s1s")]
    [InlineData("30s1m")]
    [InlineData("-1s")]
    [InlineData("1 s")]
    [InlineData("1S")]
    public void Non_durations_are_refused(string text) => PrometheusDuration.TryParse(text, out _).Should().BeFalse();
}
