using System.Text;
using Foresight.Scraping;
using Foresight.Series;

namespace Foresight.Tests.Scraping;

public class PrometheusTextParserTests
{
    // The example of the Prometheus "Exposition formats" page, extended with tabs, a trailing
    // comma, an empty label value, NaN/-Inf and a histogram, joined with Windows line endings.
    private static readonly string[] ExpositionLines =
    [
        "# HELP http_requests_total The total number of HTTP requests.",
        "# TYPE http_requests_total counter",
        "http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000",
        "http_requests_total{method=\"post\",code=\"400\"}    3 1395066363000",
        "",
        "# Escaping in label values:",
        "msdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find file:\\n\\\"FILE.TXT\\\"\"} 1.458255915e9",
        "",
        "# Minimalistic line:",
        "metric_without_timestamp_and_labels 12.47",
        "",
        "# A weird metric from before the epoch:",
        "something_weird{problem=\"division by zero\"} +Inf -3982045",
        "",
        "# HELP http_request_duration_seconds A histogram of the request duration.",
        "# TYPE http_request_duration_seconds histogram",
        "http_request_duration_seconds_bucket{le=\"0.05\"} 24054",
        "http_request_duration_seconds_bucket{le=\"0.1\"} 33444",
        "http_request_duration_seconds_bucket{le=\"+Inf\"} 144320",
        "http_request_duration_seconds_sum 53423",
        "http_request_duration_seconds_count 144320",
        "",
        "# HELP rpc_duration_seconds A summary of the RPC duration in seconds.",
        "# TYPE rpc_duration_seconds summary",
        "rpc_duration_seconds{quantile=\"0.01\"} 3102",
        "rpc_duration_seconds{quantile=\"0.99\"} 76656",
        "rpc_duration_seconds_sum 1.7560473e+07",
        "rpc_duration_seconds_count 2693",
        "# TYPE node_hwmon_temp_celsius gauge",
        "  node_hwmon_temp_celsius{ chip = \"pci0\" , sensor=\"\",}\tNaN",
        "node_hwmon_temp_celsius{chip=\"pci1\"}\t-Inf\t",
        "node_boot_time_seconds 1.7e-3",
    ];

    private static readonly ScrapedSample[] ExpectedSamples =
    [
        new("http_requests_total", Labels.Of(("method", "post"), ("code", "200")), 1027, 1395066363000),
        new("http_requests_total", Labels.Of(("method", "post"), ("code", "400")), 3, 1395066363000),
        new("msdos_file_access_time_seconds",
            Labels.Of(("path", @"C:\DIR\FILE.TXT"), ("error", "Cannot find file:\n\"FILE.TXT\"")), 1.458255915e9, null),
        new("metric_without_timestamp_and_labels", Labels.Empty, 12.47, null),
        new("something_weird", Labels.Of(("problem", "division by zero")), double.PositiveInfinity, -3982045),
        new("http_request_duration_seconds_bucket", Labels.Of(("le", "0.05")), 24054, null),
        new("http_request_duration_seconds_bucket", Labels.Of(("le", "0.1")), 33444, null),
        new("http_request_duration_seconds_bucket", Labels.Of(("le", "+Inf")), 144320, null),
        new("http_request_duration_seconds_sum", Labels.Empty, 53423, null),
        new("http_request_duration_seconds_count", Labels.Empty, 144320, null),
        new("rpc_duration_seconds", Labels.Of(("quantile", "0.01")), 3102, null),
        new("rpc_duration_seconds", Labels.Of(("quantile", "0.99")), 76656, null),
        new("rpc_duration_seconds_sum", Labels.Empty, 1.7560473e7, null),
        new("rpc_duration_seconds_count", Labels.Empty, 2693, null),
        new("node_hwmon_temp_celsius", Labels.Of(("chip", "pci0")), double.NaN, null),
        new("node_hwmon_temp_celsius", Labels.Of(("chip", "pci1")), double.NegativeInfinity, null),
        new("node_boot_time_seconds", Labels.Empty, 0.0017, null),
    ];

    [Fact]
    public void Realistic_exposition_with_crlf_parses_to_exact_samples()
    {
        var text = string.Join("\r\n", ExpositionLines) + "\r\n";

        var samples = PrometheusTextParser.Parse(text);

        samples.Should().Equal(ExpectedSamples);
    }

    [Fact]
    public void Utf8_bytes_parse_like_text_and_a_reused_parser_returns_the_same_label_instances()
    {
        var bytes = Encoding.UTF8.GetBytes("\uFEFF" + string.Join("\n", ExpositionLines) + "\ncafé{name=\"crème brûlée\"} 1");
        var parser = new PrometheusTextParser();
        var first = new List<ScrapedSample>();
        var second = new List<ScrapedSample>();

        parser.TryParse(bytes, ExpositionFormat.PrometheusText, first, out var error).Should().BeFalse("'é' is not allowed in a metric name");
        error.Should().Be("line 33: unexpected character 'é' after 'caf'");
        first.Should().BeEmpty("a failed parse leaves the list as it was");

        bytes = Encoding.UTF8.GetBytes(string.Join("\n", ExpositionLines) + "\ncafe{name=\"crème brûlée\"} 1");
        parser.TryParse(bytes, ExpositionFormat.PrometheusText, first, out error).Should().BeTrue(error);
        parser.TryParse(bytes, ExpositionFormat.PrometheusText, second, out error).Should().BeTrue(error);

        first.Should().Equal([.. ExpectedSamples, new("cafe", Labels.Of(("name", "crème brûlée")), 1, null)]);
        second.Should().Equal(first);
        for (var i = 0; i < first.Count; i++)
        {
            second[i].Labels.Should().BeSameAs(first[i].Labels, "the series cache hands out the labels parsed on the first pass");
        }
    }

    [Fact]
    public void Openmetrics_timestamps_are_seconds_exemplars_are_skipped_and_created_samples_dropped()
    {
        var text = """
            # TYPE requests counter
            # UNIT requests requests
            requests_total{path="/"} 17 1700000000.25 # {trace_id="abc"} 1 1700000000.1
            requests_created{path="/"} 1699990000
            # TYPE temperature gauge
            temperature 21.5
            # TYPE process_start_time_created gauge
            process_start_time_created 5
            # EOF

            """;

        var samples = PrometheusTextParser.Parse(text, ExpositionFormat.OpenMetrics);

        samples.Should().Equal(
            new ScrapedSample("requests_total", Labels.Of(("path", "/")), 17, 1700000000250),
            new ScrapedSample("temperature", Labels.Empty, 21.5, null),
            new ScrapedSample("process_start_time_created", Labels.Empty, 5, null));
    }

    [Fact]
    public void Format_follows_the_content_type()
    {
        PrometheusTextParser.FormatOf("application/openmetrics-text").Should().Be(ExpositionFormat.OpenMetrics);
        PrometheusTextParser.FormatOf("text/plain").Should().Be(ExpositionFormat.PrometheusText);
        PrometheusTextParser.FormatOf(null).Should().Be(ExpositionFormat.PrometheusText);
    }

    [Theory]
    [InlineData("a 1\nb{x=\"1\" 2", "line 2: missing '}' at the end of the labels of 'b'")]
    [InlineData("a{x=1} 2", "line 1: expected a quoted value for label 'x'")]
    [InlineData("a{x} 2", "line 1: expected '=' after label name 'x'")]
    [InlineData("a{x=\"1\" y=\"2\"} 1", "line 1: expected ',' or '}' after the value of label 'x'")]
    [InlineData("a{,} 1", "line 1: expected a label name, found ','")]
    [InlineData("a{x=\"1\",x=\"2\"} 1", "line 1: label 'x' appears more than once")]
    [InlineData("a{x=\"\\q\"} 1", "line 1: invalid escape sequence '\\q' (allowed: \\\\, \\\" and \\n) in the value of label 'x'")]
    [InlineData("# TYPE a gauge\r\na{x=\"1\"} abc", "line 2: 'abc' is not a valid value for 'a'")]
    [InlineData("a 0x1F", "line 1: '0x1F' is not a valid value for 'a'")]
    [InlineData("a 1 12.5", "line 1: '12.5' is not a valid timestamp (expected integer milliseconds)")]
    [InlineData("a 1 2 3", "line 1: unexpected text '3' after the timestamp")]
    [InlineData("a", "line 1: 'a' has no value")]
    [InlineData("a{x=\"1\"}", "line 1: 'a' has no value")]
    [InlineData("a-b 1", "line 1: unexpected character '-' after 'a'")]
    [InlineData("\n\n1abc 1", "line 3: expected a metric name, found '1'")]
    [InlineData("# TYPE a countr", "line 1: unknown metric type 'countr' for 'a' (expected counter, gauge, histogram, summary or untyped)")]
    [InlineData("# HELP 9x text", "line 1: '# HELP' must be followed by a valid metric name")]
    [InlineData("a 1\n# EOF\nb 2", "line 3: unexpected text after '# EOF'")]
    [InlineData("a 1 # {x=\"y\"} 1", "line 1: '#' is not a valid timestamp (expected integer milliseconds)")]
    public void Malformed_lines_fail_with_the_line_number_and_the_problem(string text, string expected)
    {
        var samples = new List<ScrapedSample>();

        var ok = new PrometheusTextParser().TryParse(text, ExpositionFormat.PrometheusText, samples, out var error);

        ok.Should().BeFalse();
        error.Should().Be(expected);
        samples.Should().BeEmpty();
        FluentActions.Invoking(() => PrometheusTextParser.Parse(text)).Should().Throw<FormatException>().Which.Message.Should().Be(expected);
    }

    [Fact]
    public void Comments_blank_lines_and_a_missing_final_newline_are_fine()
    {
        PrometheusTextParser.Parse("#\n# just a comment\n   \n\t# indented\nx 1").Should().Equal(new ScrapedSample("x", Labels.Empty, 1, null));
        PrometheusTextParser.Parse("").Should().BeEmpty();
    }
}
