using Foresight.Ingestion;

namespace Foresight.Tests.Ingestion;

public sealed class JsonIngestParserTests
{
    // The position is checked against the offending token's place in the body (the last occurrence of `token`).
    [Theory]
    [InlineData("""{"series":[{"metric":"m","points":[[1,"12"]]}]}""", "series[0].points[0][1]: the string \"12\" is not a number", "\"12\"")]
    [InlineData("""{"series":[{"metric":"m","points":[[1,1e999]]}]}""", "series[0].points[0][1]: 1e999 is outside the range of a double", "1e999")]
    [InlineData("""{"series":[{"metric":"m","points":[[1,-1e400]]}]}""", "series[0].points[0][1]: -1e400 is outside the range of a double", "-1e400")]
    [InlineData("""{"series":[{"metric":"m","metric":"n","points":[]}]}""", "series[0]: the key \"metric\" appears more than once", "\"metric\"")]
    [InlineData("""{"series":[{"metric":"m","points":[],"points":[[1,2]]}]}""", "series[0]: the key \"points\" appears more than once", "\"points\"")]
    [InlineData("""{"series":[],"series":[{"metric":"m","points":[[1,2]]}]}""", "the body: the key \"series\" appears more than once", "\"series\"")]
    [InlineData("""{"series":[{"metric":"m","labels":{"a":"1","a":"2"},"points":[]}]}""", "series[0].labels.a: the label appears more than once", "\"a\"")]
    [InlineData("""{"series":[{"metric":"m","labels":{"pod":"a\u0000b"},"points":[]}]}""", "series[0].labels.pod: the value contains U+0000 (NUL)", "\"a\\u0000b\"")]
    [InlineData("""{"series":[{"metric":"m","labels":{"p\u0000d":"a"},"points":[]}]}""", "series[0].labels: a label name contains U+0000 (NUL)", "\"p\\u0000d\"")]
    [InlineData("""{"series":[{"metric":"m\u0000","points":[]}]}""", "series[0].metric: the metric name contains U+0000 (NUL)", "\"m\\u0000\"")]
    public void Strict_refusals_name_the_path_and_the_position(string body, string what, string token)
    {
        JsonIngestParser.TryParse(System.Text.Encoding.UTF8.GetBytes(body), out var series, out _, out var error).Should().BeFalse();
        series.Should().BeNull();
        var offset = body.LastIndexOf(token, StringComparison.Ordinal);
        offset.Should().BePositive();
        error.Should().Contain(what).And.EndWith($"(at byte {offset}, line 1, column {offset + 1})");
    }

    [Fact]
    public void The_position_counts_lines_of_a_pretty_printed_body()
    {
        var body = "{\n  \"series\": [\n    {\"metric\": \"m\",\n     \"points\": [[1, \"12\"]]}\n  ]\n}";
        JsonIngestParser.TryParse(System.Text.Encoding.UTF8.GetBytes(body), out _, out _, out var error).Should().BeFalse();
        var offset = body.IndexOf("\"12\"", StringComparison.Ordinal);
        var column = offset - body.LastIndexOf('\n', offset);
        error.Should().EndWith($"(at byte {offset}, line 4, column {column})");
    }

    [Fact]
    public void Numbers_the_special_strings_and_the_largest_finite_double_are_taken()
    {
        var body = """{"series":[{"metric":"m","labels":{"a":"x"},"points":[[1,12],[2,-0.5e3],[3,"NaN"],[4,"+Inf"],[5,"-Inf"],[6,1.7976931348623157e308]]}]}""";
        JsonIngestParser.TryParse(System.Text.Encoding.UTF8.GetBytes(body), out var series, out var points, out var error).Should().BeTrue(error);
        points.Should().Be(6);
        var values = series![0].Points.Select(p => p.Value).ToList();
        values[0].Should().Be(12);
        values[1].Should().Be(-500);
        double.IsNaN(values[2]).Should().BeTrue();
        values[3].Should().Be(double.PositiveInfinity);
        values[4].Should().Be(double.NegativeInfinity);
        values[5].Should().Be(double.MaxValue);
    }
}
