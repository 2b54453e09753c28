using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Foresight.Classification;
using Foresight.Evaluation.Classification;
using Foresight.Evaluation.Demo;
using Spectre.Console;

namespace Foresight.Cli.Commands;

/// <summary><c>foresight eval classes</c>: workload-class accuracy on generated workloads the classifier was not trained on, beside hand rules and a majority guess.</summary>
internal static class EvalClassesCommand
{
    private const int MinDays = 2, MaxDays = 90, MinStepSeconds = 60, MaxStepSeconds = 3600;

    internal static Command Create()
    {
        var training = WorkloadClassifierOptions.DefaultTrainingSeeds;
        var development = WorkloadClassifierOptions.DevelopmentSeeds;
        var heldOut = WorkloadClassifierOptions.HeldOutSeeds;
        var seeds = new Option<string>("--seeds")
        {
            Description = $"Seeds of the labelled set, one workload of every class per seed (training seeds: {training}; development seeds: {development}; held out: {heldOut})",
            DefaultValueFactory = _ => heldOut.ToString(),
        };
        var days = new Option<int>("--days") { Description = $"Days of each generated workload, {MinDays} to {MaxDays} (as eval rightsizing)", DefaultValueFactory = _ => 14 };
        var step = new Option<int>("--step-seconds") { Description = $"Sampling step of the generated workloads, {MinStepSeconds} to {MaxStepSeconds}", DefaultValueFactory = _ => 300 };
        var demo = new Option<bool>("--demo") { Description = "Also classify the demo fleet's services (14 days at 15-s steps)" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of tables" };

        var command = new Command("classes",
            $"Workload classes (web, api, batch, database, cache, ml, microservice): accuracy on generated workloads the classifier was not trained on " +
            $"(trained on seeds {training}, developed on {development}, held out {heldOut})")
            { seeds, days, step, demo, json };
        command.SetAction(parse =>
        {
            if (!SeedRange.TryParse(parse.GetValue(seeds)!, out var range, out var seedError)) return Fail($"--seeds: {seedError}");
            if (range.Overlaps(training)) return Fail($"--seeds {range} overlaps the training seeds {training}; pick seeds the classifier was not trained on");
            // Bounded so a run stays within minutes: the cost grows with days / step for every one of the thousands of workloads.
            if (parse.GetValue(days) is var dayCount and (< MinDays or > MaxDays)) return Fail($"--days must be from {MinDays} to {MaxDays} (got {dayCount})");
            if (parse.GetValue(step) is var stepSeconds and (< MinStepSeconds or > MaxStepSeconds)) return Fail($"--step-seconds must be from {MinStepSeconds} to {MaxStepSeconds} (got {stepSeconds})");
            var options = new ClassesEvaluationOptions { Seeds = range, Days = parse.GetValue(days), Step = TimeSpan.FromSeconds(parse.GetValue(step)) };
            if (options.Validate() is { } problem) return Fail(problem);

            var clock = Stopwatch.StartNew();
            WorkloadClassifier classifier;
            ClassesEvaluationReport report;
            List<(string Service, string Label, WorkloadClassification Result)> demoResults;
            using (var heartbeat = EvalProgress.Heartbeat($"eval classes: training on {training.Count * WorkloadClasses.All.Count} workloads (seeds {training})"))
            {
                classifier = WorkloadClassifier.Default;
                var trainSeconds = clock.Elapsed.TotalSeconds;
                Console.Error.WriteLine($"trained on {training.Count * WorkloadClasses.All.Count} workloads (seeds {training}) in {trainSeconds:0.0} s; classifying {range.Count * WorkloadClasses.All.Count} ...");
                heartbeat.Stage = $"eval classes: classifying {range.Count * WorkloadClasses.All.Count} workloads (seeds {range})";
                report = ClassesEvaluation.Run(classifier, options);
                heartbeat.Stage = "eval classes: classifying the demo fleet";
                demoResults = parse.GetValue(demo) ? ClassifyDemo(classifier) : [];
            }

            if (parse.GetValue(json))
            {
                var payload = new
                {
                    seeds = report.Seeds.ToString(),
                    trainingSeeds = report.TrainingSeeds.ToString(),
                    developmentSeeds = development.ToString(),
                    workloads = report.Workloads,
                    accuracy = Math.Round(report.Accuracy, 4),
                    baselineAccuracy = Math.Round(report.BaselineAccuracy, 4),
                    majorityAccuracy = Math.Round(report.MajorityAccuracy, 4),
                    meanConfidence = Math.Round(report.MeanConfidence, 4),
                    classes = report.PerClass.Select(p => new
                    {
                        name = p.Class.Name(), count = p.Count, accuracy = Math.Round(p.Accuracy, 4), precision = Finite(p.Precision),
                        baselineAccuracy = Math.Round(p.BaselineAccuracy, 4),
                    }),
                    confusion = report.Confusion,
                    baselineConfusion = report.BaselineConfusion,
                    demo = demoResults.Select(d => new
                    {
                        service = d.Service, label = d.Label, @class = d.Result.Class.Name(), confidence = Math.Round(d.Result.Confidence, 4),
                        reasons = d.Result.Reasons.Select(r => new { feature = r.Feature, value = Finite(r.Value), typicalLow = Finite(r.TypicalLow), typicalHigh = Finite(r.TypicalHigh) }),
                    }),
                };
                Console.WriteLine(JsonSerializer.Serialize(payload));
                return 0;
            }

            var table = new Table().AddColumns("class", "workloads", "accuracy", "precision", "hand rules");
            foreach (var p in report.PerClass) table.AddRow(p.Class.Name(), I(p.Count), Pct(p.Accuracy), Pct(p.Precision), Pct(p.BaselineAccuracy));
            table.AddRow("all", I(report.Workloads), Pct(report.Accuracy), "", Pct(report.BaselineAccuracy));
            AnsiConsole.Write(table);
            var confusion = new Table().AddColumn("true \\ predicted");
            foreach (var c in WorkloadClasses.All) confusion.AddColumn(c.Name());
            for (var i = 0; i < report.Confusion.Count; i++)
                confusion.AddRow([WorkloadClasses.All[i].Name(), .. report.Confusion[i].Select(I)]);
            AnsiConsole.Write(confusion);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"seeds {report.Seeds} ({report.Workloads} workloads, {options.Days} days at {options.Step.TotalSeconds:0} s); trained on seeds {report.TrainingSeeds}, developed on {development}: " +
                $"accuracy {report.Accuracy:0.0%}, hand rules {report.BaselineAccuracy:0.0%}, majority class {report.MajorityAccuracy:0.0%}, mean confidence {report.MeanConfidence:0.000} ({clock.Elapsed.TotalSeconds:0.0} s)"));
            foreach (var d in demoResults)
            {
                var reasons = string.Join("; ", d.Result.Reasons.Take(3).Select(r => string.Create(CultureInfo.InvariantCulture,
                    $"{r.Feature} {r.Value:0.###} (typical {r.TypicalLow:0.###}..{r.TypicalHigh:0.###})")));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"demo {d.Service} (labelled {d.Label}): {d.Result.Class.Name()} {d.Result.Confidence:0.00} — {reasons}"));
            }
            return 0;
        });
        return command;
    }

    private static List<(string Service, string Label, WorkloadClassification Result)> ClassifyDemo(WorkloadClassifier classifier)
    {
        var origin = WorkloadGenerator.Epoch.ToUnixTimeMilliseconds();
        var fleet = new DemoFleet(origin);
        var results = new List<(string, string, WorkloadClassification)>();
        foreach (var workload in DemoWorkloads.FromDemoFleet(fleet, origin, origin + (long)DemoFleet.Backfill.TotalMilliseconds))
        {
            if (!classifier.TryClassify(workload.Metrics, out var result, out var error)) throw new InvalidOperationException($"demo {workload.Service}: {error}");
            results.Add((workload.Service, workload.Label, result));
        }
        return results;
    }

    private static double? Finite(double v) => double.IsFinite(v) ? Math.Round(v, 4) : null;

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Pct(double v) => double.IsFinite(v) ? v.ToString("0.0%", CultureInfo.InvariantCulture) : "-";

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"foresight eval classes: {message}");
        return 2;
    }
}
