using System.Globalization;
using Foresight.Server.Forecasting;
using Foresight.Tests.Support;

namespace Foresight.Cli.Tests.Commands;

/// <summary><c>foresight forecast</c> refuses a horizon, quantile, step or file it cannot forecast sensibly, with what and where.</summary>
[Collection("Console")]
public sealed class ForecastCommandInputTests
{
    private static Task<(int Exit, string Out, string Error)> Forecast(TempDirectory dir, string csv, params string[] options) =>
        CliRun.Run(["forecast", csv, "--out", Path.Combine(dir.Path, "out.csv"), .. options]);

    [Theory]
    [InlineData("0")]
    [InlineData("10001")]
    [InlineData("2147483647")]
    public async Task The_horizon_is_from_1_to_the_apis_maximum(string horizon)
    {
        using var dir = new TempDirectory();
        (await Forecast(dir, CsvFixtures.WriteHourly(dir), "--horizon", horizon)).ShouldBeRefused($"foresight forecast: --horizon: {horizon} must be from 1 to {ForecastApi.MaxHorizon} steps");
    }

    [Fact]
    public async Task A_horizon_that_runs_past_the_year_9999_is_refused()
    {
        using var dir = new TempDirectory();
        (await Forecast(dir, CsvFixtures.WriteHourly(dir), "--horizon", "10000", "--step", "1000w")).ShouldBeRefused("run past the year 9999");
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("0.1,NaN")]
    [InlineData("Infinity")]
    [InlineData("1")]
    public async Task Quantiles_outside_0_to_1_and_nan_are_refused(string quantiles)
    {
        using var dir = new TempDirectory();
        (await Forecast(dir, CsvFixtures.WriteHourly(dir), "--horizon", "5", "--quantiles", quantiles)).ShouldBeRefused("--quantiles: '");
    }

    [Fact]
    public async Task A_quantile_asked_for_twice_is_written_once()
    {
        using var dir = new TempDirectory();
        var run = await Forecast(dir, CsvFixtures.WriteHourly(dir), "--horizon", "5", "--quantiles", "0.5,0.5,0.9");
        run.Exit.Should().Be(0, run.Error);
        File.ReadAllLines(Path.Combine(dir.Path, "out.csv"))[0].Should().Be("timestamp,mean,q0.5,q0.9");
    }

    [Theory]
    [InlineData("1ms")]
    [InlineData("999ms")]
    [InlineData("0.5s")]
    public async Task A_step_below_the_one_second_resolution_of_the_output_is_refused(string step)
    {
        using var dir = new TempDirectory();
        (await Forecast(dir, CsvFixtures.WriteHourly(dir), "--horizon", "5", "--step", step)).ShouldBeRefused($"--step: '{step}' is shorter than 1s");
    }

    [Fact]
    public async Task Sub_second_data_is_forecast_at_one_second_so_the_output_timestamps_differ()
    {
        using var dir = new TempDirectory();
        var csv = CsvFixtures.Write(dir, "fast.csv", ["timestamp,value", .. Enumerable.Range(0, 600).Select(i => string.Create(CultureInfo.InvariantCulture, $"{1_700_000_000_000L + 100 * i},{i % 10}"))]);

        var run = await Forecast(dir, csv, "--horizon", "3");

        run.Exit.Should().Be(0, run.Error);
        File.ReadAllLines(Path.Combine(dir.Path, "out.csv")).Skip(1).Select(l => l.Split(',')[0]).Should().OnlyHaveUniqueItems().And.HaveCount(3);
    }

    [Fact]
    public async Task Rows_that_all_share_one_timestamp_are_refused()
    {
        using var dir = new TempDirectory();
        var csv = CsvFixtures.Write(dir, "same.csv", ["timestamp,value", .. Enumerable.Range(0, 10).Select(i => $"2024-01-01 00:00:00,{i}")]);

        (await Forecast(dir, csv, "--horizon", "5")).ShouldBeRefused("same.csv: timestamps repeat: all 10 points are at 2024-01-01 00:00:00");
        (await Forecast(dir, csv, "--horizon", "5", "--step", "1h")).ShouldBeRefused("timestamps repeat");
    }

    [Fact]
    public async Task Mostly_repeated_timestamps_are_refused_unless_a_step_averages_them()
    {
        using var dir = new TempDirectory();
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var csv = CsvFixtures.Write(dir, "thrice.csv", ["timestamp,value", .. Enumerable.Range(0, 96).SelectMany(i => Enumerable.Range(0, 3).Select(k => $"{start.AddHours(i):yyyy-MM-dd HH:mm:ss},{i % 24 + k}"))]);

        (await Forecast(dir, csv, "--horizon", "5")).ShouldBeRefused("thrice.csv: timestamps repeat: most points share their timestamp with the next");
        var averaged = await Forecast(dir, csv, "--horizon", "5", "--step", "1h");
        averaged.Exit.Should().Be(0, averaged.Error);
    }

    [Fact]
    public async Task A_stray_timestamp_far_from_the_rest_is_refused_instead_of_exhausting_memory()
    {
        using var dir = new TempDirectory();
        var csv = CsvFixtures.Write(dir, "stray.csv", "timestamp,value", "2024-01-01 00:00:00,1", "2024-01-01 01:00:00,2", "2024-01-01 02:00:00,3", "9000-01-01 00:00:00,4");
        (await Forecast(dir, csv, "--horizon", "5")).ShouldBeRefused("stray.csv: the points span 61,150,369 steps of 01:00:00");
    }
}
