using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Foresight.Evaluation.Capacity;
using Spectre.Console;

namespace Foresight.Cli.Commands;

/// <summary><c>foresight eval latency</c>: latency-versus-load prediction scored on simulated load tests of known queueing systems.</summary>
internal static class EvalLatencyCommand
{
    /// <summary>Seeds the model was developed and tuned on; the default evaluation range never overlaps them.</summary>
    private const string DevelopmentSeeds = "1-199";

    internal static Command Create()
    {
        var seeds = new Option<string>("--seeds")
        {
            Description = $"Seed range a-b (one simulated service per seed). Default 1000-1049, held out; development and tuning used only {DevelopmentSeeds}",
            DefaultValueFactory = _ => "1000-1049",
        };
        var requests = new Option<int>("--requests") { Description = "Measured requests per load-test level", DefaultValueFactory = _ => 20_000 };
        var truth = new Option<int>("--truth-requests") { Description = "Requests behind each true latency at an unseen load", DefaultValueFactory = _ => 400_000 };
        var verbose = new Option<bool>("--verbose") { Description = "Print each seed's system, fit and p99 errors" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table" };
        var command = new Command("latency",
            "Simulate load tests of G/G/c services up to 50% of the knee, fit the queue model, and score predicted p99/p95/mean at unseen loads 55-80% of the knee (MAPE) beside two baselines")
            { seeds, requests, truth, verbose, json };
        command.SetAction(parse =>
        {
            if (!Foresight.Classification.SeedRange.TryParse(parse.GetValue(seeds)!, out var range, out var seedError)) return Fail($"--seeds: {seedError}");
            var (first, last) = (range.First, range.Last);
            var options = new LatencyEvaluationOptions { RequestsPerLevel = parse.GetValue(requests), TruthRequests = parse.GetValue(truth) };
            if (options.RequestsPerLevel < 100 || options.TruthRequests < 100) return Fail("--requests and --truth-requests must be at least 100");

            var clock = Stopwatch.StartNew();
            var outcomes = new List<LatencySeedOutcome>();
            void RunSeeds(Action? done)
            {
                for (long next = first; next <= last; next++)   // a long, so a range ending at int.MaxValue ends
                {
                    var seed = (int)next;
                    var outcome = LatencyEvaluation.RunSeed(seed, options);
                    outcomes.Add(outcome);
                    done?.Invoke();
                    if (parse.GetValue(verbose))
                    {
                        var s = outcome.System;
                        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"seed {seed}: c={s.Servers} service={1000 * s.MeanServiceTime:0.#} ms {s.Distribution} cs²={s.ServiceScv:0.##} overhead={1000 * s.Overhead:0.#} ms knee={s.Knee:G4}/s | {outcome.Model ?? outcome.Error} | p99 MAPE {LatencyEvaluation.Mape(outcome.Checks, c => c.Predicted.P99, c => c.Truth.P99):0.0}%"));
                    }
                }
            }
            // --verbose's line per seed is its progress; otherwise a bar, or a line per tenth of the seeds when stderr is not a terminal.
            if (parse.GetValue(verbose)) RunSeeds(null);
            else EvalProgress.Count("eval latency", last - first + 1, "seeds", advance => RunSeeds(() => advance(1)));
            var seconds = clock.Elapsed.TotalSeconds;
            var failed = outcomes.Count(o => o.Error is not null);
            var groups = new List<(string Name, List<LatencyCheck> Checks)> { ("all", outcomes.SelectMany(o => o.Checks).ToList()) };
            foreach (var d in Enum.GetValues<ServiceDistribution>())
                groups.Add(($"{d.ToString().ToLowerInvariant()} service", outcomes.Where(o => o.System.Distribution == d).SelectMany(o => o.Checks).ToList()));
            foreach (var (name, lo, hi) in new[] { ("1 server", 1, 1), ("2-4 servers", 2, 4), ("5-16 servers", 5, 16) })
                groups.Add((name, outcomes.Where(o => o.System.Servers >= lo && o.System.Servers <= hi).SelectMany(o => o.Checks).ToList()));
            var rows = groups.Select(g => new
            {
                group = g.Name,
                seeds = g.Checks.Count / Math.Max(1, options.TestLevels.Count),
                p99 = Round(LatencyEvaluation.Mape(g.Checks, c => c.Predicted.P99, c => c.Truth.P99)),
                p95 = Round(LatencyEvaluation.Mape(g.Checks, c => c.Predicted.P95, c => c.Truth.P95)),
                mean = Round(LatencyEvaluation.Mape(g.Checks, c => c.Predicted.Mean, c => c.Truth.Mean)),
                p99LastObserved = Round(LatencyEvaluation.Mape(g.Checks, c => c.LastObservedP99, c => c.Truth.P99)),
                p99Linear = Round(LatencyEvaluation.Mape(g.Checks, c => c.LinearP99, c => c.Truth.P99)),
            }).ToList();

            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    seeds = $"{first}-{last}", developmentSeeds = DevelopmentSeeds, fitFailures = failed, seconds = Math.Round(seconds, 1),
                    fitLevels = options.FitLevels, testLevels = options.TestLevels, mape = rows,
                }));
                return 0;
            }
            var table = new Table().AddColumns("systems", "seeds", "p99 MAPE", "p95 MAPE", "mean MAPE", "p99 baseline: last observed", "p99 baseline: linear");
            foreach (var r in rows)
                table.AddRow(r.group, r.seeds.ToString(CultureInfo.InvariantCulture), Pct(r.p99), Pct(r.p95), Pct(r.mean), Pct(r.p99LastObserved), Pct(r.p99Linear));
            AnsiConsole.Write(table);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"seeds {first}-{last} (development used only {DevelopmentSeeds}); fitted on loads 5-50% of each knee, scored at 55-80%; {failed} fit failures; {seconds:0.0} s"));
            return 0;
        });
        return command;
    }

    private static double? Round(double v) => double.IsFinite(v) ? Math.Round(v, 2) : null;

    private static string Pct(double? v) => v is { } x ? x.ToString("0.0", CultureInfo.InvariantCulture) + "%" : "∞";

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"foresight eval latency: {message}");
        return 2;
    }
}
