using Foresight.Ingestion;
using Foresight.Ingestion.Prometheus;
using Foresight.Series;
using Google.Protobuf;
using IronSnappy;

namespace Foresight.Tests.Ingestion;

public class RemoteWriteDecoderTests
{
    private static readonly SeriesWrite[] Sample =
    [
        new("http_requests_total", Labels.Of(("job", "api"), ("instance", "10.0.0.1:9090"), ("Zone", "eu-1")),
            [new Point(1_700_000_000_000, 1), new Point(1_700_000_015_000, 2.5)]),
        new("node_temp_celsius", Labels.Of(("host", "ünïcode-host")), [new Point(-5, double.NaN)]),
        new("up", Labels.Empty, [new Point(1_700_000_000_000, 1)]),
    ];

    [Fact]
    public void Encoded_series_decode_to_the_same_series()
    {
        var body = RemoteWriteDecoder.Encode(Sample);

        RemoteWriteDecoder.TryDecode(body, out var series, out var samples, out var error).Should().BeTrue(error);

        samples.Should().Be(4);
        series.Should().HaveCount(3);
        for (var i = 0; i < Sample.Length; i++)
        {
            series[i].Metric.Should().Be(Sample[i].Metric);
            series[i].Labels.ToString().Should().Be(Sample[i].Labels.ToString());
            series[i].Points.Should().Equal(Sample[i].Points);
        }
    }

    [Fact]
    public void A_request_built_with_the_generated_types_decodes()
    {
        var request = new WriteRequest();
        var ts = new TimeSeries();
        ts.Labels.Add(new Label { Name = "__name__", Value = "cpu_seconds_total" });
        ts.Labels.Add(new Label { Name = "cpu", Value = "0" });
        ts.Labels.Add(new Label { Name = "mode", Value = "idle" });
        ts.Labels.Add(new Label { Name = "empty", Value = "" });
        ts.Samples.Add(new Sample { Value = 12.5, Timestamp = 1000 });
        ts.Samples.Add(new Sample { Value = 0, Timestamp = 0 });
        request.Timeseries.Add(ts);
        request.Metadata.Add(new MetricMetadata { MetricFamilyName = "cpu_seconds_total", Type = MetricMetadata.Types.MetricType.Counter });
        var body = Snappy.Encode(request.ToByteArray());

        RemoteWriteDecoder.TryDecode(body, out var series, out var samples, out var error).Should().BeTrue(error);

        samples.Should().Be(2);
        series.Should().ContainSingle();
        series[0].Metric.Should().Be("cpu_seconds_total");
        series[0].Labels.ToString().Should().Be("{cpu=\"0\",mode=\"idle\"}");
        series[0].Points.Should().Equal(new Point(1000, 12.5), new Point(0, 0));
    }

    [Fact]
    public void The_encoder_writes_what_the_generated_parser_reads_with_sorted_labels()
    {
        var request = WriteRequest.Parser.ParseFrom(Snappy.Decode(RemoteWriteDecoder.Encode(Sample)));

        request.Timeseries.Should().HaveCount(3);
        request.Timeseries[0].Labels.Select(l => l.Name).Should().Equal("Zone", "__name__", "instance", "job");
        request.Timeseries[0].Labels[1].Value.Should().Be("http_requests_total");
        request.Timeseries[0].Samples.Select(s => (s.Timestamp, s.Value)).Should().Equal((1_700_000_000_000L, 1.0), (1_700_000_015_000L, 2.5));
        request.Timeseries[1].Samples[0].Timestamp.Should().Be(-5);
        request.Timeseries[2].Labels.Should().ContainSingle().Which.Value.Should().Be("up");
    }

    [Fact]
    public void A_body_that_is_not_snappy_is_refused()
    {
        foreach (var body in new[] { "hello, world"u8.ToArray(), [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 1], [] })
        {
            RemoteWriteDecoder.TryDecode(body, out var series, out _, out var error).Should().BeFalse();

            series.Should().BeEmpty();
            error.Should().Contain("not snappy");
        }
    }

    [Fact]
    public void A_declared_size_over_the_limit_is_refused_before_decompressing()
    {
        var body = Snappy.Encode(new byte[4096]);

        RemoteWriteDecoder.TryDecode(body, out _, out _, out var error, maxDecodedBytes: 1024).Should().BeFalse();

        error.Should().Contain("4096").And.Contain("1024");
    }

    [Fact]
    public void Snappy_data_that_is_not_protobuf_is_refused_with_the_offset()
    {
        var body = Snappy.Encode([0x0A, 0xFF, 0xFF, 0x03, 0x00]); // field 1, length far past the end

        RemoteWriteDecoder.TryDecode(body, out _, out _, out var error).Should().BeFalse();

        error.Should().Contain("not a protobuf WriteRequest").And.Contain("timeseries[0]").And.Contain("byte 0");
    }

    [Fact]
    public void A_series_without_a_metric_name_is_refused_naming_its_index()
    {
        var request = new WriteRequest();
        request.Timeseries.Add(Series(("__name__", "ok"), ("a", "1")));
        request.Timeseries.Add(Series(("job", "api")));

        RemoteWriteDecoder.TryDecode(Snappy.Encode(request.ToByteArray()), out var series, out _, out var error).Should().BeFalse();

        series.Should().BeEmpty();
        error.Should().Contain("timeseries[1]").And.Contain("__name__").And.Contain("job=\"api\"");
    }

    [Fact]
    public void An_invalid_label_name_is_refused_naming_series_and_label()
    {
        var request = new WriteRequest();
        request.Timeseries.Add(Series(("__name__", "ok")));
        request.Timeseries.Add(Series(("__name__", "http_requests_total"), ("http.method", "GET")));

        RemoteWriteDecoder.TryDecode(Snappy.Encode(request.ToByteArray()), out _, out _, out var error).Should().BeFalse();

        error.Should().Contain("timeseries[1]").And.Contain("http_requests_total").And.Contain("'http.method'");
    }

    [Fact]
    public void Duplicate_labels_and_invalid_metric_names_are_refused()
    {
        var duplicate = new WriteRequest();
        duplicate.Timeseries.Add(Series(("__name__", "m"), ("a", "1"), ("a", "2")));
        RemoteWriteDecoder.TryDecode(Snappy.Encode(duplicate.ToByteArray()), out _, out _, out var error).Should().BeFalse();
        error.Should().Contain("timeseries[0]").And.Contain("'a' appears more than once");

        var badName = new WriteRequest();
        badName.Timeseries.Add(Series(("__name__", "http.requests")));
        RemoteWriteDecoder.TryDecode(Snappy.Encode(badName.ToByteArray()), out _, out _, out error).Should().BeFalse();
        error.Should().Contain("timeseries[0]").And.Contain("'http.requests'");

        var twoNames = new WriteRequest();
        twoNames.Timeseries.Add(Series(("__name__", "a"), ("__name__", "b")));
        RemoteWriteDecoder.TryDecode(Snappy.Encode(twoNames.ToByteArray()), out _, out _, out error).Should().BeFalse();
        error.Should().Contain("timeseries[0]").And.Contain("more than once");
    }

    [Fact]
    public void Invalid_utf8_in_a_label_value_is_refused()
    {
        var request = new WriteRequest();
        var ts = new TimeSeries();
        ts.Labels.Add(new Label { Name = "__name__", Value = "m" });
        ts.Labels.Add(new Label { Name = "a", Value = "x" });
        request.Timeseries.Add(ts);
        var raw = request.ToByteArray();
        raw[^1] = 0xFF; // labels only, so the last byte is the value "x"

        RemoteWriteDecoder.TryDecode(Snappy.Encode(raw), out _, out _, out var error).Should().BeFalse();

        error.Should().Contain("timeseries[0]").And.Contain("'a'").And.Contain("UTF-8");
    }

    [Fact]
    public void Series_that_are_not_valid_are_left_out_and_listed_and_the_others_decoded_as_prometheus_receives_them()
    {
        var request = new WriteRequest();
        request.Timeseries.Add(Series(("__name__", "node_load1"), ("instance", "a")));
        request.Timeseries.Add(Series(("__name__", "http.requests")));
        var twoNames = Series(("__name__", "a"), ("__name__", "b"));
        twoNames.Samples.Add(new Sample { Value = 2, Timestamp = 2 });
        request.Timeseries.Add(twoNames);
        request.Timeseries.Add(Series(("__name__", "up")));

        RemoteWriteDecoder.TryDecode(Snappy.Encode(request.ToByteArray()), out var series, out var samples, out var invalid, out var error)
            .Should().BeTrue(error);

        series.Select(s => s.Metric).Should().Equal("node_load1", "up");
        samples.Should().Be(2);
        invalid.Select(i => (i.Index, i.Samples)).Should().Equal((1, 1), (2, 2));
        invalid[0].Reason.Should().Contain("timeseries[1]").And.Contain("'http.requests'");
        invalid[1].Reason.Should().Contain("timeseries[2]").And.Contain("more than once");

        var strict = RemoteWriteDecoder.TryDecode(Snappy.Encode(request.ToByteArray()), out var none, out _, out var first);
        (strict, none.Count).Should().Be((false, 0), "the strict overload refuses the body at the first invalid series");
        first.Should().Be(invalid[0].Reason);
    }

    [Fact]
    public void A_malformed_series_still_fails_the_whole_body()
    {
        var raw = new WriteRequest { Timeseries = { Series(("__name__", "ok")) } }.ToByteArray().ToList();
        raw.AddRange([0x0A, 0x02, 0x0A, 0xFF]);   // timeseries[1]: a label field whose length runs past the series
        RemoteWriteDecoder.TryDecode(Snappy.Encode([.. raw]), out var series, out _, out var invalid, out var error).Should().BeFalse();
        (series.Count, invalid.Count).Should().Be((0, 0));
        error.Should().Contain("timeseries[1]").And.Contain("malformed");
    }

    [Fact]
    public void An_empty_request_decodes_to_no_series()
    {
        RemoteWriteDecoder.TryDecode(Snappy.Encode([]), out var series, out var samples, out var error).Should().BeTrue(error);
        series.Should().BeEmpty();
        samples.Should().Be(0);
    }

    private static TimeSeries Series(params (string Name, string Value)[] labels)
    {
        var ts = new TimeSeries();
        foreach (var (name, value) in labels) ts.Labels.Add(new Label { Name = name, Value = value });
        ts.Samples.Add(new Sample { Value = 1, Timestamp = 1 });
        return ts;
    }

    [Fact]
    public void A_series_seen_before_decodes_to_the_same_label_set_instance_with_its_new_samples()
    {
        var labels = Labels.Of(("job", "cache-test"), ("pod", $"pod-{Guid.NewGuid():N}"));
        RemoteWriteDecoder.TryDecode(RemoteWriteDecoder.Encode([new SeriesWrite("cache_total", labels, [new Point(1000, 1)])]),
            out var first, out _, out var error).Should().BeTrue(error);
        RemoteWriteDecoder.TryDecode(RemoteWriteDecoder.Encode([new SeriesWrite("cache_total", labels, [new Point(2000, 2), new Point(3000, 3)])]),
            out var second, out var samples, out error).Should().BeTrue(error);

        second.Single().Labels.Should().BeSameAs(first.Single().Labels, "the second request's labels come from the series cache");
        second.Single().Metric.Should().Be("cache_total");
        second.Single().Points.Should().Equal(new Point(2000, 2), new Point(3000, 3));
        samples.Should().Be(2);
    }

    [Fact]
    public void A_known_series_with_a_label_after_its_samples_or_a_bad_sample_is_decoded_in_full()
    {
        var request = new WriteRequest();
        var ts = new TimeSeries();
        ts.Labels.Add(new Label { Name = "__name__", Value = "late_label" });
        ts.Labels.Add(new Label { Name = "job", Value = $"j-{Guid.NewGuid():N}" });
        ts.Samples.Add(new Sample { Value = 1, Timestamp = 1000 });
        request.Timeseries.Add(ts);
        var plain = request.ToByteArray();
        RemoteWriteDecoder.TryDecode(Snappy.Encode(plain), out var first, out _, out var error).Should().BeTrue(error);
        first.Single().Labels.ToString().Should().Be($"{{job=\"{ts.Labels[1].Value}\"}}");

        // The same leading labels, then a sample, then one more label (protobuf allows fields in any order).
        var extra = new TimeSeries();
        extra.Labels.Add(new Label { Name = "zone", Value = "eu" });
        var late = plain.Concat(new WriteRequest { Timeseries = { extra } }.ToByteArray()[2..]).ToArray();
        late[1] = (byte)(late.Length - 2);
        RemoteWriteDecoder.TryDecode(Snappy.Encode(late), out var second, out _, out error).Should().BeTrue(error);
        second.Single().Labels.ToString().Should().Be($"{{job=\"{ts.Labels[1].Value}\",zone=\"eu\"}}", "a label after the samples is part of the series");

        // The same labels with a truncated sample: refused as before.
        var bad = (byte[])plain.Clone();
        bad[^1] = 0xFF;
        RemoteWriteDecoder.TryDecode(Snappy.Encode(bad), out _, out _, out error).Should().BeFalse();
        error.Should().Contain("timeseries[0]");
    }
}
