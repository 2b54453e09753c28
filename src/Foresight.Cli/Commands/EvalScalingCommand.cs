using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Foresight.Evaluation.Scaling;
using Foresight.Ingestion;
using Spectre.Console;

namespace Foresight.Cli.Commands;

/// <summary><c>foresight eval scaling</c>: replays a demand trace against the Kubernetes HPA, the predictive policy, static peak provisioning and the oracle.</summary>
internal static class EvalScalingCommand
{
    internal static Command Create()
    {
        var trace = new Option<string>("--trace")
        {
            Description = "Demand trace: a timestamp,value CSV (the NAB format), replayed at its own step; or a directory, whose CSV files are each replayed and summed up",
            Required = true,
        };
        var peakReplicas = new Option<int>("--peak-replicas") { Description = "Replicas that serve the trace's peak: capacity per replica = peak / this", DefaultValueFactory = _ => 20 };
        var startup = new Option<double>("--startup-seconds") { Description = "Seconds from asking for a replica until it serves", DefaultValueFactory = _ => 600 };
        var hpaTarget = new Option<double>("--hpa-target") { Description = "The HPA's target demand per replica, as a share of its capacity", DefaultValueFactory = _ => 0.7 };
        var price = new Option<double>("--price") { Description = "Price of one replica-hour, for the cost column", DefaultValueFactory = _ => 0.10 };
        var level = new Option<double>("--level") { Description = "Upper quantile of the demand forecast the predictive policy plans for", DefaultValueFactory = _ => new Foresight.Scaling.DemandForecasterOptions().Level };
        var levels = new Option<string?>("--levels") { Description = "Also replay the predictive policy at each of these comma-separated levels (e.g. 0.8,0.9,0.95): its trade-off curve" };
        var quantileOnly = new Option<bool>("--quantile-only") { Description = "Plan for the upper quantile alone, without the cost-aware trim of replicas that buy too little" };
        var plot = new Option<FileInfo?>("--plot") { Description = "Write an SVG of demand against each policy's ready capacity" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table" };

        var command = new Command("scaling", "Replay a demand trace: Kubernetes HPA vs predictive scaling vs static peak vs oracle")
            { trace, peakReplicas, startup, hpaTarget, price, level, levels, quantileOnly, plot, json };
        command.SetAction(parse =>
        {
            ScalingEvaluationOptions Options(double forecastLevel) => new()
            {
                PeakReplicas = parse.GetValue(peakReplicas),
                StartupDelay = TimeSpan.FromSeconds(parse.GetValue(startup)),
                HpaTarget = parse.GetValue(hpaTarget),
                PricePerReplicaHour = parse.GetValue(price),
                Forecaster = new Foresight.Scaling.DemandForecasterOptions { Level = forecastLevel },
                Scaler = new Foresight.Scaling.PredictiveScalerOptions { CostAware = !parse.GetValue(quantileOnly) },
            };
            var startupSeconds = parse.GetValue(startup);
            if (!(startupSeconds is >= 0 and <= 86_400)) return Fail($"--startup-seconds: must be from 0 to 86400 (got {startupSeconds.ToString(CultureInfo.InvariantCulture)})");
            var options = Options(parse.GetValue(level));
            if (options.Validate() is { } problem) return Fail(problem);
            var given = parse.GetValue(trace)!;
            if (parse.GetValue(plot) is { } plotFile && CliText.CannotWrite(plotFile.FullName, given) is { } unwritable) return Fail($"--plot: {unwritable}");
            if (Directory.Exists(given))
            {
                if (parse.GetValue(levels) is not null || parse.GetValue(plot) is not null) return Fail("--levels and --plot take a single trace, not a directory");
                return EvalScalingSuite.Run(new DirectoryInfo(given), () => Options(parse.GetValue(level)), parse.GetValue(json)) ? 0 : 2;
            }
            var path = new FileInfo(given);
            if (!path.Exists) return Fail($"--trace: {path.FullName} does not exist");
            if (!CsvImport.TryReadSeries(path.FullName, out var points, out var readError)) return Fail(readError);
            if (ScalingEvaluation.Problem(points) is { } traceProblem) return Fail($"{path.Name}: {traceProblem}");
            var sweep = new List<double>();
            foreach (var t in (parse.GetValue(levels) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var l) || !(l >= 0.5 && l < 1)) return Fail($"--levels: '{t}' must be a number in [0.5, 1)");
                sweep.Add(l);
            }

            // The replays are independent: the main one and one per level run side by side on the machine's cores.
            var clock = Stopwatch.StartNew();
            ScalingReport report = null!;
            var atLevel = new PolicyOutcome[sweep.Count];
            using (var heartbeat = EvalProgress.Heartbeat($"replaying {path.Name}"))
            {
                Parallel.For(0, sweep.Count + 1, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
                {
                    if (i == 0)
                    {
                        report = ScalingEvaluation.Run(points, options, stage =>
                        {
                            heartbeat.Stage = $"replaying {path.Name}: {stage}";
                            Console.Error.WriteLine($"replaying {path.Name}: {stage} ({clock.Elapsed.TotalSeconds:0.0} s)");
                        });
                        return;
                    }
                    var l = sweep[i - 1];
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"replaying {path.Name}: predictive at level {l} ({clock.Elapsed.TotalSeconds:0.0} s)"));
                    atLevel[i - 1] = ScalingEvaluation.Run(points, Options(l)).Policies[1];
                });
            }
            if (report.InterpolatedSteps > 0)
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{path.Name}: {report.InterpolatedSteps} of {report.Demand.Length} steps ({(double)report.InterpolatedSteps / report.Demand.Length:0.#%}) have no value and were interpolated between their neighbours"));
            var curve = sweep.Zip(atLevel, (l, outcome) => (Level: l, Outcome: outcome)).ToList();
            var plotPath = parse.GetValue(plot);
            if (plotPath is not null)
            {
                try
                {
                    File.WriteAllText(plotPath.FullName, ScalingPlot.Svg(report, path.Name));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    return Fail($"--plot: cannot write {plotPath.FullName}: {e.Message}");
                }
            }

            if (parse.GetValue(json))
            {
                var payload = new
                {
                    trace = path.Name,
                    stepSeconds = report.Step / 1000.0,
                    steps = report.Demand.Length,
                    interpolatedSteps = report.InterpolatedSteps,
                    replicaCapacity = report.ReplicaCapacity,
                    predictiveModel = report.PredictiveModel,
                    policies = report.Policies.Select(p => new
                    {
                        name = p.Name,
                        underProvisionedSteps = p.UnderProvisionedSteps,
                        underProvisionedMinutes = p.UnderProvisionedMinutes,
                        unservedShare = p.UnservedShare,
                        replicaHours = p.ReplicaHours,
                        cost = p.Cost,
                        meanUtilization = p.MeanUtilization,
                        scalingActions = p.ScalingActions,
                    }),
                    confidence = report.Calibration is not { } calibration ? null : new
                    {
                        decisions = calibration.Decisions,
                        meanConfidence = calibration.MeanConfidence,
                        served = calibration.Served,
                        bands = calibration.Bands.Select(b => new { from = b.From, to = b.To, decisions = b.Decisions, meanConfidence = b.MeanConfidence, served = b.Served }),
                    },
                    levels = curve.Count == 0 ? null : curve.Select(c => new
                    {
                        level = c.Level,
                        underProvisionedMinutes = c.Outcome.UnderProvisionedMinutes,
                        unservedShare = c.Outcome.UnservedShare,
                        replicaHours = c.Outcome.ReplicaHours,
                    }),
                };
                Console.WriteLine(JsonSerializer.Serialize(payload));
                return 0;
            }

            var table = new Table().AddColumns("policy", "under-provisioned steps", "under-provisioned min", "unserved demand", "replica-hours", "cost", "mean utilization", "scaling actions");
            foreach (var p in report.Policies)
            {
                table.AddRow(p.Name, p.UnderProvisionedSteps.ToString(CultureInfo.InvariantCulture), p.UnderProvisionedMinutes.ToString("0", CultureInfo.InvariantCulture),
                    p.UnservedShare.ToString("0.000%", CultureInfo.InvariantCulture), p.ReplicaHours.ToString("0", CultureInfo.InvariantCulture),
                    p.Cost.ToString("0.00", CultureInfo.InvariantCulture), p.MeanUtilization.ToString("0.0%", CultureInfo.InvariantCulture),
                    p.ScalingActions.ToString(CultureInfo.InvariantCulture));
            }
            AnsiConsole.Write(table);
            var hpa = report.Policies[0];
            var predictive = report.Policies[1];
            var oracle = report.Policies[3];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{path.Name}: {report.Demand.Length} steps of {report.Step / 60000.0:0.##} min, {report.ReplicaCapacity:0.###} per replica; predictive vs hpa: " +
                $"{Reduction(predictive.UnderProvisionedMinutes, hpa.UnderProvisionedMinutes)} under-provisioned minutes, replica-hours x{predictive.ReplicaHours / hpa.ReplicaHours:0.000} of hpa and x{predictive.ReplicaHours / oracle.ReplicaHours:0.000} of the oracle"));
            if (report.PredictiveModel is not null) Console.WriteLine($"predictive forecaster (last fit): {report.PredictiveModel}");
            if (report.Calibration is { } stated)
            {
                var bands = string.Join(", ", stated.Bands.Select(b => string.Create(CultureInfo.InvariantCulture,
                    $"[{b.From:0.##}, {b.To:0.##}{(b.To >= 1 ? "]" : ")")} {b.Decisions} stated {b.MeanConfidence:0.000} served {b.Served:0.000}")));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"predictive's confidence (the chance its replicas serve the whole look-ahead), over {stated.Decisions} decisions: stated {stated.MeanConfidence:0.000} on average, served {stated.Served:0.000}; by band: {bands}"));
            }
            if (curve.Count > 0)
            {
                var levelTable = new Table().AddColumns("predictive at level", "under-provisioned min", "vs hpa", "unserved demand", "replica-hours", "vs hpa", "vs oracle");
                foreach (var (l, p) in curve)
                {
                    levelTable.AddRow(l.ToString("0.###", CultureInfo.InvariantCulture), p.UnderProvisionedMinutes.ToString("0", CultureInfo.InvariantCulture),
                        Reduction(p.UnderProvisionedMinutes, hpa.UnderProvisionedMinutes), p.UnservedShare.ToString("0.000%", CultureInfo.InvariantCulture),
                        p.ReplicaHours.ToString("0", CultureInfo.InvariantCulture), (p.ReplicaHours / hpa.ReplicaHours).ToString("x0.000", CultureInfo.InvariantCulture),
                        (p.ReplicaHours / oracle.ReplicaHours).ToString("x0.000", CultureInfo.InvariantCulture));
                }
                AnsiConsole.Write(levelTable);
            }
            if (plotPath is not null) Console.WriteLine($"plot written to {plotPath.FullName}");
            return 0;
        });
        return command;
    }

    internal static string Reduction(double value, double baseline) =>
        !(baseline > 0) ? (value > 0 ? "more (the baseline has none)" : "none (nor the baseline)")
        : value <= baseline ? (1 - value / baseline).ToString("0.0%", CultureInfo.InvariantCulture) + " fewer"
        : (value / baseline - 1).ToString("0.0%", CultureInfo.InvariantCulture) + " more";

    internal static int Fail(string message)
    {
        Console.Error.WriteLine($"foresight eval scaling: {message}");
        return 2;
    }
}
