using System.Net.Http.Json;
using System.Text.Json;
using Foresight.Cli;
using Foresight.Series;
using Foresight.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Foresight.Cli.Tests.Commands;

[Collection("Console")]
public sealed class CliTests
{
    [Fact]
    public async Task Import_sends_a_csv_file_to_a_running_server()
    {
        await using var server = await TestServer.StartAsync(o => o.Store.Retention = TimeSpan.Zero);
        using var dir = new TempDirectory();
        var csv = Path.Combine(dir.Path, "nyc_taxi.csv");
        var lines = new List<string> { "timestamp,value" };
        var start = new DateTime(2014, 7, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < 30_000; i++) lines.Add($"{start.AddMinutes(30 * i):yyyy-MM-dd HH:mm:ss},{1000 + i % 48}");
        await File.WriteAllLinesAsync(csv, lines);

        var exit = await ForesightCommand.Build().Parse(["import", csv, "--metric", "taxi_passengers", "--label", "city=nyc", "--url", server.BaseAddress.ToString()]).InvokeAsync();

        exit.Should().Be(0);
        var series = (await server.Server.Store.FindAsync("default", Sel("taxi_passengers{city=\"nyc\"}"))).Single();
        var points = new List<Point>();
        await server.Server.Store.ReadAsync("default", series.Id, long.MinValue, long.MaxValue, points);
        points.Should().HaveCount(30_000);
        points[0].Should().Be(new Point(new DateTimeOffset(start).ToUnixTimeMilliseconds(), 1000));
    }

    [Fact]
    public async Task Import_sends_nan_and_infinite_values_as_the_api_spells_them()
    {
        await using var server = await TestServer.StartAsync(o => o.Store.Retention = TimeSpan.Zero);
        using var dir = new TempDirectory();
        var csv = Path.Combine(dir.Path, "gaps.csv");
        await File.WriteAllLinesAsync(csv, ["timestamp,value", "2024-07-01 00:00:00,1", "2024-07-01 00:01:00,NaN", "2024-07-01 00:02:00,1e400", "2024-07-01 00:03:00,-1e400"]);

        var exit = await ForesightCommand.Build().Parse(["import", csv, "--metric", "m", "--url", server.BaseAddress.ToString()]).InvokeAsync();

        exit.Should().Be(0);
        var points = new List<Point>();
        await server.Server.Store.ReadAsync("default", (await server.Server.Store.FindAsync("default", Sel("m"))).Single().Id, long.MinValue, long.MaxValue, points);
        points.Select(p => p.Value).Should().Equal(1, double.NaN, double.PositiveInfinity, double.NegativeInfinity);
    }

    [Fact]
    public async Task Import_of_history_older_than_retention_fails_with_the_reason()
    {
        await using var server = await TestServer.StartAsync();
        using var dir = new TempDirectory();
        var csv = Path.Combine(dir.Path, "old.csv");
        await File.WriteAllLinesAsync(csv, ["timestamp,value", "2014-07-01 00:00:00,1"]);
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try
        {
            var exit = await ForesightCommand.Build().Parse(["import", csv, "--metric", "m", "--url", server.BaseAddress.ToString()]).InvokeAsync();
            exit.Should().Be(1);
        }
        finally
        {
            Console.SetError(original);
        }
        error.ToString().Should().Contain("retention");
    }

    [Fact]
    public async Task Keys_created_on_the_command_line_scope_requests_to_their_tenant()
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var server = await TestServer.StartAsync(o => o.Time = clock);
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        int exit;
        try
        {
            exit = await ForesightCommand.Build().Parse(["keys", "create", "--tenant", "ops", "--data-dir", server.DataDirectory]).InvokeAsync();
        }
        finally
        {
            Console.SetOut(original);
        }
        exit.Should().Be(0);
        var secret = output.ToString().Trim();
        secret.Should().StartWith("fs_");

        using var anonymous = server.Client();
        clock.Advance(TimeSpan.FromSeconds(1.1));   // the server re-reads keys at most once a second of its clock
        (await anonymous.GetAsync("/api/v1/series")).StatusCode.Should().Be(System.Net.HttpStatusCode.Unauthorized, "the running server picked the new key up");
        using var ops = server.Client(secret);
        var list = await ops.GetFromJsonAsync<JsonElement>("/api/v1/series");
        list.GetProperty("series").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task Serve_scrapes_the_targets_of_its_config_file()
    {
        using var dir = new TempDirectory();
        await using var target = await TestServer.StartAsync();
        var config = Path.Combine(dir.Path, "foresight.yml");
        await File.WriteAllTextAsync(config, $"""
            scrape:
              interval: 1s
              jobs:
                - job_name: self
                  static_configs:
                    - targets: ["{target.BaseAddress.Authority}"]
                - job_name: gone
                  static_configs:
                    - targets: ["127.0.0.1:1"]
            """);
        await using var server = await TestServer.StartAsync(o => o.ConfigFile = config);
        var up = await Wait.ForAsync(() => server.Server.Store.FindAsync("default", Sel("up{job=\"self\"}")).AsTask(), s => s.Count > 0,
            "the first scrape of the self target");
        up.Should().ContainSingle();
        (await server.Server.Store.FindAsync("default", Sel("foresight_store_series{job=\"self\"}"))).Should().ContainSingle();
        using var http = server.Client();
        (await http.GetStringAsync("/metrics")).Should().MatchRegex(@"foresight_points_ingested_total\{protocol=""scrape""\} [1-9]",
            "scraped points count among the points ingested, by protocol");

        // GET /api/v1/targets: each target's last scrape, as Prometheus shows it.
        var targets = await Wait.ForAsync(async () => (await http.GetFromJsonAsync<JsonElement>("/api/v1/targets")).GetProperty("activeTargets"),
            t => t.EnumerateArray().All(target => target.GetProperty("health").GetString() != "unknown"), "both targets to be scraped once");
        targets.GetArrayLength().Should().Be(2);
        var self = targets[0];
        self.GetProperty("job").GetString().Should().Be("self");
        self.GetProperty("health").GetString().Should().Be("up");
        self.GetProperty("lastSamples").GetInt32().Should().BeGreaterThan(0);
        self.GetProperty("lastError").ValueKind.Should().Be(JsonValueKind.Null);
        self.GetProperty("labels").GetProperty("instance").GetString().Should().Be(target.BaseAddress.Authority);
        var gone = targets[1];
        gone.GetProperty("job").GetString().Should().Be("gone");
        gone.GetProperty("health").GetString().Should().Be("down");
        gone.GetProperty("lastError").GetString().Should().NotBeNullOrEmpty();
        gone.GetProperty("scrapeUrl").GetString().Should().Be("http://127.0.0.1:1/metrics");
    }

    [Fact]
    public async Task A_bad_config_file_stops_serve_with_the_line_at_fault()
    {
        using var dir = new TempDirectory();
        var config = Path.Combine(dir.Path, "bad.yml");
        await File.WriteAllTextAsync(config, "scrape:\n  interval: soon\n  jobs: []\n");
        var start = () => TestServer.StartAsync(o => o.ConfigFile = config);
        (await start.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*bad.yml*line 2*interval*");
    }

    private static SeriesSelector Sel(string text)
    {
        SeriesSelector.TryParse(text, out var s, out var e).Should().BeTrue(e);
        return s!;
    }
}

[Collection("Console")]
public sealed class ForecastCliTests
{
    [Fact]
    public async Task Forecast_reads_a_nab_format_file_and_writes_quantiles()
    {
        using var dir = new TempDirectory();
        var csv = Path.Combine(dir.Path, "load.csv");
        var start = new DateTime(2015, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var lines = new List<string> { "timestamp,value" };
        for (var i = 0; i < 24 * 2 * 28; i++)
        {
            lines.Add($"{start.AddMinutes(30 * i):yyyy-MM-dd HH:mm:ss},{(500 + 200 * Math.Sin(2 * Math.PI * i / 48)).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)}");
        }
        await File.WriteAllLinesAsync(csv, lines);
        var output = Path.Combine(dir.Path, "out.csv");
        var exit = await Foresight.Cli.ForesightCommand.Build().Parse(["forecast", csv, "--horizon", "48", "--out", output]).InvokeAsync();
        exit.Should().Be(0);
        var rows = await File.ReadAllLinesAsync(output);
        rows[0].Should().Be("timestamp,mean,q0.1,q0.5,q0.9");
        rows.Should().HaveCount(49);
        rows[1].Should().StartWith("2015-01-29 00:00:00,");
        var first = rows[1].Split(',').Skip(1).Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        first[0].Should().BeApproximately(500, 15);
        first[1].Should().BeLessThanOrEqualTo(first[3]);
    }

    [Fact]
    public async Task Forecast_of_a_missing_or_malformed_file_fails_with_the_reason()
    {
        using var dir = new TempDirectory();
        var bad = Path.Combine(dir.Path, "bad.csv");
        await File.WriteAllLinesAsync(bad, ["timestamp,value", "2015-01-01 00:00:00,x"]);
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try
        {
            (await Foresight.Cli.ForesightCommand.Build().Parse(["forecast", bad, "--horizon", "4"]).InvokeAsync()).Should().Be(2);
        }
        finally
        {
            Console.SetError(original);
        }
        error.ToString().Should().Contain("line 2");
    }
}
