using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Foresight.Series;
using Foresight.Tests.Support;

namespace Foresight.Server.Tests.Ingestion;

/// <summary>The JSON ingest refuses what a lenient parser would guess at, with a 400 naming the path and the position, and stores nothing.</summary>
public sealed class StrictJsonIngestTests
{
    [Theory]
    [InlineData("""[[T,"12"]]""", "", "the string \"12\" is not a number")]
    [InlineData("""[[T,1e999]]""", "", "1e999 is outside the range of a double")]
    [InlineData("""[[T,1]],"points":[[T,2]]""", "", "the key \"points\" appears more than once")]
    [InlineData("""[[T,1]]""", "\"pod\":\"a\\u0000b\"", "series[1].labels.pod: the value contains U+0000 (NUL)")]
    public async Task A_lenient_body_gets_400_naming_where_and_nothing_is_stored(string points, string labels, string what)
    {
        await using var server = await TestServer.StartAsync(o => o.Detection.Enabled = false);
        using var http = server.Client();
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() - 1000;
        var body = $$"""{"series":[{"metric":"ok","points":[[{{now}},1]]},{"metric":"m","labels":{{{labels}}},"points":{{points.Replace("T", now.ToString())}}}]}""";
        var response = await http.PostAsync("/api/v1/ingest", new StringContent(body, Encoding.UTF8, "application/json"));
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        detail.Should().Contain(what).And.MatchRegex(@"\(at byte \d+, line 1, column \d+\)$");
        (await server.Server.Store.FindAsync("default", SeriesSelector.All)).Should().BeEmpty("the batch is refused whole");
    }

    [Fact]
    public async Task A_workload_body_with_a_key_given_twice_gets_400()
    {
        await using var server = await TestServer.StartAsync(o => o.Detection.Enabled = false);
        using var http = server.Client();
        var body = """{"series":"rps{service=\"api\"}","replicaCapacity":10,"replicaCapacity":1000}""";
        var response = await http.PutAsync("/api/v1/workloads/api", new StringContent(body, Encoding.UTF8, "application/json"));
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString().Should().Contain("replicaCapacity");
        (await http.GetAsync("/api/v1/workloads/api")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }
}
