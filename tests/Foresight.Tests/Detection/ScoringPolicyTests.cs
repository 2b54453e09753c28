using Foresight.Detection;
using Foresight.Series;

namespace Foresight.Tests.Detection;

public sealed class ScoringPolicyTests
{
    private static SeriesSelector Sel(string text) => SeriesSelector.TryParse(text, out var s, out var e) ? s : throw new ArgumentException(e);

    [Theory]
    [InlineData("http_request_duration_seconds_bucket", "le=0.5", ScoreAs.Skip)]
    [InlineData("weird_histogram", "le=+Inf", ScoreAs.Skip)]
    [InlineData("rpc_duration_seconds", "quantile=0.99", ScoreAs.Skip)]
    [InlineData("node_uname_info", "", ScoreAs.Skip)]
    [InlineData("target_info", "", ScoreAs.Skip)]
    [InlineData("process_start_created", "", ScoreAs.Skip)]
    [InlineData("anomaly_score", "metric=cpu", ScoreAs.Skip)]
    [InlineData("node_cpu_seconds_total", "mode=user", ScoreAs.Rate)]
    [InlineData("http_request_duration_seconds_count", "", ScoreAs.Rate)]
    [InlineData("http_request_duration_seconds_sum", "", ScoreAs.Rate)]
    [InlineData("node_load1", "", ScoreAs.Value)]
    [InlineData("node_memory_MemAvailable_bytes", "", ScoreAs.Value)]
    public void The_default_policy_skips_buckets_quantiles_info_and_scores_counters_as_rates(string metric, string label, ScoreAs expected)
    {
        var labels = label == "" ? Labels.Empty : Labels.Of((label.Split('=')[0], label.Split('=')[1]));
        new ScoringPolicy().Decide(metric, labels, "anomaly_score").Should().Be(expected);
    }

    [Fact]
    public void Score_selectors_choose_the_series_skip_selectors_remove_some_and_rate_selectors_add_counters()
    {
        var policy = new ScoringPolicy
        {
            Score = [Sel("{job=\"api\"}"), Sel("node_load1")],
            Skip = [Sel("{__name__=~\"go_.*\"}")],
            Rate = [Sel("{__name__=~\".*_bytes_sent\"}")],
        };
        var api = Labels.Of(("job", "api"));
        policy.Decide("requests", api, "anomaly_score").Should().Be(ScoreAs.Value);
        policy.Decide("requests", Labels.Of(("job", "db")), "anomaly_score").Should().Be(ScoreAs.Skip, "only the score selectors' series are scored");
        policy.Decide("node_load1", Labels.Empty, "anomaly_score").Should().Be(ScoreAs.Value);
        policy.Decide("go_goroutines", api, "anomaly_score").Should().Be(ScoreAs.Skip, "skip wins over score");
        policy.Decide("net_bytes_sent", api, "anomaly_score").Should().Be(ScoreAs.Rate);
        policy.Decide("latency_bucket", api, "anomaly_score").Should().Be(ScoreAs.Value, "an explicit score selector replaces the default exclusions");
        policy.Decide("anomaly_score", api, "anomaly_score").Should().Be(ScoreAs.Skip, "scores are never scored");
    }

    [Fact]
    public void A_counter_rate_is_the_increase_per_second_and_a_drop_is_a_reset_from_zero()
    {
        var rate = new CounterRate();
        rate.TryNext(0, 100, out _).Should().BeFalse("the first sample only seeds the rate");
        rate.TryNext(10_000, 150, out var r1).Should().BeTrue();
        r1.Should().Be(5);
        rate.TryNext(10_000, 170, out _).Should().BeFalse("a sample not newer than the previous one is ignored");
        rate.TryNext(20_000, double.NaN, out _).Should().BeFalse();
        rate.TryNext(25_000, 30, out var r2).Should().BeTrue();
        r2.Should().Be(2, "a restart reset the counter: 30 counted since, over 15 s (as Prometheus' rate() takes it)");
        rate.TryNext(30_000, 30, out var r3).Should().BeTrue();
        r3.Should().Be(0);
    }
}
