using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Foresight.Tests.Support;

namespace Foresight.Server.Tests.Series;

public sealed class SelectorRegexTests
{
    private static async Task<TestServer> StartWithLongLabelAsync()
    {
        var server = await TestServer.StartAsync(o => o.Detection.Enabled = false);
        using var http = server.Client();
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        var body = $$"""{"series":[{"metric":"cpu","labels":{"pod":"{{new string('a', 40)}}"},"points":[[{{now - 1000}},1]]}]}""";
        (await http.PostAsync("/api/v1/ingest", new StringContent(body, Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        return server;
    }

    [Fact]
    public async Task A_catastrophic_re2_pattern_is_answered_not_timed_out()
    {
        await using var server = await StartWithLongLabelAsync();
        using var http = server.Client();
        var response = await http.GetAsync("/api/v1/series?match=" + Uri.EscapeDataString("{pod=~\"(a+)+b\"}"));
        response.StatusCode.Should().Be(HttpStatusCode.OK, "the non-backtracking engine matches in linear time");
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("series").GetArrayLength().Should().Be(0);
        var hit = await http.GetFromJsonAsync<JsonElement>("/api/v1/series?match=" + Uri.EscapeDataString("{pod=~\"(a+)+\"}"));
        hit.GetProperty("series").GetArrayLength().Should().Be(1);
    }

    [Fact]
    public async Task A_backtracking_pattern_that_times_out_gets_422_naming_the_pattern_and_the_limit()
    {
        await using var server = await StartWithLongLabelAsync();
        using var http = server.Client();
        var response = await http.GetAsync("/api/v1/series?match=" + Uri.EscapeDataString("{pod=~\"(?=(a+)+b).*\"}"));
        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        detail.Should().Contain("\"(?=(a+)+b).*\"").And.Contain("100 ms").And.Contain("RE2");
    }
}
