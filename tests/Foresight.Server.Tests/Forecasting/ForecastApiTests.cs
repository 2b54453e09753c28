using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Foresight.Series;
using Foresight.Server.Forecasting;
using Foresight.Tests.Support;

namespace Foresight.Server.Tests.Forecasting;

public sealed class ForecastApiTests
{
    [Fact]
    public async Task A_stored_seasonal_series_gets_a_forecast_with_quantiles_model_and_fit_time()
    {
        await using var server = await TestServer.StartAsync();
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        var start = now - now % 3_600_000 - 20L * 86_400_000;
        var points = Enumerable.Range(0, 20 * 24).Select(i => new Point(start + i * 3_600_000L, 100 + 30 * Math.Sin(2 * Math.PI * i / 24) + (i % 7))).ToArray();
        (await server.Server.Store.AppendAsync("default", [new SeriesWrite("rps", Labels.Of(("svc", "a")), points)])).Accepted.Should().BeTrue();
        var id = (await server.Server.Store.FindAsync("default", SeriesSelector.All)).Single().Id;
        using var http = server.Client();

        var body = await http.GetFromJsonAsync<JsonElement>($"/api/v1/series/{id}/forecast?horizon=24&quantiles=0.1,0.5,0.9");
        body.GetProperty("step").GetInt64().Should().Be(3_600_000);
        body.GetProperty("horizon").GetInt32().Should().Be(24);
        body.GetProperty("model").GetString().Should().NotBeNullOrEmpty();
        body.GetProperty("fittedAt").GetInt64().Should().BeGreaterThan(0);
        body.GetProperty("seasons").EnumerateArray().Select(s => s.GetInt32()).Should().Contain(24);
        var forecast = body.GetProperty("points").EnumerateArray().ToList();
        forecast.Should().HaveCount(24);
        forecast[0][0].GetInt64().Should().Be(points[^1].Timestamp + 3_600_000);
        var lower = body.GetProperty("quantiles").GetProperty("0.1").EnumerateArray().Select(p => p[1].GetDouble()).ToList();
        var upper = body.GetProperty("quantiles").GetProperty("0.9").EnumerateArray().Select(p => p[1].GetDouble()).ToList();
        for (var h = 0; h < 24; h++)
        {
            lower[h].Should().BeLessThanOrEqualTo(upper[h]);
            var truth = 100 + 30 * Math.Sin(2 * Math.PI * (points.Length + h) / 24);
            forecast[h][1].GetDouble().Should().BeApproximately(truth, 12, "the daily cycle is forecast");
        }
    }

    [Fact]
    public async Task Bad_forecast_queries_are_400_and_unknown_series_404()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.Client();
        (await http.GetAsync("/api/v1/series/99/forecast")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        await server.Server.Store.AppendAsync("default", [new SeriesWrite("m", Labels.Empty, [new Point(now - 1000, 1), new Point(now, 2)])]);
        (await http.GetAsync("/api/v1/series/0/forecast?quantiles=1.5")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await http.GetAsync("/api/v1/series/0/forecast?horizon=0")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await http.GetAsync("/api/v1/series/0/forecast?horizon=3")).StatusCode.Should().Be(HttpStatusCode.OK, "a two-point series still gets a (naive) forecast");
        foreach (var (query, detail) in new[]
        {
            ("quantiles=NaN", "quantiles: 'NaN' must be a number strictly between 0 and 1"),
            ("horizon=abc", "horizon: 'abc' must be a whole number of steps from 1 to"),
            ("horizon=2147483648", "horizon: '2147483648' must be a whole number"),
        })
        {
            var response = await http.GetAsync($"/api/v1/series/0/forecast?{query}");
            response.StatusCode.Should().Be(HttpStatusCode.BadRequest, query);
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString().Should().StartWith(detail);
        }
        var twice = await http.GetFromJsonAsync<JsonElement>("/api/v1/series/0/forecast?horizon=3&quantiles=0.5,0.5");
        twice.GetProperty("quantiles").EnumerateObject().Select(q => q.Name).Should().Equal("0.5");
    }

    [Fact]
    public async Task Two_concurrent_requests_for_a_cold_forecast_share_one_fit()
    {
        await using var server = await TestServer.StartAsync(o => o.ForecastRefreshInterval = TimeSpan.FromHours(1));
        var fits = 0;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Server.Services<ForecasterService>().FitStarting += kind =>
        {
            if (kind != ForecastFit.Series) return;
            Interlocked.Increment(ref fits);
            started.TrySetResult();
            release.Task.Wait(TimeSpan.FromSeconds(30));   // holds the fit (on its pool thread) until the second request waits for it
        };
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        var start = now - now % 3_600_000 - 10L * 86_400_000;
        var points = Enumerable.Range(0, 10 * 24).Select(i => new Point(start + i * 3_600_000L, 100 + 30 * Math.Sin(2 * Math.PI * i / 24))).ToArray();
        (await server.Server.Store.AppendAsync("default", [new SeriesWrite("rps", Labels.Empty, points)])).Accepted.Should().BeTrue();
        var id = (await server.Server.Store.FindAsync("default", SeriesSelector.All)).Single().Id;
        using var http = server.Client();

        var first = http.GetStringAsync($"/api/v1/series/{id}/forecast");
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var second = http.GetStringAsync($"/api/v1/series/{id}/forecast");
        var cache = server.Server.Services<ForecastCache>();
        await Wait.UntilAsync(() => cache.SharedFits > 0, "the second request to wait for the running fit", TimeSpan.FromSeconds(30));
        // At least the second request: had the first background refresh been late, it would have started the fit and both requests joined it.
        cache.SharedFits.Should().BeGreaterThanOrEqualTo(1, "the second request waits for the fit the first one started");
        release.SetResult();

        (await second).Should().Be(await first);
        fits.Should().Be(1);
        await http.GetStringAsync($"/api/v1/series/{id}/forecast?horizon=24");
        fits.Should().Be(1, "a shorter horizon is served from the cached fit");
    }
}

public sealed class ForecastRefreshTests
{
    [Fact]
    public async Task Only_series_whose_forecast_was_asked_for_are_refreshed_in_the_background_when_new_data_arrives()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var server = await TestServer.StartOnClockAsync(clock);
        var fits = 0;
        server.Server.Services<ForecasterService>().FitStarting += kind =>
        {
            if (kind == ForecastFit.Series) Interlocked.Increment(ref fits);
        };
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var start = now - now % 3_600_000 - 10L * 86_400_000;
        SeriesWrite Hourly(string metric, int from, int count) => new(metric, Labels.Empty,
            [.. Enumerable.Range(from, count).Select(i => new Point(start + i * 3_600_000L, 100 + 30 * Math.Sin(2 * Math.PI * i / 24)))]);
        (await server.Server.Store.AppendAsync("default", [Hourly("asked", 0, 240), Hourly("never_asked", 0, 240)])).Accepted.Should().BeTrue();
        var asked = (await server.Server.Store.FindAsync("default", SeriesSelector.All)).Single(s => s.Metric == "asked").Id;
        using var http = server.Client();
        (await http.GetAsync($"/api/v1/series/{asked}/forecast")).EnsureSuccessStatusCode();
        fits.Should().Be(1, "the request fitted its series; nothing else was fitted");

        (await server.Server.Store.AppendAsync("default", [Hourly("asked", 240, 1), Hourly("never_asked", 240, 1)])).Accepted.Should().BeTrue();
        await Wait.AdvancingUntilAsync(clock, TimeSpan.FromMinutes(1), () => Volatile.Read(ref fits) >= 2, "the asked-for forecast to be refreshed");
        clock.Advance(TimeSpan.FromMinutes(1));
        await Wait.StaysTrueAsync(() => Volatile.Read(ref fits) == 2, TimeSpan.FromMilliseconds(500),
            "the series never asked for is not fitted in the background, and the other has no newer data");
    }
}
