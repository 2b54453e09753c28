using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Foresight.Detection;
using Foresight.Evaluation.Detection;
using Spectre.Console;

namespace Foresight.Cli.Commands;

/// <summary><c>foresight eval nab</c>: a streaming detector on the Numenta Anomaly Benchmark, scored as NAB scores it.</summary>
internal static class EvalNabCommand
{
    internal static Command Create()
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "NAB checkout: the folder holding data/, labels/combined_windows.json and config/profiles.json", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Where to write NAB results files (<out>/<detector>/<category>/<detector>_<file>.csv)", Required = true };
        var detector = new Option<string>("--detector") { Description = $"Detector: {string.Join(", ", Detectors.Names)}", DefaultValueFactory = _ => "ensemble" };
        var threshold = new Option<double>("--threshold") { Description = "Fixed threshold scored beside NAB's optimized one (chosen before looking at scores), strictly between 0 and 1", DefaultValueFactory = _ => 0.5 };
        var fullPrecision = new Option<bool>("--full-precision") { Description = "Write and score unrounded scores (NAB's files hold 12 significant digits, which ties scores near 1)" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table" };
        var half = new Option<string>("--half")
        {
            Description = "Score only part of the corpus: dev (files at even positions in the sorted list of relative paths, where parameters are chosen), heldout (odd positions) or all",
            DefaultValueFactory = _ => "all",
        };
        half.AcceptOnlyFromAmong("all", "dev", "heldout");

        var command = new Command("nab", "Score a streaming anomaly detector on the Numenta Anomaly Benchmark (standard, reward_low_FP_rate, reward_low_FN_rate)")
            { data, output, detector, threshold, fullPrecision, json, half };
        command.SetAction(parse =>
        {
            var name = parse.GetValue(detector)!;
            if (!Detectors.TryCreate(name, out var factory))
            {
                Console.Error.WriteLine($"foresight eval nab: --detector: unknown detector '{name}' (known: {string.Join(", ", Detectors.Names)})");
                return 2;
            }
            var theta = parse.GetValue(threshold);
            if (!(theta > 0 && theta < 1))
            {
                Console.Error.WriteLine($"foresight eval nab: --threshold: {theta.ToString(System.Globalization.CultureInfo.InvariantCulture)} must be strictly between 0 and 1 (scores are in [0, 1]), as for detect");
                return 2;
            }
            NabCorpus corpus;
            try
            {
                corpus = NabCorpus.Load(parse.GetValue(data)!.FullName);
            }
            catch (Exception ex) when (ex is FormatException or IOException)
            {
                Console.Error.WriteLine($"foresight eval nab: {ex.Message}");
                return 2;
            }
            var part = parse.GetValue(half)!;
            corpus = NabCorpus.Half(corpus, part);
            var which = part == "all" ? "the corpus" : $"--half {part}";
            if (corpus.Files.Count == 0)
            {
                Console.Error.WriteLine($"foresight eval nab: {which} holds no data files (looked for data/<category>/*.csv under {parse.GetValue(data)!.FullName}); there is nothing to score");
                return 2;
            }
            if (corpus.WindowCount == 0)
            {
                // The NAB score is normalised by a perfect detector's score, which is undefined without windows.
                Console.Error.WriteLine($"foresight eval nab: {which} ({corpus.Files.Count} files) has no anomaly windows in labels/combined_windows.json; the NAB score is normalised by the windows and is undefined without them");
                return 2;
            }

            var sw = Stopwatch.StartNew();
            var scores = EvalProgress.Count($"eval nab, {name}", corpus.RowCount, "rows",
                advance => NabEvaluation.Detect(corpus, factory, progress: f => advance(f.Length)));
            var detectSeconds = sw.Elapsed.TotalSeconds;
            var full = parse.GetValue(fullPrecision);
            if (!full) scores = NabResults.RoundAsStored(scores);   // score exactly what the results files hold
            try
            {
                NabResults.Write(parse.GetValue(output)!.FullName, name, corpus, scores, full);
            }
            catch (IOException ex)
            {
                Console.Error.WriteLine($"foresight eval nab: writing results: {ex.Message}");
                return 1;
            }
            var result = NabEvaluation.Score(corpus, name, scores, theta, detectSeconds);
            var seconds = sw.Elapsed.TotalSeconds;

            if (parse.GetValue(json))
            {
                var payload = new
                {
                    detector = name,
                    scores = result.Optimized.ToDictionary(s => s.Profile, s => Math.Round(s.Score, 4)),
                    thresholds = result.Optimized.ToDictionary(s => s.Profile, s => s.Threshold),
                    fixedThreshold = theta,
                    fixedThresholdScores = result.Fixed.ToDictionary(s => s.Profile, s => Math.Round(s.Score, 4)),
                    seconds = Math.Round(seconds, 2),
                };
                Console.WriteLine(JsonSerializer.Serialize(payload));
                return 0;
            }
            var table = new Table().AddColumns("profile", "NAB score", "θ*", "TP rows", "FP rows", $"score @ θ={F(theta)}", "TP rows", "FP rows");
            for (var p = 0; p < result.Optimized.Count; p++)
            {
                var o = result.Optimized[p];
                var f = result.Fixed[p];
                table.AddRow(o.Profile, S(o.Score), F(o.Threshold), I(o.TruePositives), I(o.FalsePositives), S(f.Score), I(f.TruePositives), I(f.FalsePositives));
            }
            AnsiConsole.Write(table);
            Console.WriteLine($"{name}: {corpus.Files.Count} files, {corpus.RowCount} rows, {corpus.WindowCount} windows; detection {detectSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s, "
                + $"scoring {result.ScoringSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s. θ* is tuned on the corpus itself, as NAB's scoreboard is; the fixed θ is not.");
            if (name == "ensemble")
            {
                Console.WriteLine("The ensemble's parameters were chosen on the development half of the corpus (--half dev: even positions of the sorted paths); "
                    + "--half heldout scores only the files that played no part in those choices.");
            }
            return 0;
        });
        return command;
    }

    private static string S(double v) => v.ToString("0.00", CultureInfo.InvariantCulture);

    private static string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
}
