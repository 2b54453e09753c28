using System.CommandLine;
using System.Globalization;
using Foresight.Forecasting;
using Foresight.Ingestion;
using Foresight.Series;
using Foresight.Server.Forecasting;
using Spectre.Console;

namespace Foresight.Cli.Commands;

/// <summary><c>foresight forecast FILE.csv --horizon H</c>: forecasts a user's own <c>timestamp,value</c> file.</summary>
internal static class ForecastCommand
{
    /// <summary>Finest grid step: the output's timestamps are printed to the second.</summary>
    private const long MinStepMs = 1_000;

    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "CSV file: timestamp,value (the NAB format)" };
        var horizon = new Option<int>("--horizon") { Description = $"Steps to forecast, at the file's own spacing (or --step), at most {ForecastApi.MaxHorizon}", Required = true };
        var quantiles = new Option<string>("--quantiles") { Description = "Quantile levels", DefaultValueFactory = _ => "0.1,0.5,0.9" };
        var output = new Option<FileInfo?>("--out") { Description = "CSV to write (default: FILE.forecast.csv beside the input)" };
        var step = new Option<string?>("--step") { Description = "Resample to this step first, e.g. 1h, at least 1s (default: the file's spacing, coarsened for long files and to at least 1s)" };

        var command = new Command("forecast", "Forecast a timestamp,value CSV file with the automatic forecaster") { file, horizon, quantiles, output, step };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            var h = parse.GetValue(horizon);
            if (Directory.Exists(path.FullName)) return Fail($"{path.FullName} is a directory, not a CSV file");
            if (!path.Exists) return Fail($"{path.FullName} does not exist");
            if (h < 1 || h > ForecastApi.MaxHorizon) return Fail($"--horizon: {h} must be from 1 to {ForecastApi.MaxHorizon} steps");
            var levels = new List<double>();
            foreach (var t in parse.GetValue(quantiles)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var q) || !(q > 0 && q < 1)) return Fail($"--quantiles: '{t}' must be strictly between 0 and 1");
                if (!levels.Contains(q)) levels.Add(q);   // a level asked for twice is written once, as the API answers it
            }
            long? stepMs = null;
            if (parse.GetValue(step) is { } stepText)
            {
                if (!Durations.TryParse(stepText, out var span) || span <= TimeSpan.Zero) return Fail($"--step: '{stepText}' is not a duration such as 5m or 1h");
                if (span.TotalMilliseconds < MinStepMs) return Fail($"--step: '{stepText}' is shorter than 1s, the resolution of the output's timestamps");
                stepMs = (long)span.TotalMilliseconds;
            }
            var outPath = parse.GetValue(output)?.FullName ?? Path.ChangeExtension(path.FullName, ".forecast.csv");
            if (CliText.CannotWrite(outPath, path.FullName) is { } outError)
                return Fail(parse.GetValue(output) is null ? $"{outError} (choose the output with --out)" : $"--out: {outError}");

            if (!CsvImport.TryReadSeries(path.FullName, out var points, out var readError)) return Fail(readError);
            if (points.Count < 3) return Fail($"{path.Name}: at least 3 points are needed, found {points.Count}");
            if (points[0].Timestamp == points[^1].Timestamp)
                return Fail($"{path.Name}: timestamps repeat: all {points.Count} points are at {CliText.Iso(points[0].Timestamp)}, and a forecast needs points spread over time");
            if (stepMs is null && RegularSeries.MedianSpacing(points) == 0)
                return Fail($"{path.Name}: timestamps repeat: most points share their timestamp with the next, so the file has no spacing to forecast at (--step averages them onto a grid, e.g. --step 1h)");
            var gridStep = stepMs ?? Math.Max(MinStepMs, RegularSeries.ChooseStep(points));
            var gridSteps = (points[^1].Timestamp - points[0].Timestamp) / gridStep + 1;
            if (gridSteps > RegularSeries.MaxSpan)
                return Fail(string.Create(CultureInfo.InvariantCulture,
                    $"{path.Name}: the points span {gridSteps:N0} steps of {TimeSpan.FromMilliseconds(gridStep)} from {CliText.Iso(points[0].Timestamp)} to {CliText.Iso(points[^1].Timestamp)}, more than the {RegularSeries.MaxSpan:N0} a forecast grid holds (a stray timestamp? or pass a longer --step)"));
            if (points[^1].Timestamp + (double)h * gridStep > Point.MaxTimestamp)
                return Fail($"--horizon: {h} steps of {TimeSpan.FromMilliseconds(gridStep)} after {CliText.Iso(points[^1].Timestamp)} run past the year 9999");

            var result = SeriesForecasting.Forecast(points, h, levels, step: gridStep);
            if (result is null) return Fail($"{path.Name}: no finite values to forecast from");

            try
            {
                using var writer = new StreamWriter(outPath);
                writer.WriteLine("timestamp,mean," + string.Join(",", levels.Select(q => "q" + q.ToString(CultureInfo.InvariantCulture))));
                for (var i = 0; i < h; i++)
                {
                    var cells = new[] { CliText.Iso(result.Timestamps[i]), F(result.Outcome.Mean[i]) }.Concat(result.Outcome.QuantileValues.Select(q => F(q[i])));
                    writer.WriteLine(string.Join(",", cells));
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return Fail($"cannot write {outPath} ({ex.Message})");
            }

            var table = new Table().AddColumn("timestamp (UTC)").AddColumn("mean");
            foreach (var q in levels) table.AddColumn("q" + q.ToString(CultureInfo.InvariantCulture));
            var shown = Enumerable.Range(0, h).Where(i => h <= 24 || i < 12 || i >= h - 6).ToList();
            foreach (var i in shown)
            {
                if (i > 0 && !shown.Contains(i - 1)) table.AddRow(Enumerable.Repeat("...", levels.Count + 2).ToArray());
                table.AddRow(new[] { CliText.Iso(result.Timestamps[i]), F(result.Outcome.Mean[i]) }.Concat(result.Outcome.QuantileValues.Select(q => F(q[i]))).ToArray());
            }
            AnsiConsole.Write(table);
            var seasons = result.Seasons.Count == 0 ? "none" : string.Join(", ", result.Seasons);
            Console.WriteLine($"{points.Count} points, fitted on {result.HistoryPoints} steps of {TimeSpan.FromMilliseconds(result.Step)}; seasonal periods (steps): {seasons}");
            Console.WriteLine($"model: {Markup.Escape(result.Outcome.Description)}; quantiles from {result.Outcome.Folds} rolling-origin folds");
            Console.WriteLine($"wrote {outPath}");
            return 0;
        });
        return command;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"foresight forecast: {message}");
        return 2;
    }

    private static string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
}
