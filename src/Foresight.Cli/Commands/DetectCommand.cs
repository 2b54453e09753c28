using System.CommandLine;
using System.Globalization;
using Foresight.Detection;
using Foresight.Detection.Incidents;
using Foresight.Ingestion;
using Foresight.Series;
using Spectre.Console;

namespace Foresight.Cli.Commands;

/// <summary><c>foresight detect FILE.csv</c>: scores a <c>timestamp,value</c> file point by point and prints its incidents.</summary>
internal static class DetectCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "CSV file: timestamp,value (the NAB format)" };
        var detector = new Option<string>("--detector") { Description = $"Detector: {string.Join(", ", Detectors.Names)}", DefaultValueFactory = _ => "ensemble" };
        var threshold = new Option<double>("--threshold") { Description = "Score at or above which a point is anomalous, strictly between 0 and 1 (scores are in [0, 1])", DefaultValueFactory = _ => 0.5 };
        var output = new Option<FileInfo?>("--out") { Description = "CSV of scores to write (default: FILE.scores.csv beside the input)" };

        var command = new Command("detect", "Score a timestamp,value CSV file for anomalies and print the incidents") { file, detector, threshold, output };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            if (Directory.Exists(path.FullName)) return Fail($"{path.FullName} is a directory, not a CSV file");
            if (!path.Exists) return Fail($"{path.FullName} does not exist");
            if (!Detectors.TryCreate(parse.GetValue(detector)!, out var factory)) return Fail($"--detector: unknown detector '{parse.GetValue(detector)}' (known: {string.Join(", ", Detectors.Names)})");
            var limit = parse.GetValue(threshold);
            if (!(limit > 0 && limit < 1)) return Fail($"--threshold: {limit.ToString(CultureInfo.InvariantCulture)} must be strictly between 0 and 1 (scores are in [0, 1])");
            var outPath = parse.GetValue(output)?.FullName ?? Path.ChangeExtension(path.FullName, ".scores.csv");
            if (CliText.CannotWrite(outPath, path.FullName) is { } outError)
                return Fail(parse.GetValue(output) is null ? $"{outError} (choose the output with --out)" : $"--out: {outError}");
            if (!CsvImport.TryReadSeries(path.FullName, out var points, out var readError)) return Fail(readError);

            var scorer = new SeriesScorer(factory());
            var tracker = new IncidentTracker();
            var anomalies = 0;
            try
            {
                using var writer = new StreamWriter(outPath);
                writer.WriteLine("timestamp,value,anomaly_score");
                foreach (var p in points)
                {
                    var score = 0.0;
                    if (scorer.TryScore(p.Timestamp, p.Value, out var result))
                    {
                        (score, var low, var high) = result;
                        if (score >= limit && double.IsFinite(low))
                        {
                            anomalies++;
                            tracker.Add("cli", new AnomalyPoint(0, path.Name, path.Name, p.Timestamp, p.Value, score, low, high, [parse.GetValue(detector)!]), p.Timestamp);
                        }
                        else tracker.Advance("cli", path.Name, p.Timestamp);
                    }
                    writer.WriteLine($"{CliText.Iso(p.Timestamp)},{p.Value.ToString(CultureInfo.InvariantCulture)},{score.ToString("0.######", CultureInfo.InvariantCulture)}");
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return Fail($"cannot write {outPath} ({ex.Message})");
            }
            var incidents = tracker.List("cli").OrderBy(i => i.Start).ToList();
            var table = new Table().AddColumns("start (UTC)", "end (UTC)", "severity", "max score", "worst value", "expected range");
            foreach (var i in incidents)
            {
                var s = i.Series[0];
                table.AddRow(CliText.Iso(i.Start), CliText.Iso(i.End), i.Severity.ToString().ToLowerInvariant(), i.MaxScore.ToString("0.####", CultureInfo.InvariantCulture),
                    s.WorstValue.ToString("G6", CultureInfo.InvariantCulture), $"{s.ExpectedLow.ToString("G4", CultureInfo.InvariantCulture)} .. {s.ExpectedHigh.ToString("G4", CultureInfo.InvariantCulture)}");
            }
            AnsiConsole.Write(table);
            Console.WriteLine($"{points.Count} points, {anomalies} anomalous (score >= {limit.ToString(CultureInfo.InvariantCulture)}), {incidents.Count} incidents; scores written to {outPath}");
            return 0;
        });
        return command;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"foresight detect: {message}");
        return 2;
    }
}
