using Foresight.Ingestion;
using Foresight.Ingestion.Otlp;
using Foresight.Series;
using Google.Protobuf;
using OtlpResource = Foresight.Ingestion.Otlp.Resource;

namespace Foresight.Tests.Ingestion;

public class OtlpMetricsDecoderTests
{
    private const ulong T0 = 1_700_000_000_123_456_789; // ns
    private const long T0Ms = 1_700_000_000_123;

    private static readonly (string, string)[] Target = [("job", "shop/checkout"), ("instance", "pod-7"), ("otel_scope_name", "meter"), ("otel_scope_version", "1.2")];

    [Fact]
    public void Gauge_becomes_one_series_with_sanitized_names_and_target_labels()
    {
        var result = Decode(Metric("system.memory.usage", "By", gauge: Gauge(Number(1024, ("state", "used"), ("host.name", "a")))));

        Series(result).Should().Equal(
            ("system_memory_usage_bytes", L(("state", "used"), ("host_name", "a"))),
            ("target_info", Labels.Of(("job", "shop/checkout"), ("instance", "pod-7"), ("deployment_environment", "prod"))));
        result.Series[0].Points.Should().Equal(new Point(T0Ms, 1024));
        result.Series[1].Points.Should().Equal(new Point(T0Ms, 1));
        result.AcceptedDataPoints.Should().Be(1);
        result.RejectedDataPoints.Should().Be(0);
        result.RejectionMessage.Should().BeNull();
    }

    [Theory]
    [InlineData("http.server.active_requests", "{request}", "gauge", "http_server_active_requests")]
    [InlineData("cpu.utilization", "1", "gauge", "cpu_utilization_ratio")]
    [InlineData("cpu.time", "s", "counter", "cpu_time_seconds_total")]
    [InlineData("process_cpu_seconds", "s", "counter", "process_cpu_seconds_total")]
    [InlineData("requests_total", "", "counter", "requests_total")]
    [InlineData("net.io", "By/s", "gauge", "net_io_bytes_per_second")]
    [InlineData("packets", "{packet}/s", "gauge", "packets_per_second")]
    [InlineData("weird..name--x", "ms", "gauge", "weird_name_x_milliseconds")]
    [InlineData("2xx.count", "1", "counter", "_2xx_count_total")]
    [InlineData("queue.depth", "1", "updown", "queue_depth")]
    public void Names_follow_the_compatibility_specification(string name, string unit, string type, string expected)
    {
        var point = Number(1);
        var metric = type switch
        {
            "gauge" => Metric(name, unit, gauge: Gauge(point)),
            "counter" => Metric(name, unit, sum: Sum(true, AggregationTemporality.Cumulative, point)),
            _ => Metric(name, unit, sum: Sum(false, AggregationTemporality.Cumulative, point)),
        };

        Decode(metric).Series[0].Metric.Should().Be(expected);
    }

    [Fact]
    public void Monotonic_cumulative_sum_is_a_counter_and_non_monotonic_sum_a_gauge()
    {
        var result = Decode(
            Metric("http.requests", "{request}", sum: Sum(true, AggregationTemporality.Cumulative, Number(7, ("http.method", "GET")), NumberInt(9, ("http.method", "POST")))),
            Metric("db.connections", "{connection}", sum: Sum(false, AggregationTemporality.Cumulative, NumberInt(-3))));

        Series(result).Should().Equal(
            ("http_requests_total", L(("http_method", "GET"))),
            ("http_requests_total", L(("http_method", "POST"))),
            ("db_connections", L()),
            ("target_info", Labels.Of(("job", "shop/checkout"), ("instance", "pod-7"), ("deployment_environment", "prod"))));
        result.Series.Take(3).Select(s => s.Points.Single().Value).Should().Equal(7, 9, -3);
        result.AcceptedDataPoints.Should().Be(3);
    }

    [Fact]
    public void Histogram_becomes_cumulative_buckets_sum_and_count()
    {
        var point = new HistogramDataPoint { TimeUnixNano = T0, Count = 10, Sum = 4.25 };
        point.ExplicitBounds.Add([0.005, 0.5, 1e6]);
        point.BucketCounts.Add([2, 5, 3, 0]);
        point.Attributes.Add(Kv("http.route", "/cart"));
        var histogram = new Histogram { AggregationTemporality = AggregationTemporality.Cumulative };
        histogram.DataPoints.Add(point);

        var result = Decode(Metric("http.server.duration", "ms", histogram: histogram));

        var bucket = "http_server_duration_milliseconds_bucket";
        Series(result).Should().Equal(
            (bucket, L(("http_route", "/cart"), ("le", "0.005"))),
            (bucket, L(("http_route", "/cart"), ("le", "0.5"))),
            (bucket, L(("http_route", "/cart"), ("le", "1000000"))),
            (bucket, L(("http_route", "/cart"), ("le", "+Inf"))),
            ("http_server_duration_milliseconds_sum", L(("http_route", "/cart"))),
            ("http_server_duration_milliseconds_count", L(("http_route", "/cart"))),
            ("target_info", Labels.Of(("job", "shop/checkout"), ("instance", "pod-7"), ("deployment_environment", "prod"))));
        result.Series.Take(6).Select(s => s.Points.Single().Value).Should().Equal(2, 7, 10, 10, 4.25, 10);
        result.Series.Should().OnlyContain(s => s.Points.Single().Timestamp == T0Ms);
        result.Samples.Should().Be(7);
        result.AcceptedDataPoints.Should().Be(1);
    }

    [Fact]
    public void Summary_becomes_quantiles_sum_and_count()
    {
        var point = new SummaryDataPoint { TimeUnixNano = T0, Count = 100, Sum = 12.5 };
        point.QuantileValues.Add(new SummaryDataPoint.Types.ValueAtQuantile { Quantile = 0.99, Value = 0.9 });
        point.QuantileValues.Add(new SummaryDataPoint.Types.ValueAtQuantile { Quantile = 0.5, Value = 0.1 });
        var summary = new Summary();
        summary.DataPoints.Add(point);

        var result = Decode(Metric("rpc.latency", "s", summary: summary));

        Series(result).Take(4).Should().Equal(
            ("rpc_latency_seconds", L(("quantile", "0.5"))),
            ("rpc_latency_seconds", L(("quantile", "0.99"))),
            ("rpc_latency_seconds_sum", L()),
            ("rpc_latency_seconds_count", L()));
        result.Series.Take(4).Select(s => s.Points.Single().Value).Should().Equal(0.1, 0.9, 12.5, 100);
    }

    [Fact]
    public void Delta_sums_and_exponential_histograms_are_rejected_with_reasons()
    {
        var exponential = new ExponentialHistogram { AggregationTemporality = AggregationTemporality.Cumulative };
        exponential.DataPoints.Add(new ExponentialHistogramDataPoint { TimeUnixNano = T0, Count = 1 });

        var result = Decode(
            Metric("ok", "", gauge: Gauge(Number(1))),
            Metric("requests", "", sum: Sum(true, AggregationTemporality.Delta, Number(1), Number(2))),
            Metric("latency", "s", exponentialHistogram: exponential));

        result.Series.Select(s => s.Metric).Should().Equal("ok", "target_info");
        result.AcceptedDataPoints.Should().Be(1);
        result.RejectedDataPoints.Should().Be(3);
        result.IsPartial.Should().BeTrue();
        result.RejectionMessage.Should().Contain("3 data point(s) rejected")
            .And.Contain("metric 'requests' (resource_metrics[0].scope_metrics[0].metrics[1]): delta sums")
            .And.Contain("metric 'latency'").And.Contain("exponential histograms");

        var response = ExportMetricsServiceResponse.Parser.ParseFrom(OtlpExportResponse.ToProtobuf(result));
        response.PartialSuccess.RejectedDataPoints.Should().Be(3);
        response.PartialSuccess.ErrorMessage.Should().Be(result.RejectionMessage);
        OtlpExportResponse.ToJson(result).Replace(" ", "", StringComparison.Ordinal).Should().StartWith("{\"partialSuccess\":{\"rejectedDataPoints\":\"3\",\"errorMessage\":\"3datapoint");
        OtlpExportResponse.ToJson(0, null).Replace(" ", "", StringComparison.Ordinal).Should().Be("{}");
        OtlpExportResponse.ToProtobuf(0, null).Should().BeEmpty();
    }

    [Fact]
    public void No_recorded_value_points_are_dropped_and_bad_histograms_rejected()
    {
        var stale = Number(5);
        stale.Flags = (uint)DataPointFlags.NoRecordedValueMask;
        var bad = new HistogramDataPoint { TimeUnixNano = T0, Count = 1 };
        bad.ExplicitBounds.Add(1);
        bad.BucketCounts.Add(1);
        var histogram = new Histogram { AggregationTemporality = AggregationTemporality.Cumulative };
        histogram.DataPoints.Add(bad);

        var result = Decode(Metric("g", "", gauge: Gauge(stale)), Metric("h", "", histogram: histogram));

        result.Series.Should().BeEmpty(); // no stored point, so no target_info either
        result.AcceptedDataPoints.Should().Be(1);
        result.RejectedDataPoints.Should().Be(1);
        result.RejectionMessage.Should().Contain("metric 'h'").And.Contain("data_points[0]: 1 bucket_counts for 1 explicit_bounds (expected 2)");
    }

    [Fact]
    public void Colliding_attribute_names_are_joined_in_key_order_and_resource_labels_win()
    {
        var result = Decode(Metric("m", "", gauge: Gauge(Number(1, ("a.b", "2"), ("a_b", "1"), ("job", "mine"), ("flag", true), ("n", 3L)))));

        result.Series[0].Labels.ToString().Should().Be(L(("a_b", "2;1"), ("flag", "true"), ("n", "3")).ToString());
    }

    [Fact]
    public void Points_of_the_same_series_are_grouped()
    {
        var result = Decode(Metric("g", "", gauge: Gauge(Number(1), Number(2, at: T0 + 1_000_000_000))));

        result.Series[0].Points.Should().Equal(new Point(T0Ms, 1), new Point(T0Ms + 1000, 2));
    }

    [Fact]
    public void Malformed_protobuf_and_json_are_refused()
    {
        OtlpMetricsDecoder.TryDecodeProtobuf([0x0A, 0xFF, 0x01], out var result, out var error).Should().BeFalse();
        result.Should().BeNull();
        error.Should().Contain("ExportMetricsServiceRequest");

        OtlpMetricsDecoder.TryDecodeJson("{\"resourceMetrics\": [ {"u8, out _, out error).Should().BeFalse();
        error.Should().Contain("OTLP/JSON");
    }

    [Fact]
    public void Json_request_gives_the_same_result_as_protobuf()
    {
        var json = """
            {
              "resourceMetrics": [{
                "resource": { "attributes": [
                  { "key": "service.name", "value": { "stringValue": "checkout" } },
                  { "key": "service.namespace", "value": { "stringValue": "shop" } },
                  { "key": "service.instance.id", "value": { "stringValue": "pod-7" } },
                  { "key": "deployment.environment", "value": { "stringValue": "prod" } }
                ] },
                "scopeMetrics": [{
                  "scope": { "name": "meter", "version": "1.2", "attributes": [] },
                  "metrics": [
                    { "name": "http.requests", "unit": "{request}", "description": "requests",
                      "sum": { "aggregationTemporality": 2, "isMonotonic": true, "dataPoints": [
                        { "startTimeUnixNano": "1699999990000000000", "timeUnixNano": "1700000000123456789", "asInt": "7",
                          "attributes": [ { "key": "http.method", "value": { "stringValue": "GET" } } ],
                          "exemplars": [ { "timeUnixNano": "1700000000000000000", "asDouble": 1, "traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174" } ] } ] } },
                    { "name": "http.server.duration", "unit": "ms",
                      "histogram": { "aggregationTemporality": 2, "dataPoints": [
                        { "timeUnixNano": "1700000000123456789", "count": "10", "sum": 4.25,
                          "bucketCounts": ["2", "5", "3", "0"], "explicitBounds": [0.005, 0.5, 1000000],
                          "attributes": [ { "key": "http.route", "value": { "stringValue": "/cart" } } ] } ] } }
                  ]
                }]
              }]
            }
            """u8;

        OtlpMetricsDecoder.TryDecodeJson(json, out var fromJson, out var error).Should().BeTrue(error);

        var sum = Metric("http.requests", "{request}", sum: Sum(true, AggregationTemporality.Cumulative, NumberInt(7, ("http.method", "GET"))));
        var point = new HistogramDataPoint { TimeUnixNano = T0, Count = 10, Sum = 4.25 };
        point.ExplicitBounds.Add([0.005, 0.5, 1e6]);
        point.BucketCounts.Add([2, 5, 3, 0]);
        point.Attributes.Add(Kv("http.route", "/cart"));
        var histogram = new Histogram { AggregationTemporality = AggregationTemporality.Cumulative };
        histogram.DataPoints.Add(point);
        var fromProtobuf = Decode(sum, Metric("http.server.duration", "ms", histogram: histogram));

        Series(fromJson!).Should().Equal(Series(fromProtobuf));
        fromJson!.Series.Select(s => s.Points).Should().BeEquivalentTo(fromProtobuf.Series.Select(s => s.Points), o => o.WithStrictOrdering());
        (fromJson.AcceptedDataPoints, fromJson.Samples).Should().Be((2, 8)); // 1 counter + 4 buckets, sum, count + target_info
    }

    // Builders: one resource (service shop/checkout, instance pod-7, one extra attribute) and one scope.
    private static OtlpMetricsResult Decode(params Metric[] metrics)
    {
        var resource = new OtlpResource();
        resource.Attributes.Add(Kv("service.name", "checkout"));
        resource.Attributes.Add(Kv("service.namespace", "shop"));
        resource.Attributes.Add(Kv("service.instance.id", "pod-7"));
        resource.Attributes.Add(Kv("deployment.environment", "prod"));
        var scope = new ScopeMetrics { Scope = new InstrumentationScope { Name = "meter", Version = "1.2" } };
        scope.Metrics.Add(metrics);
        var resourceMetrics = new ResourceMetrics { Resource = resource };
        resourceMetrics.ScopeMetrics.Add(scope);
        var request = new ExportMetricsServiceRequest();
        request.ResourceMetrics.Add(resourceMetrics);

        OtlpMetricsDecoder.TryDecodeProtobuf(request.ToByteArray(), out var result, out var error).Should().BeTrue(error);
        return result!;
    }

    private static Metric Metric(string name, string unit, Gauge? gauge = null, Sum? sum = null, Histogram? histogram = null,
        Summary? summary = null, ExponentialHistogram? exponentialHistogram = null)
    {
        var metric = new Metric { Name = name, Unit = unit };
        if (gauge is not null) metric.Gauge = gauge;
        if (sum is not null) metric.Sum = sum;
        if (histogram is not null) metric.Histogram = histogram;
        if (summary is not null) metric.Summary = summary;
        if (exponentialHistogram is not null) metric.ExponentialHistogram = exponentialHistogram;
        return metric;
    }

    private static Gauge Gauge(params NumberDataPoint[] points)
    {
        var gauge = new Gauge();
        gauge.DataPoints.Add(points);
        return gauge;
    }

    private static Sum Sum(bool monotonic, AggregationTemporality temporality, params NumberDataPoint[] points)
    {
        var sum = new Sum { IsMonotonic = monotonic, AggregationTemporality = temporality };
        sum.DataPoints.Add(points);
        return sum;
    }

    private static NumberDataPoint Number(double value, params (string Key, object Value)[] attributes) => Number(value, T0, attributes);

    private static NumberDataPoint Number(double value, ulong at, params (string Key, object Value)[] attributes)
    {
        var point = new NumberDataPoint { TimeUnixNano = at, AsDouble = value };
        foreach (var (key, v) in attributes) point.Attributes.Add(Kv(key, v));
        return point;
    }

    private static NumberDataPoint NumberInt(long value, params (string Key, object Value)[] attributes)
    {
        var point = new NumberDataPoint { TimeUnixNano = T0, AsInt = value };
        foreach (var (key, v) in attributes) point.Attributes.Add(Kv(key, v));
        return point;
    }

    private static KeyValue Kv(string key, object value) => new()
    {
        Key = key,
        Value = value switch
        {
            string s => new AnyValue { StringValue = s },
            bool b => new AnyValue { BoolValue = b },
            long l => new AnyValue { IntValue = l },
            double d => new AnyValue { DoubleValue = d },
            _ => throw new ArgumentException("unsupported attribute type", nameof(value)),
        },
    };

    /// <summary>Data point labels plus the target and scope labels every point of these tests carries.</summary>
    private static Labels L(params (string, string)[] labels) => Labels.Of([.. labels, .. Target]);

    private static List<(string Metric, Labels Labels)> Series(OtlpMetricsResult result) =>
        result.Series.Select(s => (s.Metric, s.Labels)).ToList();
}
