using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Foresight.Forecasting;
using Foresight.Forecasting.Evaluation;
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
        var season = new Option<int>("--season") { Description = "Seasonal period for MASE, Naive2 and seasonal naive", DefaultValueFactory = _ => 24 };
        var seasons = new Option<string?>("--seasons") { Description = "Candidate periods for the other models, e.g. 24,168 (default: the season, plus a week for hourly data)" };
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
            options.CandidateSeasons = ParsePeriods(parse.GetValue(seasons)) ?? (options.Season == 24 ? [24, 168] : [options.Season]);
            var names = (parse.GetValue(models) ?? string.Join(",", ForecastModels.Names)).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            if (!names.Contains("naive2")) names.Insert(0, "naive2");   // OWA needs Naive2 in the same run
            var instances = new List<IForecastModel>();
            foreach (var name in names)
            {
                if (!ForecastModels.TryCreate(name, out var model))
                {
                    Console.Error.WriteLine($"foresight eval forecast: --models: unknown model '{name}' (known: {string.Join(", ", ForecastModels.Names)})");
                    return 2;
                }
                instances.Add(model);
            }
            List<M4Series> data;
            try
            {
                data = M4Dataset.Load(parse.GetValue(train)!.FullName, parse.GetValue(test)!.FullName);
            }
            catch (Exception ex) when (ex is FormatException or IOException)
            {
                Console.Error.WriteLine($"foresight eval forecast: {ex.Message}");
                return 2;
            }
            if (parse.GetValue(validation)) data = ForecastEvaluation.ValidationSplit(data, options.Horizon);
            var tooShort = data.FirstOrDefault(s => s.Test.Length < options.Horizon);
            if (tooShort is not null)
            {
                Console.Error.WriteLine($"foresight eval forecast: series {tooShort.Id} has {tooShort.Test.Length} test values, fewer than --horizon {options.Horizon}");
                return 2;
            }

            var stderr = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            var scores = new List<ModelScore>();
            stderr.Progress().AutoClear(true).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .Start(ctx =>
                {
                    foreach (var model in instances)
                    {
                        var task = ctx.AddTask(model.Name, maxValue: data.Count);
                        scores.Add(ForecastEvaluation.Evaluate(data, model, options, () => task.Increment(1)));
                    }
                });
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

    private static double? Round(double v) => double.IsFinite(v) ? Math.Round(v, 4) : null;

    private static string F(double v) => double.IsFinite(v) ? v.ToString("0.000", CultureInfo.InvariantCulture) : "-";

    private static string Pct(double v) => double.IsFinite(v) ? (100 * v).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "-";

    private static List<int>? ParsePeriods(string? text) =>
        text is null ? null : text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToList();
}
