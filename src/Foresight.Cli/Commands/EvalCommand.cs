using System.CommandLine;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using Foresight.Evaluation.Forecasting;
using Foresight.Forecasting;
using Spectre.Console;

namespace Foresight.Cli.Commands;

/// <summary><c>foresight eval ...</c>: each capability measured beside its baselines, on a public benchmark, the demo fleet or a generated set with disclosed seeds.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var eval = new Command("eval", "Measure a capability beside its baselines: on a public benchmark, the demo fleet or a generated set with disclosed seeds");
        eval.Subcommands.Add(CreateForecast());
        eval.Subcommands.Add(EvalNabCommand.Create());
        eval.Subcommands.Add(EvalScalingCommand.Create());
        eval.Subcommands.Add(EvalRightSizingCommand.Create());
        eval.Subcommands.Add(EvalClassesCommand.Create());
        eval.Subcommands.Add(EvalLatencyCommand.Create());
        eval.Subcommands.Add(EvalPackingCommand.Create());
        return eval;
    }

    private static Command CreateForecast()
    {
        var train = new Option<FileInfo>("--train") { Description = "M4-format training file (e.g. Hourly-train.csv)", Required = true };
        var test = new Option<FileInfo>("--test") { Description = "M4-format test file (e.g. Hourly-test.csv)", Required = true };
        var horizon = new Option<int>("--horizon") { Description = "Forecast horizon", DefaultValueFactory = _ => 48 };
        var season = new Option<int>("--season") { Description = "Seasonal period for MASE, Naive2 and seasonal naive, at least 2 steps", DefaultValueFactory = _ => 24 };
        var seasons = new Option<string?>("--seasons") { Description = "Candidate periods for the other models, each at least 2 steps, e.g. 24,168 (default: the season, plus a week for hourly data)" };
        var models = new Option<string?>("--models") { Description = $"Comma-separated models (default all): {string.Join(", ", ForecastModels.Names)}" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table" };
        var noIntervals = new Option<bool>("--no-intervals") { Description = "Skip the 80%/95% interval coverage (faster)" };
        var validation = new Option<bool>("--validation") { Description = "Score on the last horizon of each training series instead of the test file (for development)" };

        var command = new Command("forecast", "Score forecasting models on an M4-format dataset (sMAPE, MASE, OWA, interval coverage)")
            { train, test, horizon, season, seasons, models, json, noIntervals, validation };
        command.SetAction(parse =>
        {
            var options = new EvaluationOptions
            {
                Horizon = parse.GetValue(horizon),
                Season = parse.GetValue(season),
                Intervals = !parse.GetValue(noIntervals),
            };
            if (options.Horizon < 1) return Fail($"--horizon: {options.Horizon} must be at least 1");
            if (options.Season < 2) return Fail($"--season: {options.Season} must be at least 2 steps");
            if (!TryParsePeriods(parse.GetValue(seasons), out var periods, out var periodError)) return Fail($"--seasons: {periodError}");
            options.CandidateSeasons = periods ?? (options.Season == 24 ? [24, 168] : [options.Season]);
            var names = (parse.GetValue(models) ?? string.Join(",", ForecastModels.Names)).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            if (!names.Contains("naive2")) names.Insert(0, "naive2");   // OWA needs Naive2 in the same run
            var instances = new List<IForecastModel>();
            foreach (var name in names)
            {
                if (!ForecastModels.TryCreate(name, out var model)) return Fail($"--models: unknown model '{name}' (known: {string.Join(", ", ForecastModels.Names)})");
                instances.Add(model);
            }
            var (trainFile, testFile) = (parse.GetValue(train)!, parse.GetValue(test)!);
            foreach (var (option, f) in new[] { ("--train", trainFile), ("--test", testFile) })
            {
                if (Directory.Exists(f.FullName)) return Fail($"{option}: {f.FullName} is a directory, not an M4 file");
            }
            List<M4Series> data;
            try
            {
                data = M4Dataset.Load(trainFile.FullName, testFile.FullName);
            }
            catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
            {
                return Fail(ex.Message);
            }
            if (data.Count == 0) return Fail($"--train: {trainFile.FullName} has no series (only a header, or nothing)");
            if (NonFinite(data, trainFile.Name, testFile.Name) is { } bad) return Fail(bad);
            if (parse.GetValue(validation))
            {
                data = ForecastEvaluation.ValidationSplit(data, options.Horizon);
                if (data.Count == 0) return Fail($"--validation: no training series has more than 2 x --horizon ({options.Horizon}) values, so none can be split");
            }
            var tooShort = data.FirstOrDefault(s => s.Test.Length < options.Horizon);
            if (tooShort is not null) return Fail($"series {tooShort.Id} has {tooShort.Test.Length} test values, fewer than --horizon {options.Horizon}");

            var scores = new List<ModelScore>();
            foreach (var model in instances)
            {
                scores.Add(EvalProgress.Count($"eval forecast, {model.Name}", data.Count, "series",
                    advance => ForecastEvaluation.Evaluate(data, model, options, () => advance(1))));
            }
            var reference = scores.First(s => s.Name == "naive2");
            scores = scores.Select(s => s with { Owa = ForecastAccuracy.Owa(s.SMape, s.Mase, reference.SMape, reference.Mase) }).ToList();

            if (parse.GetValue(json))
            {
                var payload = new
                {
                    models = scores.Select(s => new
                    {
                        name = s.Name,
                        smape = Round(s.SMape),
                        mase = Round(s.Mase),
                        owa = Round(s.Owa),
                        coverage80 = Round(s.Coverage80),
                        coverage95 = Round(s.Coverage95),
                        seconds = Math.Round(s.Seconds, 2),
                    }),
                };
                Console.WriteLine(JsonSerializer.Serialize(payload));
                return 0;
            }
            var table = new Table().AddColumns("model", "sMAPE", "MASE", "OWA", "80% coverage", "95% coverage", "seconds");
            foreach (var s in scores)
            {
                table.AddRow(s.Name, F(s.SMape), F(s.Mase), F(s.Owa), Pct(s.Coverage80), Pct(s.Coverage95), s.Seconds.ToString("0.0", CultureInfo.InvariantCulture));
            }
            AnsiConsole.Write(table);
            Console.WriteLine($"{data.Count} series, horizon {options.Horizon}, season {options.Season}, candidate periods {string.Join(",", options.CandidateSeasons)}{(parse.GetValue(validation) ? ", VALIDATION split (last horizon of train)" : "")}");
            return 0;
        });
        return command;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"foresight eval forecast: {message}");
        return 2;
    }

    /// <summary>The first NaN or infinite value, named by file, series and position: it would make the averages NaN (printed as null or -) with exit 0.</summary>
    private static string? NonFinite(IEnumerable<M4Series> data, string trainName, string testName)
    {
        foreach (var s in data)
        {
            foreach (var (values, file) in new[] { (s.Train, trainName), (s.Test, testName) })
            {
                var i = Array.FindIndex(values, v => !double.IsFinite(v));
                if (i >= 0) return string.Create(CultureInfo.InvariantCulture, $"{file}: series {s.Id}, value {i + 1} is {values[i]}; every value must be a finite number");
            }
        }
        return null;
    }

    private static double? Round(double v) => double.IsFinite(v) ? Math.Round(v, 4) : null;

    private static string F(double v) => double.IsFinite(v) ? v.ToString("0.000", CultureInfo.InvariantCulture) : "-";

    private static string Pct(double v) => double.IsFinite(v) ? (100 * v).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "-";

    private static bool TryParsePeriods(string? text, out List<int>? periods, [NotNullWhen(false)] out string? error)
    {
        (periods, error) = (null, null);
        if (text is null) return true;
        var list = new List<int>();
        foreach (var t in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var p) || p < 2)
            {
                error = $"'{t}' is not a period of at least 2 steps";
                return false;
            }
            list.Add(p);
        }
        if (list.Count == 0)
        {
            error = $"'{text}' names no period";
            return false;
        }
        periods = list;
        return true;
    }
}
