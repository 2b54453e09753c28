using System.CommandLine;
using System.Text;
using System.Text.Json;
using Foresight.Ingestion;
using Foresight.Series;
using Foresight.Server.Hosting;
using Spectre.Console;

namespace Foresight.Cli.Commands;

/// <summary>
/// <c>foresight import FILE.csv --metric NAME [--label k=v]...</c>: sends a CSV file to a running
/// server in batches (or, with <c>--data-dir</c>, writes straight into a stopped server's store),
/// with a progress bar.
/// </summary>
internal static class ImportCommand
{
    private const int BatchPoints = 20_000;

    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "CSV file: timestamp,value (NAB) or timestamp,col1,col2,... (wide)" };
        var metric = new Option<string>("--metric") { Description = "Metric name of the imported series", Required = true };
        var labels = new Option<string[]>("--label") { Description = "Extra label k=v (repeatable)", AllowMultipleArgumentsPerToken = false };
        var url = ServerClient.UrlOption();
        var apiKey = ServerClient.ApiKeyOption();
        var dataDir = new Option<string?>("--data-dir") { Description = "Write directly into this data directory instead (the server must be stopped)" };
        var retention = new Option<string?>("--retention") { Description = "With --data-dir: retention to apply (0 keeps history forever); over --url the server's own retention applies" };

        var command = new Command("import", "Import a CSV file of time series") { file, metric, labels, url, apiKey, dataDir, retention };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists) return await Fail($"{path.FullName} does not exist", 2);
            var metricName = parse.GetValue(metric)!;
            if (!SeriesNames.IsValidMetricName(metricName))
                return await Fail($"--metric: '{metricName}' is not a valid metric name (expected [a-zA-Z_:][a-zA-Z0-9_:]*)", 2);
            var pairs = new List<KeyValuePair<string, string>>();
            foreach (var l in parse.GetValue(labels) ?? [])
            {
                var eq = l.IndexOf('=');
                if (eq <= 0) return await Fail($"--label '{l}' must look like name=value", 2);
                if (l[..eq] == "__name__") return await Fail($"--label '{l}': the metric name is given by --metric, not as a label", 2);
                pairs.Add(new(l[..eq], l[(eq + 1)..]));
            }
            if (!Labels.TryFrom(pairs, out var parsedLabels, out var labelError)) return await Fail($"--label: {labelError}", 2);
            var import = new CsvImport(metricName, parsedLabels);

            ISink sink;
            if (parse.GetValue(dataDir) is { } dir)
            {
                var options = new StoreOptions();
                if (!Durations.TryApply(parse.GetValue(retention), "--retention", v => options.Retention = v, out var err)) return await Fail(err, 2);
                try
                {
                    sink = new StoreSink(StoreFactory.Open(dir, options).Series);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
                {
                    return await Fail(ex.Message, 1);
                }
            }
            else
            {
                if (parse.GetValue(retention) is not null)
                    return await Fail("--retention applies to --data-dir imports; over --url the server's own retention (foresight serve --retention) applies", 2);
                if (!ServerClient.TryCreate(parse, url, apiKey, out var client, out var urlError)) return await Fail(urlError, 2);
                sink = new HttpSink(client);
            }
            await using (sink)
            {
                return await Run(path, import, parsedLabels, sink, ct);
            }
        });
        return command;
    }

    private static async Task<int> Run(FileInfo path, CsvImport import, Labels labels, ISink sink, CancellationToken ct)
    {
        long imported = 0, sent = 0;
        var batchFirstLine = 1;
        (string Message, int Exit)? failure = null;

        // The progress bar goes to stderr, and only to a terminal: stdout keeps the result line alone, and a
        // redirected stream gets no escape codes (the bar's last frame used to be left on stdout after a failure).
        try
        {
            await PumpWithProgress();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Ctrl-C: say how far the import got, as for a failure (batches are stored whole or not at all).
            await Console.Error.WriteLineAsync(
                $"foresight import: interrupted at line {import.Line} of {path.Name}; {imported} points were stored before that (a batch being sent may or may not have been).");
            return 130;
        }
        if (failure is { } f)
        {
            await Console.Error.WriteLineAsync($"foresight import: {f.Message}");
            if (f.Exit == 1 || imported > 0) await Console.Error.WriteLineAsync($"{imported} points were stored before the failure.");
            return f.Exit;
        }
        if (sent == 0)
        {
            return await Fail(import.Columns is null ? $"{path.Name} is empty: there is nothing to import"
                : import.Rows == 0 ? $"{path.Name} holds only a header line: there is nothing to import"
                : $"{path.Name}: none of its {import.Rows} rows holds a value: there is nothing to import", 2);
        }
        Console.WriteLine($"Imported {imported} points from {path.Name} ({import.Line} lines).");
        return 0;

        async Task PumpWithProgress()
        {
            if (Console.IsErrorRedirected)
            {
                await Pump(null);
                return;
            }
            var stderr = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            await stderr.Progress().AutoClear(false).Columns(
                    new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async ctx =>
                {
                    var task = ctx.AddTask(Markup.Escape(path.Name), maxValue: Math.Max(1, path.Length));
                    await Pump(position => task.Value = position);
                    if (failure is null) task.Value = task.MaxValue;
                    else task.StopTask();
                });
        }

        async Task Pump(Action<double>? progress)
        {
            using var reader = new StreamReader(path.FullName);
            var columnsChecked = false;
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                if (!import.TryAddLine(line, out var lineError))
                {
                    failure = ($"{path.Name}: {lineError}", 2);
                    return;
                }
                if (!columnsChecked && import.Columns is { } columns)
                {
                    // Each column of a wide file is labelled column=NAME, which a --label of that name would clash with.
                    columnsChecked = true;
                    if (columns.Count > 1 && labels.Get("column") is not null)
                    {
                        failure = ($"{path.Name}: --label column=...: a file with several value columns labels each series column=NAME itself; use another label name", 2);
                        return;
                    }
                }
                if (import.PendingPoints >= BatchPoints)
                {
                    if (await Flush() is { } flushFailure)
                    {
                        failure = (flushFailure, 1);
                        return;
                    }
                    progress?.Invoke(reader.BaseStream.Position);
                }
            }
            if (await Flush() is { } lastFailure) failure = (lastFailure, 1);
        }

        async Task<string?> Flush()
        {
            var batch = import.TakeBatch();
            var lines = (First: batchFirstLine, Last: import.Line);
            batchFirstLine = import.Line + 1;
            if (batch.Count == 0) return null;
            sent += batch.Sum(w => w.Points.Count);
            var result = await sink.SendAsync(batch, ct);
            imported += result.Stored;
            if (result.Error is null) return null;
            if (result.SeriesIndex < 0 || result.SeriesIndex >= batch.Count || result.PointIndex < 0 || result.PointIndex >= batch[result.SeriesIndex].Points.Count)
                return result.Error;
            var write = batch[result.SeriesIndex];
            var columns = import.Columns!;
            var column = columns.Count == 1 ? 0 : columns.ToList().IndexOf(write.Labels.Get("column") ?? "");
            var where = await FindLine(path, lines, import.HeaderLine, column, result.PointIndex, write.Points[result.PointIndex].Timestamp, ct) is { } found
                ? $"line {found}" : $"the batch of lines {lines.First}-{lines.Last}, timestamp {write.Points[result.PointIndex].Timestamp}";
            if (columns.Count > 1) where += $", column '{columns[column]}'";
            return $"{path.Name}: {where}: {result.Reason ?? result.Error}";
        }
    }

    /// <summary>
    /// The file line of the <paramref name="pointIndex"/>-th point of value column <paramref name="column"/> in a batch read from
    /// <paramref name="lines"/>: each data line adds one point to every column whose cell is not empty, in file order. Null when
    /// the line found does not carry <paramref name="timestamp"/> (the mapping is then not trusted).
    /// </summary>
    private static async Task<int?> FindLine(FileInfo path, (int First, int Last) lines, int headerLine, int column, int pointIndex, long timestamp, CancellationToken ct)
    {
        if (column < 0) return null;
        var number = 0;
        var seen = 0;
        using var reader = new StreamReader(path.FullName);
        while (await reader.ReadLineAsync(ct) is { } line && ++number <= lines.Last)
        {
            if (number < lines.First || number == headerLine || string.IsNullOrWhiteSpace(line)) continue;
            var fields = line.Split(',');
            if (column + 1 >= fields.Length || fields[column + 1].Trim().Trim('"').Length == 0) continue;
            if (seen++ < pointIndex) continue;
            return CsvImport.TryParseTimestamp(fields[0].Trim().Trim('"'), out var ts) && ts == timestamp ? number : null;
        }
        return null;
    }

    private static async Task<int> Fail(string message, int code)
    {
        await Console.Error.WriteLineAsync($"foresight import: {message}");
        return code;
    }

    /// <summary>What a sink did with a batch: points stored, or an error and, when the sink says, the first rejected point.</summary>
    private sealed record SendResult(int Stored, string? Error = null, int SeriesIndex = -1, int PointIndex = -1, string? Reason = null);

    private interface ISink : IAsyncDisposable
    {
        Task<SendResult> SendAsync(List<SeriesWrite> batch, CancellationToken ct);
    }

    private sealed class StoreSink(ITimeSeriesStore store) : ISink
    {
        public async Task<SendResult> SendAsync(List<SeriesWrite> batch, CancellationToken ct)
        {
            var result = await store.AppendAsync("default", batch, ct);
            if (result.Accepted) return new SendResult(result.PointsAccepted);
            var first = result.Rejections[0];
            return new SendResult(result.PointsAccepted, $"{first.Series} point {first.PointIndex}: {first.Reason}", first.SeriesIndex, first.PointIndex, first.Reason);
        }

        public ValueTask DisposeAsync() => store.DisposeAsync();
    }

    private sealed class HttpSink(ServerClient client) : ISink
    {
        public async Task<SendResult> SendAsync(List<SeriesWrite> batch, CancellationToken ct)
        {
            var body = new
            {
                series = batch.Select(s => new
                {
                    metric = s.Metric,
                    labels = s.Labels.ToDictionary(),
                    points = s.Points.Select(p => new object[] { p.Timestamp, JsonValue(p.Value) }),
                }),
            };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ingest")
            {
                Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
            };
            var (text, error, problem) = await client.SendForProblemAsync(request, ct);
            if (text is null)
            {
                // A rejected batch's ProblemDetails lists the rejected points by series and point index, and
                // says how many of the others were stored all the same.
                var stored = problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("accepted", out var accepted)
                    && accepted.TryGetInt32(out var count) ? count : 0;
                if (problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array
                    && errors.GetArrayLength() > 0 && errors[0] is { ValueKind: JsonValueKind.Object } first
                    && first.TryGetProperty("series", out var series) && series.TryGetInt32(out var seriesIndex)
                    && first.TryGetProperty("point", out var point) && point.TryGetInt32(out var pointIndex)
                    && first.TryGetProperty("reason", out var reason) && reason.ValueKind == JsonValueKind.String)
                    return new SendResult(stored, error, seriesIndex, pointIndex, $"the server refused the point: {reason.GetString()}");
                return new SendResult(stored, error);
            }
            using var doc = JsonDocument.Parse(text);
            return new SendResult(doc.RootElement.GetProperty("accepted").GetInt32());
        }

        public ValueTask DisposeAsync()
        {
            client.Dispose();
            return ValueTask.CompletedTask;
        }

        /// <summary>A value as the ingest API reads it: a number, or "NaN", "+Inf", "-Inf", which JSON numbers cannot hold.</summary>
        private static object JsonValue(double value) =>
            double.IsFinite(value) ? value : double.IsNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf";
    }
}
