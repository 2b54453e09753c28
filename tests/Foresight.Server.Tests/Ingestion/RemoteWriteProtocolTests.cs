using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Foresight.Ingestion;
using Foresight.Series;
using Foresight.Tests.Support;

namespace Foresight.Server.Tests.Ingestion;

/// <summary>
/// Remote-write refusals as Prometheus' own receiver answers them, so a sender retries what can succeed (5xx, 429)
/// and drops what cannot (other 4xx): 415 for 2.0 and for encodings other than snappy, 400 past 32 MiB decompressed.
/// </summary>
public sealed class RemoteWriteProtocolTests
{
    private static long Now => TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();

    private static ByteArrayContent Body(byte[] bytes, string? contentType, string? encoding)
    {
        var content = new ByteArrayContent(bytes);
        if (contentType is not null) content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (encoding is not null) content.Headers.ContentEncoding.Add(encoding);
        return content;
    }

    private static byte[] OneSeries() =>
        RemoteWriteDecoder.Encode([new SeriesWrite("node_load1", Labels.Of(("job", "node")), [new Point(Now - 1000, 0.5)])]);

    private static async Task<int> StoredSeriesAsync(TestServer server) =>
        (await server.Server.Store.FindAsync("default", SeriesSelector.All)).Count(s => s.Metric == "node_load1");

    [Theory]
    [InlineData("application/x-protobuf;proto=io.prometheus.write.v2.Request", "snappy", "Remote-write 2.0", "proto=prometheus.WriteRequest")]
    [InlineData("application/x-protobuf; proto=\"io.prometheus.write.v2.Request\"", "snappy", "Remote-write 2.0", "remote-write 1.0")]
    [InlineData("application/x-protobuf;proto=example.Other", "snappy", "example.Other", "remote-write 1.0")]
    [InlineData("application/json", "snappy", "application/json", "application/x-protobuf")]
    [InlineData("application/x-protobuf", "zstd", "'zstd'", "snappy (block format) is its only encoding")]
    [InlineData("application/x-protobuf", "gzip", "'gzip'", "snappy (block format) is its only encoding")]
    public async Task What_the_endpoint_does_not_take_gets_415_saying_what_it_takes(string contentType, string encoding, string names, string offers)
    {
        await using var server = await TestServer.StartAsync(o => o.Detection.Enabled = false);
        using var http = server.Client();
        var response = await http.PostAsync("/api/v1/write", Body(OneSeries(), contentType, encoding));
        response.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType, "Prometheus drops a 415 and a 2.0 sender falls back to 1.0");
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        detail.Should().Contain(names).And.Contain(offers);
        (await StoredSeriesAsync(server)).Should().Be(0, "a refused request stores nothing");
    }

    [Theory]
    [InlineData("application/x-protobuf", "snappy")]
    [InlineData("application/x-protobuf;proto=prometheus.WriteRequest", "snappy")]
    [InlineData("application/x-protobuf;proto=prometheus.WriteRequest", "SNAPPY")]
    [InlineData(null, null)]   // what old 1.0 senders send; Prometheus' receiver takes it as 1.0 and snappy
    public async Task Remote_write_1_0_is_taken_with_or_without_its_headers(string? contentType, string? encoding)
    {
        await using var server = await TestServer.StartAsync(o => o.Detection.Enabled = false);
        using var http = server.Client();
        var response = await http.PostAsync("/api/v1/write", Body(OneSeries(), contentType, encoding));
        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await StoredSeriesAsync(server)).Should().Be(1);
    }

    [Fact]
    public async Task A_body_over_32_MiB_once_decompressed_gets_400_naming_the_limit_and_stores_nothing()
    {
        await using var server = await TestServer.StartAsync(o => o.Detection.Enabled = false);
        using var http = server.Client();
        // One series of 2,000,000 samples: about 36 MB decompressed, a fraction of it compressed (under the 32 MiB body limit).
        var t0 = Now - 3_000_000;
        var points = new Point[2_000_000];
        for (var i = 0; i < points.Length; i++) points[i] = new Point(t0 + i, 1);
        var body = RemoteWriteDecoder.Encode([new SeriesWrite("node_load1", Labels.Of(("job", "node")), points)]);
        body.Length.Should().BeLessThan(32 << 20, "the compressed body itself is within the limit");

        var response = await http.PostAsync("/api/v1/write", Body(body, "application/x-protobuf", "snappy"));
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, "what Prometheus answers; a sender must not retry it");
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        detail.Should().Contain("more than the limit of 33554432 bytes (32 MiB)").And.Contain("max_samples_per_send");
        (await StoredSeriesAsync(server)).Should().Be(0);
    }

    [Theory]
    [InlineData("/api/v1/ingest", "application/json")]
    [InlineData("/v1/metrics", "application/json")]
    public async Task Json_and_otlp_bodies_in_an_encoding_other_than_gzip_get_415(string path, string contentType)
    {
        await using var server = await TestServer.StartAsync(o => o.Detection.Enabled = false);
        using var http = server.Client();
        var response = await http.PostAsync(path, Body("{}"u8.ToArray(), contentType, "zstd"));
        response.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString().Should().Contain("'zstd'").And.Contain("gzip");
    }
}
