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
}
