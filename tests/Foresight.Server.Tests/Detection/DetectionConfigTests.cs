using Foresight.Configuration;
using Foresight.Detection;
using Foresight.Series;
using Foresight.Server.Detection;

namespace Foresight.Server.Tests.Detection;

public sealed class DetectionConfigTests
{
    private static DetectionOptions Read(string yaml) => DetectionConfig.Read(ForesightConfig.Parse(yaml, "foresight.yml"), new DetectionOptions());

    [Fact]
    public void The_detection_section_sets_the_scoring_policy_from_series_selectors()
    {
        var options = Read("""
            detection:
              score: ['{job="api"}', 'node_load1']
              skip: ['{__name__=~"go_.*"}']
              rate: ['{__name__=~".*_bytes_sent"}']
              cross_metric_max_series: 8
            """);
        options.CrossMetricMaxSeries.Should().Be(8);
        var api = Labels.Of(("job", "api"));
        options.Policy.Decide("requests", api, "anomaly_score").Should().Be(ScoreAs.Value);
        options.Policy.Decide("requests", Labels.Of(("job", "db")), "anomaly_score").Should().Be(ScoreAs.Skip);
        options.Policy.Decide("go_goroutines", api, "anomaly_score").Should().Be(ScoreAs.Skip);
        options.Policy.Decide("net_bytes_sent", api, "anomaly_score").Should().Be(ScoreAs.Rate);
        Read("alerts:\n  webhooks: []\n").Policy.Score.Should().BeEmpty("no section: the default policy");
    }

    [Theory]
    [InlineData("detection: [1]\n", "foresight.yml: line 1: detection: expected a mapping")]
    [InlineData("detection:\n  score: '{job=\"api\"}'\n", "foresight.yml: line 2: detection.score: expected a list of series selectors")]
    [InlineData("detection:\n  skip: ['{job=~\"(\"}']\n", "foresight.yml: line 2: detection.skip: '{job=~\"(\"}' is not a series selector: ")]
    [InlineData("detection:\n  skip: ['']\n", "foresight.yml: line 2: detection.skip: an empty selector")]
    [InlineData("detection:\n  cross_metric_max_series: 1\n", "foresight.yml: line 2: detection.cross_metric_max_series: '1' is not a whole number of at least 2")]
    [InlineData("detection:\n  scores: []\n", "foresight.yml: line 2: detection.scores: unknown setting (known: score, skip, rate, cross_metric_max_series)")]
    public void A_bad_detection_section_names_the_file_line_and_key(string yaml, string message) =>
        FluentActions.Invoking(() => Read(yaml)).Should().Throw<ConfigException>().Which.Message.Should().StartWith(message);
}
