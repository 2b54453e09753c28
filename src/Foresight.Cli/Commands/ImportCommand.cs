using System.CommandLine;
using System.Text;
using System.Text.Json;
using Foresight.Ingestion;
using Foresight.Series;
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
        var retention = new Option<string?>("--retention") { Description = "With --data-dir: retention to apply (0 keeps history forever)" };

        var command = new Command("import", "Import a CSV file of time series") { file, metric, labels, url, apiKey, dataDir, retention };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                await Console.Error.WriteLineAsync($"foresight import: {path.FullName} does not exist");
                return 2;
            }
            var pairs = new List<KeyValuePair<string, string>>();
            foreach (var l in parse.GetValue(labels) ?? [])
            {
                var eq = l.IndexOf('=');
                if (eq <= 0)
                {
                    await Console.Error.WriteLineAsync($"foresight import: --label '{l}' must look like name=value");
                    return 2;
                }
                pairs.Add(new(l[..eq], l[(eq + 1)..]));
            }
            if (!Labels.TryFrom(pairs, out var parsedLabels, out var labelError))
            {
                await Console.Error.WriteLineAsync($"foresight import: --label: {labelError}");
                return 2;
            }
            CsvImport import;
            try
            {
                import = new CsvImport(parse.GetValue(metric)!, parsedLabels);
            }
            catch (ArgumentException ex)
            {
                await Console.Error.WriteLineAsync($"foresight import: --metric: {ex.Message}");
                return 2;
            }

            ISink sink;
            if (parse.GetValue(dataDir) is { } dir)
            {
                var options = new StoreOptions();
                if (!Durations.TryApply(parse.GetValue(retention), "--retention", v => options.Retention = v, out var err))
                {
                    await Console.Error.WriteLineAsync(err);
                    return 2;
                }
                try
                {
                    sink = new StoreSink(SqliteTimeSeriesStore.Open(dir, options));
                }
                catch (IOException ex)
                {
                    await Console.Error.WriteLineAsync($"foresight import: {ex.Message}");
                    return 1;
                }
            }
            else
            {
                if (!ServerClient.TryCreate(parse, url, apiKey, out var client, out var urlError))
                {
                    await Console.Error.WriteLineAsync($"foresight import: {urlError}");
                    return 2;
                }
                sink = new HttpSink(client);
            }
            using (sink)
            {
                return await Run(path, import, sink, ct);
            }
        });
        return command;
    }

    private static async Task<int> Run(FileInfo path, CsvImport import, ISink sink, CancellationToken ct)
    {
        long imported = 0;
        string? failure = null;
        await AnsiConsole.Progress().AutoClear(false).Columns(
                new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(path.Name), maxValue: Math.Max(1, path.Length));
                using var reader = new StreamReader(path.FullName);
                while (await reader.ReadLineAsync(ct) is { } line)
                {
                    if (!import.TryAddLine(line, out var error))
                    {
                        failure = $"{path.Name}: {error}";
                        return;
                    }
                    if (import.PendingPoints >= BatchPoints)
                    {
                        failure = await Flush();
                        if (failure is not null) return;
                        task.Value = reader.BaseStream.Position;
                    }
                }
                failure = await Flush();
                task.Value = task.MaxValue;
            });
        if (failure is not null)
        {
            await Console.Error.WriteLineAsync($"foresight import: {failure}");
            await Console.Error.WriteLineAsync($"{imported} points were stored before the failure.");
            return 1;
        }
        Console.WriteLine($"Imported {imported} points from {path.Name} ({import.Line} lines).");
        return 0;

        async Task<string?> Flush()
        {
            var batch = import.TakeBatch();
            if (batch.Count == 0) return null;
            var (stored, error) = await sink.SendAsync(batch, ct);
            imported += stored;
            return error;
        }
    }

    private interface ISink : IDisposable
    {
        Task<(int Stored, string? Error)> SendAsync(List<SeriesWrite> batch, CancellationToken ct);
    }

    private sealed class StoreSink(SqliteTimeSeriesStore store) : ISink
    {
        public Task<(int, string?)> SendAsync(List<SeriesWrite> batch, CancellationToken ct)
        {
            var result = store.Append("default", batch);
            return Task.FromResult(result.Accepted
                ? (result.PointsAccepted, (string?)null)
                : (0, $"{result.Rejections[0].Series} point {result.Rejections[0].PointIndex}: {result.Rejections[0].Reason}"));
        }

        public void Dispose() => store.Dispose();
    }

    private sealed class HttpSink(ServerClient client) : ISink
    {
        public async Task<(int, string?)> SendAsync(List<SeriesWrite> batch, CancellationToken ct)
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
            var (text, error) = await client.SendAsync(request, ct);
            if (text is null) return (0, error);
            using var doc = JsonDocument.Parse(text);
            return (doc.RootElement.GetProperty("accepted").GetInt32(), null);
        }

        public void Dispose() => client.Dispose();

        /// <summary>A value as the ingest API reads it: a number, or "NaN", "+Inf", "-Inf", which JSON numbers cannot hold.</summary>
        private static object JsonValue(double value) =>
            double.IsFinite(value) ? value : double.IsNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf";
    }
}
