using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Foresight.Tests.Support;

namespace Foresight.Server.Tests.Series;

public sealed class SeriesListingTests
{
    [Fact]
    public async Task A_listing_gives_every_matching_series_with_its_labels_as_sent_quotes_unicode_and_long_values_included()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.Client();
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        var awkward = new Dictionary<string, string>
        {
            ["quote"] = "say \"hi\" \\ back",
            ["unicode"] = "café 東京 <tag>&",
            ["long"] = new string('x', 3_000),
        };
        var series = Enumerable.Range(0, 300).Select(i => new
        {
            metric = "listing_metric",
            labels = i == 0 ? awkward : new Dictionary<string, string> { ["pod"] = $"pod-{i:D3}", ["zone"] = i % 2 == 0 ? "even" : "odd" },
            points = new[] { new double[] { now - 60_000, i } },
        }).ToList();
        var body = JsonSerializer.Serialize(new { series });
        (await http.PostAsync("/api/v1/ingest", new StringContent(body, Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();

        var all = await http.GetFromJsonAsync<JsonElement>("/api/v1/series?match=listing_metric");
        var listed = all.GetProperty("series").EnumerateArray().ToList();
        listed.Should().HaveCount(300);
        listed.Select(s => s.GetProperty("id").GetInt64()).Should().OnlyHaveUniqueItems();
        listed.Should().OnlyContain(s => s.GetProperty("metric").GetString() == "listing_metric");
        var first = listed.Single(s => s.GetProperty("labels").TryGetProperty("quote", out _)).GetProperty("labels");
        first.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()).Should().BeEquivalentTo(awkward);

        var odd = await http.GetFromJsonAsync<JsonElement>("/api/v1/series?match=" + Uri.EscapeDataString("listing_metric{zone=\"odd\"}"));
        odd.GetProperty("series").EnumerateArray().Select(s => s.GetProperty("labels").GetProperty("pod").GetString())
            .Should().BeEquivalentTo(Enumerable.Range(0, 300).Where(i => i % 2 == 1).Select(i => $"pod-{i:D3}"));
    }
}
