using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Foresight.Evaluation.RightSizing;
using Foresight.RightSizing;
using Spectre.Console;

namespace Foresight.Cli.Commands;

/// <summary><c>foresight eval rightsizing</c>: right-sizing recommendations for the demo fleet, each with its replay check (issue 6, bar 2).</summary>
internal static class EvalRightSizingCommand
{
    internal static Command Create()
    {
        var days = new Option<int>("--days") { Description = "Days of demo fleet usage (15-second samples) to recommend from, 1 to 90", DefaultValueFactory = _ => 14 };
        var strategy = new Option<string>("--strategy")
        {
            Description = $"Comma-separated strategies, or all: {string.Join(", ", RightSizingStrategies.All.Select(s => s.Name))}",
            DefaultValueFactory = _ => "all",
        };
        var request = new Option<string[]>("--request")
        {
            Description = "Current request of a service for the deltas and savings, as service=cores,MiB (repeatable; at most 100000 cores and 1e9 MiB), e.g. frontend=2,1024 (default: the demo's own requests)",
            AllowMultipleArgumentsPerToken = true,
        };
        var vpaOnly = new Option<bool>("--vpa-only") { Description = "Use the VPA's single 24 h histogram per resource, without the weekly floor" };
        var strategies = new Option<bool>("--strategies") { Description = "Print the strategy presets and exit" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table" };

        var command = new Command("rightsizing", "Right-size the demo fleet (VPA-style decaying histograms) under each strategy and replay each recommendation against its usage")
            { days, strategy, request, vpaOnly, strategies, json };
        command.SetAction(parse =>
        {
            if (parse.GetValue(strategies))
            {
                if (parse.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(StrategiesPayload()));
                else PrintStrategies();
                return 0;
            }
            if (parse.GetValue(days) is var d and (< 1 or > 90)) return Fail($"--days: must be from 1 to 90 (got {d})");
            var options = new RightSizingEvaluationOptions { Days = parse.GetValue(days) };
            if (parse.GetValue(vpaOnly)) options.Recommender = new RightSizingOptions { WeeklyHalfLife = null };
            if (!TryParseStrategies(parse.GetValue(strategy) ?? "all", out var chosen, out var error)) return Fail(error);
            options.Strategies = chosen;
            if (!TryParseRequests(parse.GetValue(request) ?? [], out var requests, out error)) return Fail(error);
            var merged = RightSizingEvaluationOptions.DemoRequests();
            foreach (var (service, r) in requests) merged[service] = r;
            options.Requests = merged;
            if (options.Validate() is { } problem) return Fail(problem);

            var clock = Stopwatch.StartNew();
            var report = RightSizingEvaluation.Run(options);
            var seconds = clock.Elapsed.TotalSeconds;
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(Payload(report, options.Days, seconds)));
                return 0;
            }
            PrintTable(report);
            var saving = report.Rows.Count(r => r.Savings is { PerMonth: > 0 });
            var perStrategy = string.Join(", ", options.Strategies.Select(st => string.Create(CultureInfo.InvariantCulture,
                $"{st.Name} {report.Rows.Where(r => r.Recommendation.Strategy == st.Name).Sum(r => r.Savings?.PerMonth ?? 0):0.00}")));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{saving} of {report.Rows.Count} recommendations save money at {options.Prices.CpuCoreHour} {options.Prices.Currency}/core-h and {options.Prices.MemoryGiBHour} {options.Prices.Currency}/GiB-h; fleet savings per month: {perStrategy}"));
            var worst = report.Rows.MaxBy(r => Math.Max(r.Replay.CpuShareAboveTarget, r.Replay.MemoryShareAboveTarget) - r.Replay.AllowedShare)!;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{report.Passed} of {report.Rows.Count} (service, strategy) pairs pass the replay check; {report.Rows.Count / options.Strategies.Count} services x {report.SamplesPerService} samples " +
                $"({options.Days} days from {CliText.Iso(report.FromMs)} UTC, {(options.Recommender.WeeklyHalfLife is null ? "VPA single histogram" : "with weekly floor")}); closest to its allowance: {worst.Recommendation.Workload}/{worst.Recommendation.Strategy} " +
                $"(CPU {Pct(worst.Replay.CpuShareAboveTarget)}, memory {Pct(worst.Replay.MemoryShareAboveTarget)} above target, allowed {Pct(worst.Replay.AllowedShare)}); {seconds:0.0} s"));
            return 0;
        });
        return command;
    }

    private static void PrintTable(RightSizingEvaluationReport report)
    {
        var table = new Table().AddColumns("service", "strategy", "CPU lower", "CPU target", "CPU upper", "CPU delta",
            "mem lower MiB", "mem target MiB", "mem upper MiB", "mem delta MiB", "saves /month", "CPU > target", "mem > target", "allowed", "pass");
        foreach (var row in report.Rows)
        {
            var (r, replay) = (row.Recommendation, row.Replay);
            table.AddRow(r.Workload, r.Strategy, Cores(r.Cpu.Lower), Cores(r.Cpu.Target), Cores(r.Cpu.Upper), Cores(r.Cpu.Delta),
                MiB(r.Memory.Lower), MiB(r.Memory.Target), MiB(r.Memory.Upper), MiB(r.Memory.Delta),
                row.Savings is { } saved ? saved.PerMonth.ToString("0.00", CultureInfo.InvariantCulture) : "-",
                Pct(replay.CpuShareAboveTarget), Pct(replay.MemoryShareAboveTarget), Pct(replay.AllowedShare), replay.Passed ? "yes" : "NO");
        }
        AnsiConsole.Write(table);
    }

    private static void PrintStrategies()
    {
        var table = new Table().AddColumns("strategy", "lower", "target", "upper", "margin", "allowed above target", "for");
        foreach (var s in RightSizingStrategies.All)
        {
            table.AddRow(s.Name, P(s.LowerPercentile), P(s.TargetPercentile), P(s.UpperPercentile),
                "+" + Pct(s.SafetyMargin), Pct(s.AllowedShareAboveTarget), Markup.Escape(s.Purpose));
        }
        AnsiConsole.Write(table);
    }

    private static object StrategiesPayload() => new
    {
        strategies = RightSizingStrategies.All.Select(s => new
        {
            name = s.Name,
            lowerPercentile = s.LowerPercentile,
            targetPercentile = s.TargetPercentile,
            upperPercentile = s.UpperPercentile,
            safetyMargin = s.SafetyMargin,
            allowedShareAboveTarget = s.AllowedShareAboveTarget,
            purpose = s.Purpose,
        }),
    };

    private static object Payload(RightSizingEvaluationReport report, int days, double seconds) => new
    {
        days,
        from = CliText.Iso(report.FromMs),
        samplesPerService = report.SamplesPerService,
        passed = report.Passed,
        rows = report.Rows.Select(row => new
        {
            service = row.Recommendation.Workload,
            strategy = row.Recommendation.Strategy,
            targetPercentile = row.Recommendation.TargetPercentile,
            confidenceDays = Round(row.Recommendation.ConfidenceDays),
            cpuCores = Range(row.Recommendation.Cpu),
            memoryBytes = Range(row.Recommendation.Memory),
            cpuShareAboveTarget = Round(row.Replay.CpuShareAboveTarget),
            cpuShareAboveUpper = Round(row.Replay.CpuShareAboveUpper),
            cpuDecayedShareAboveTarget = Round(row.Replay.CpuDecayedShareAboveTarget),
            memoryShareAboveTarget = Round(row.Replay.MemoryShareAboveTarget),
            memoryShareAboveUpper = Round(row.Replay.MemoryShareAboveUpper),
            memoryDecayedShareAboveTarget = Round(row.Replay.MemoryDecayedShareAboveTarget),
            allowedShare = Round(row.Replay.AllowedShare),
            passed = row.Replay.Passed,
            monthlyCostNow = row.Savings is { } sv ? Math.Round(sv.Current.PerMonth, 2) : (double?)null,
            monthlyCostRecommended = row.Savings is { } sr ? Math.Round(sr.Recommended.PerMonth, 2) : (double?)null,
            monthlySavings = row.Savings is { } sm ? Math.Round(sm.PerMonth, 2) : (double?)null,
            yearlySavings = row.Savings is { } sy ? Math.Round(sy.PerYear, 2) : (double?)null,
        }),
        seconds = Math.Round(seconds, 2),
    };

    private static object Range(ResourceRange r) => new
    {
        lower = Round(r.Lower),
        target = Round(r.Target),
        upper = Round(r.Upper),
        current = r.Current,
        delta = r.Delta is { } d ? Round(d) : null,
    };

    /// <summary>Parses <c>all</c> or a comma-separated list of preset names.</summary>
    internal static bool TryParseStrategies(string text, out List<RightSizingStrategy> strategies, out string error)
    {
        strategies = [];
        error = "";
        if (text.Trim().Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            strategies.AddRange(RightSizingStrategies.All);
            return true;
        }
        foreach (var name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!RightSizingStrategies.TryGet(name, out var s))
            {
                error = $"--strategy: unknown strategy '{name}' (known: all, {string.Join(", ", RightSizingStrategies.All.Select(x => x.Name))})";
                return false;
            }
            strategies.Add(s);
        }
        if (strategies.Count == 0) error = "--strategy: give at least one strategy, or all";
        return strategies.Count > 0;
    }

    /// <summary>The largest request <c>--request</c> takes: far above any pod, and low enough that costs stay finite.</summary>
    internal const double MaxRequestCores = 100_000, MaxRequestMiB = 1e9;

    /// <summary>Parses <c>service=cores,MiB</c> items, each from 0 to <see cref="MaxRequestCores"/> cores and <see cref="MaxRequestMiB"/> MiB.</summary>
    internal static bool TryParseRequests(IEnumerable<string> items, out Dictionary<string, ResourceRequests> requests, out string error)
    {
        requests = [];
        error = "";
        foreach (var item in items)
        {
            var eq = item.IndexOf('=');
            var parts = eq > 0 ? item[(eq + 1)..].Split(',') : [];
            if (parts.Length != 2
                || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var cores) || !(cores >= 0) || double.IsInfinity(cores)
                || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var mib) || !(mib >= 0) || double.IsInfinity(mib))
            {
                error = $"--request: '{item}' is not service=cores,MiB with two numbers of 0 or more (e.g. frontend=2,1024)";
                return false;
            }
            if (cores > MaxRequestCores || mib > MaxRequestMiB)
            {
                error = string.Create(CultureInfo.InvariantCulture,
                    $"--request: '{item}': a request is at most {MaxRequestCores:0} cores and {MaxRequestMiB:0} MiB");
                return false;
            }
            requests[item[..eq].Trim()] = new ResourceRequests(cores, mib * RightSizingOptions.MiB);
        }
        return true;
    }

    private static double? Round(double v) => double.IsFinite(v) ? Math.Round(v, 6) : null;

    private static string Cores(double? v) => v is { } x && double.IsFinite(x) ? x.ToString("0.000", CultureInfo.InvariantCulture) : v is null ? "-" : "inf";

    private static string MiB(double? v) => v is { } x && double.IsFinite(x) ? (x / RightSizingOptions.MiB).ToString("0", CultureInfo.InvariantCulture) : v is null ? "-" : "inf";

    private static string Pct(double v) => double.IsFinite(v) ? (100 * v).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "-";

    private static string P(double q) => "p" + (100 * q).ToString("0.#", CultureInfo.InvariantCulture);

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"foresight eval rightsizing: {message}");
        return 2;
    }
}
