using System.Text.RegularExpressions;
using Foresight.Series;

namespace Foresight.Tests.Series;

public class SeriesSelectorTests
{
    [Theory]
    [InlineData("http_requests_total", "http_requests_total", "job=api", true)]
    [InlineData("http_requests_total{job=\"api\"}", "http_requests_total", "job=api", true)]
    [InlineData("http_requests_total{job=\"api\"}", "http_requests_total", "job=web", false)]
    [InlineData("{job=~\"a.*\"}", "cpu", "job=api", true)]
    [InlineData("{job=~\"a\"}", "cpu", "job=api", false)]
    [InlineData("cpu{job!=\"api\"}", "cpu", "job=web", true)]
    [InlineData("cpu{job!~\"w.*\", env=\"prod\"}", "cpu", "job=api,env=prod", true)]
    [InlineData("{__name__=~\"c.u\"}", "cpu", "", true)]
    [InlineData("{job=~\"api\"}", "cpu", "job=api\n", false)]   // anchored at the very end, not before a final newline
    public void Selector_matches_like_promql(string text, string metric, string labels, bool expected)
    {
        SeriesSelector.TryParse(text, out var selector, out var error).Should().BeTrue(error);
        var pairs = labels.Length == 0 ? [] : labels.Split(',').Select(p => p.Split('=')).Select(p => (p[0], p[1])).ToArray();
        selector!.Matches(metric, Labels.Of(pairs)).Should().Be(expected);
    }

    [Theory]
    [InlineData("cpu{job=api}", "quoted value")]
    [InlineData("cpu{job=\"api\"", "position")]
    [InlineData("{job=~\".*\"}", "empty string")]
    [InlineData("cpu{1job=\"x\"}", "label name")]
    [InlineData("cpu{job=~\"(\"}", "regular expression")]
    public void Bad_selectors_explain_what_is_wrong(string text, string fragment)
    {
        SeriesSelector.TryParse(text, out _, out var error).Should().BeFalse();
        error.Should().Contain(fragment);
    }

    [Theory]
    [InlineData("(a+)+b")]
    [InlineData("(a|aa)+c")]
    [InlineData("(.*a){20}")]
    public void Catastrophic_patterns_run_in_linear_time_and_keep_full_anchoring(string pattern)
    {
        SeriesSelector.TryParse($"{{pod=~\"{pattern}\"}}", out var selector, out var error).Should().BeTrue(error);
        selector!.Matchers[0].LinearTime.Should().BeTrue("RE2 syntax runs on the non-backtracking engine");
        // 5,000 characters that almost match: exponential for a backtracking engine, linear here (no time-out).
        selector.Matches("cpu", Labels.Of(("pod", new string('a', 5_000) + "!"))).Should().BeFalse();
        selector.Matchers[0].Matches("xab").Should().BeFalse("the pattern is anchored at the start");
    }

    [Fact]
    public void Non_backtracking_keeps_promql_semantics()
    {
        SeriesSelector.TryParse("{job=~\"api|web\"}", out var selector, out _).Should().BeTrue();
        selector!.Matchers[0].LinearTime.Should().BeTrue();
        selector.Matchers[0].Matches("api").Should().BeTrue();
        selector.Matchers[0].Matches("apiweb").Should().BeFalse("alternation is inside the anchors");
        selector.Matchers[0].Matches("api\n").Should().BeFalse();
    }

    [Fact]
    public void A_backtracking_only_pattern_that_takes_too_long_throws_a_timeout_naming_the_pattern()
    {
        // A lookahead is not RE2 syntax, so it falls back to the backtracking engine (with a time-out).
        const string pattern = "(?=(a+)+b).*";
        SeriesSelector.TryParse($"{{pod=~\"{pattern}\"}}", out var selector, out var error).Should().BeTrue(error);
        selector!.Matchers[0].LinearTime.Should().BeFalse();
        var match = () => selector.Matches("cpu", Labels.Of(("pod", new string('a', 40))));
        var thrown = match.Should().Throw<RegexMatchTimeoutException>().Which;
        thrown.Pattern.Should().Be(pattern);
        thrown.MatchTimeout.Should().Be(LabelMatcher.RegexTimeout);
    }
}
