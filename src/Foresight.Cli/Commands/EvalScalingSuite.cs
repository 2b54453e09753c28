using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Foresight.Evaluation.Scaling;
using Foresight.Ingestion;
using Spectre.Console;

namespace Foresight.Cli.Commands;

/// <summary>
/// <c>foresight eval scaling --trace DIR</c>: replays every CSV under a directory (e.g. a NAB
/// category) and sums up how the predictive policy fared against the HPA across them, so the
/// defaults can be judged on traces they were not developed on.
/// </summary>
internal static class EvalScalingSuite
{
    /// <summary>The target the issue sets: this much fewer minutes short than the HPA, at no more of its replica-hours and at most this multiple of the oracle's.</summary>
    private const double TargetReduction = 0.6, OracleMultiple = 1.25;

    private sealed record Row(string Trace, int Steps, PolicyOutcome Hpa, PolicyOutcome Predictive, PolicyOutcome Oracle)
    {
        public double VsHpa => Predictive.ReplicaHours / Hpa.ReplicaHours;
        public double VsOracle => Predictive.ReplicaHours / Oracle.ReplicaHours;
        public bool MeetsTarget => Predictive.UnderProvisionedMinutes <= (1 - TargetReduction) * Hpa.UnderProvisionedMinutes && VsHpa <= 1 && VsOracle <= OracleMultiple;
    }

    /// <summary>Replays each CSV under <paramref name="directory"/> (sorted by path) with fresh options; false when none could be replayed.</summary>
    public static bool Run(DirectoryInfo directory, Func<ScalingEvaluationOptions> options, bool json)
    {
        var files = directory.GetFiles("*.csv", SearchOption.AllDirectories).OrderBy(f => f.FullName, StringComparer.Ordinal).ToList();
        if (files.Count == 0)
        {
            EvalScalingCommand.Fail($"--trace: {directory.FullName} holds no .csv files");
            return false;
        }
        // Files are replayed side by side on the machine's cores; results and messages keep the files' order.
        var outcomes = new (Row? Row, string? Skipped)[files.Count];
        var clock = Stopwatch.StartNew();
        var done = 0;
        using var heartbeat = EvalProgress.Heartbeat($"replaying {files.Count} traces: 0 done");
        Parallel.For(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var file = files[i];
            var name = Path.GetRelativePath(directory.FullName, file.FullName);
            Console.Error.WriteLine($"replaying {name} ({i + 1} of {files.Count}, {clock.Elapsed.TotalSeconds:0} s)");
            if (!CsvImport.TryReadSeries(file.FullName, out var points, out var error)) outcomes[i] = (null, error);
            else if (ScalingEvaluation.Problem(points) is { } problem) outcomes[i] = (null, $"{name}: {problem}");
            else
            {
                var report = ScalingEvaluation.Run(points, options());
                outcomes[i] = (new Row(name, report.Demand.Length, report.Policies[0], report.Policies[1], report.Policies[3]), null);
            }
            var finished = Interlocked.Increment(ref done);
            heartbeat.Stage = $"replaying {files.Count} traces: {finished} done";
            Console.Error.WriteLine($"replayed {name} ({finished} of {files.Count} done, {clock.Elapsed.TotalSeconds:0} s)");
        });
        heartbeat.Dispose();
        var rows = outcomes.Where(o => o.Row is not null).Select(o => o.Row!).ToList();
        var skipped = outcomes.Where(o => o.Skipped is not null).Select(o => o.Skipped!).ToList();
        foreach (var s in skipped) Console.Error.WriteLine($"skipped {s}");
        if (rows.Count == 0)
        {
            EvalScalingCommand.Fail($"--trace: none of the {files.Count} files under {directory.FullName} could be replayed");
            return false;
        }

        var fewerMinutes = rows.Count(r => r.Predictive.UnderProvisionedMinutes < r.Hpa.UnderProvisionedMinutes);
        var noMoreReplicaHours = rows.Count(r => r.VsHpa <= 1);
        var both = rows.Count(r => r.Predictive.UnderProvisionedMinutes < r.Hpa.UnderProvisionedMinutes && r.VsHpa <= 1);
        var meets = rows.Count(r => r.MeetsTarget);
        var meanVsHpa = Math.Exp(rows.Average(r => Math.Log(r.VsHpa)));   // geometric mean of the ratios
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                traces = rows.Select(r => new
                {
                    trace = r.Trace,
                    steps = r.Steps,
                    hpa = new { underProvisionedMinutes = r.Hpa.UnderProvisionedMinutes, replicaHours = r.Hpa.ReplicaHours },
                    predictive = new { underProvisionedMinutes = r.Predictive.UnderProvisionedMinutes, replicaHours = r.Predictive.ReplicaHours },
                    oracle = new { replicaHours = r.Oracle.ReplicaHours },
                    meetsTarget = r.MeetsTarget,
                }),
                skipped,
                summary = new { traces = rows.Count, fewerMinutes, noMoreReplicaHours, both, meetsTarget = meets, geometricMeanReplicaHoursVsHpa = meanVsHpa },
            }));
            return true;
        }

        var table = new Table().AddColumns("trace", "steps", "hpa min", "predictive min", "vs hpa", "hpa rh", "predictive rh", "vs hpa", "vs oracle", "target");
        foreach (var r in rows)
        {
            table.AddRow(Markup.Escape(r.Trace), Text(r.Steps), Text(r.Hpa.UnderProvisionedMinutes), Text(r.Predictive.UnderProvisionedMinutes),
                Markup.Escape(EvalScalingCommand.Reduction(r.Predictive.UnderProvisionedMinutes, r.Hpa.UnderProvisionedMinutes)),
                Text(r.Hpa.ReplicaHours), Text(r.Predictive.ReplicaHours), r.VsHpa.ToString("x0.000", CultureInfo.InvariantCulture),
                r.VsOracle.ToString("x0.000", CultureInfo.InvariantCulture), r.MeetsTarget ? "meets" : "-");
        }
        AnsiConsole.Write(table);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{rows.Count} traces: predictive is short fewer minutes than hpa on {fewerMinutes}, uses no more replica-hours on {noMoreReplicaHours}, both on {both}; " +
            $"meets the target ({TargetReduction * 100:0}% fewer minutes, no more replica-hours, at most {OracleMultiple}x the oracle) on {meets}; replica-hours x{meanVsHpa:0.000} of hpa (geometric mean)"));
        return true;
    }

    private static string Text(double value) => value.ToString("0", CultureInfo.InvariantCulture);
}
