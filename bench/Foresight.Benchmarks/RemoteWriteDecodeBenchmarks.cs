using BenchmarkDotNet.Attributes;
using Foresight.Ingestion;
using Foresight.Ingestion.Prometheus;
using Foresight.Series;
using IronSnappy;

namespace Foresight.Benchmarks;

/// <summary>
/// Remote-write decoding of a realistic request: 500 series × 2 samples with 10 labels each (job,
/// instance, namespace, pod, container, ... as a Kubernetes scrape produces), snappy-compressed.
/// Samples/s = 1000 / mean time. <c>GeneratedParser</c> is the protobuf-generated baseline
/// (decompress + parse only, no validation or label sets).
/// </summary>
[MemoryDiagnoser]
public class RemoteWriteDecodeBenchmarks
{
    private const int SeriesCount = 500;
    private const int SamplesPerSeries = 2;
    private byte[] _body = [];

    [GlobalSetup]
    public void Setup()
    {
        var series = new List<SeriesWrite>(SeriesCount);
        for (var i = 0; i < SeriesCount; i++)
        {
            var labels = Labels.Of(
                ("job", "kubernetes-pods"), ("instance", $"10.1.{i % 50}.{i % 7}:8080"), ("namespace", $"team-{i % 5}"),
                ("pod", $"checkout-7f9c{i % 50:D3}-x2k{i % 9}"), ("container", "app"), ("node", $"node-{i % 12}"),
                ("method", i % 2 == 0 ? "GET" : "POST"), ("code", (200 + i % 3 * 100).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("handler", $"/api/v1/items/{i % 20}"), ("cluster", "prod-eu-1"));
            Point[] points = [new(1_700_000_000_000 + i, i), new(1_700_000_015_000 + i, i + 0.5)];
            series.Add(new SeriesWrite($"http_requests_{i % 25}_total", labels, points));
        }
        _body = RemoteWriteDecoder.Encode(series);
    }

    [Benchmark(Baseline = true)]
    public int GeneratedParser() => WriteRequest.Parser.ParseFrom(Snappy.Decode(_body)).Timeseries.Count;

    [Benchmark]
    public int Decode()
    {
        RemoteWriteDecoder.TryDecode(_body, out _, out var samples, out _);
        return samples;
    }
}
