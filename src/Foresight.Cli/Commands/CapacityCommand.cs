using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Foresight.Capacity;
using Spectre.Console;

namespace Foresight.Cli.Commands;

/// <summary>
/// <c>foresight capacity WORKLOAD [--load RPS]</c>: a running server's latency-against-load model of a
/// workload (<c>GET /api/v1/capacity/{workload}</c>) and its objective's answers. <c>foresight capacity --usl FILE.csv</c>
/// fits the Universal Scalability Law to a file of <c>concurrency,throughput</c> rows offline.
/// </summary>
internal static class CapacityCommand
{
    public static Command Create()
    {
        var workload = new Argument<string?>("workload") { Description = "Workload to analyse on the server", Arity = ArgumentArity.ZeroOrOne };
        var load = new Option<double?>("--load") { Description = "Request rate to size replicas for (default: the recent typical daily peak)" };
        var usl = new Option<FileInfo?>("--usl") { Description = "Fit the Universal Scalability Law to a CSV of concurrency,throughput rows instead (no server needed)" };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of tables" };
        var url = ServerClient.UrlOption("Server to ask");
        var apiKey = ServerClient.ApiKeyOption();
        var command = new Command("capacity", "Latency against load and the headroom before a workload's objective breaks; or a USL fit of a load test")
            { workload, load, usl, json, url, apiKey };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(usl) is { } file)
            {
                if (parse.GetValue(workload) is { } w) return await Fail($"--usl fits a load-test file offline; it takes no workload (got '{w}'): give either WORKLOAD [--load RPS] or --usl FILE.csv", 2);
                if (parse.GetValue(load) is not null) return await Fail("--load applies to a workload on a server, not to --usl FILE.csv: give either WORKLOAD [--load RPS] or --usl FILE.csv", 2);
                return await FitUsl(file, parse.GetValue(json));
            }
            var name = parse.GetValue(workload);
            if (string.IsNullOrWhiteSpace(name)) return await Fail("give a workload name (see GET /api/v1/workloads), or --usl FILE.csv", 2);
            if (parse.GetValue(load) is { } l && !(l >= 0 && double.IsFinite(l))) return await Fail($"--load: {l} is not a request rate of 0 or more", 2);
            if (!ServerClient.TryCreate(parse, url, apiKey, out var client, out var urlError)) return await Fail(urlError, 2);
            using (client)
            {
                var path = $"/api/v1/capacity/{Uri.EscapeDataString(name)}" +
                           (parse.GetValue(load) is { } asked ? "?load=" + Uri.EscapeDataString(asked.ToString("R", CultureInfo.InvariantCulture)) : "");
                var (body, error) = await client.GetJsonAsync(path, ct);
                if (error is not null) return await Fail(error, 1);
                if (parse.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(body));
                else Print(body);
                return 0;
            }
        });
        return command;
    }

    private static void Print(JsonElement b)
    {
        var cls = b.GetProperty("class");
        Console.WriteLine(CliText.Invariant($"{b.GetProperty("workload").GetString()}: ") + (cls.ValueKind == JsonValueKind.Object
            ? CliText.Invariant($"{cls.GetProperty("name").GetString()} ({cls.GetProperty("confidence").GetDouble():0%}; ") +
              string.Join(", ", cls.GetProperty("reasons").EnumerateArray().Select(r => CliText.Invariant($"{r.GetProperty("feature").GetString()} {r.GetProperty("value").GetDouble():0.###}"))) + ")"
            : "class unknown: " + b.GetProperty("classWaiting").GetString()));
        Console.WriteLine(CliText.Invariant($"Load now {Num(b, "currentLoad")}/s, typical daily peak {Num(b, "peakLoad")}/s, growth {Pct(b, "growthPerWeek")} a week."));
        var model = b.GetProperty("model");
        if (model.ValueKind != JsonValueKind.Object)
        {
            Console.WriteLine("No latency model: " + b.GetProperty("modelWaiting").GetString());
            return;
        }
        Console.WriteLine(CliText.Invariant($"Latency model: {model.GetProperty("description").GetString()} (from {model.GetProperty("observations").GetInt32()} load bins); saturates at {model.GetProperty("saturationLoad").GetDouble():0.#}/s."));
        var table = new Table().AddColumns("load /s", "p95 (ms)", "p99 (ms)", "p99 interval (ms)");
        foreach (var p in b.GetProperty("curve").EnumerateArray())
        {
            var p95 = p.GetProperty("p95");
            var p99 = p.GetProperty("p99");
            table.AddRow(CliText.Invariant($"{p.GetProperty("load").GetDouble():0.#}"),
                p95.ValueKind == JsonValueKind.Object ? CliText.Invariant($"{1000 * p95.GetProperty("value").GetDouble():0.#}") : "∞",
                p99.ValueKind == JsonValueKind.Object ? CliText.Invariant($"{1000 * p99.GetProperty("value").GetDouble():0.#}") : "∞",
                p99.ValueKind == JsonValueKind.Object ? CliText.Invariant($"{1000 * p99.GetProperty("lower").GetDouble():0.#} – {1000 * p99.GetProperty("upper").GetDouble():0.#}") : "");
        }
        AnsiConsole.Write(table);
        var slo = b.GetProperty("slo");
        if (slo.ValueKind != JsonValueKind.Object)
        {
            Console.WriteLine("No latency objective set (latency_slo).");
            return;
        }
        var objective = CliText.Invariant($"p{100 * slo.GetProperty("quantile").GetDouble():0.#} ≤ {1000 * slo.GetProperty("objectiveSeconds").GetDouble():0.#} ms");
        if (slo.GetProperty("error").ValueKind == JsonValueKind.String && slo.GetProperty("maxLoad").ValueKind != JsonValueKind.Number)
        {
            Console.WriteLine($"Objective {objective}: {slo.GetProperty("error").GetString()}");
            return;
        }
        Console.WriteLine(CliText.Invariant($"Objective {objective} holds up to {Num(slo, "maxLoad")}/s: headroom {Pct(slo, "headroom")} above the typical peak."));
        Console.WriteLine(slo.GetProperty("breachAt").ValueKind == JsonValueKind.String
            ? $"At the current growth the peak breaks it on {slo.GetProperty("breachAt").GetDateTimeOffset():yyyy-MM-dd}."
            : "At the current growth the peak does not break it within two years.");
        if (slo.GetProperty("replicasAtLoad").ValueKind == JsonValueKind.Number)
            Console.WriteLine(CliText.Invariant($"Replicas of the measured size needed at {Num(b, "askedLoad")}/s: {slo.GetProperty("replicasAtLoad").GetInt32()}."));
        else if (slo.GetProperty("error").ValueKind == JsonValueKind.String)
            Console.WriteLine($"Replicas at {Num(b, "askedLoad")}/s: {slo.GetProperty("error").GetString()}.");
    }

    private static async Task<int> FitUsl(FileInfo file, bool json)
    {
        if (!file.Exists) return await Fail($"--usl: {file.FullName} does not exist", 2);
        var n = new List<double>();
        var x = new List<double>();
        var line = 0;
        foreach (var text in await File.ReadAllLinesAsync(file.FullName))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            var parts = text.Split(',');
            if (parts.Length < 2 || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var c)
                || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var t))
            {
                if (line == 1) continue;   // a header
                return await Fail($"{file.Name}: line {line}: expected concurrency,throughput (two numbers), got '{text}'", 2);
            }
            if (!(double.IsFinite(c) && c > 0) || !(double.IsFinite(t) && t > 0))
                return await Fail($"{file.Name}: line {line}: concurrency and throughput must both be positive finite numbers, got '{text}'", 2);
            n.Add(c);
            x.Add(t);
        }
        if (!UniversalScalabilityLaw.TryFit(n.ToArray(), x.ToArray(), out var model, out var error)) return await Fail($"{file.Name}: {error}", 2);
        // κ = 0 puts the knee at infinity: throughput never turns down within the model, and with σ = 0 too it grows without bound.
        var knee = double.IsFinite(model!.Knee) ? model.Knee : (double?)null;
        var maxThroughput = double.IsFinite(model.MaxThroughput) ? model.MaxThroughput : (double?)null;
        var noKnee = knee is not null ? null
            : maxThroughput is { } asymptote
                ? CliText.Invariant($"no knee: the fit finds no coherency cost (κ = 0), so throughput keeps rising towards λ/σ = {asymptote:0.##} without turning down; load beyond N = {n.Max():0.##} to find where it stops")
                : CliText.Invariant($"no knee and no contention measured: throughput grows linearly with concurrency over the data (N up to {n.Max():0.##}); load beyond it to find where it stops");
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                points = n.Count,
                lambda = Estimate(model.Lambda),
                sigma = Estimate(model.Sigma),
                kappa = Estimate(model.Kappa),
                knee,
                maxConcurrency = knee is null ? (double?)null : model.MaxConcurrency,
                maxThroughput,
                noKnee,
            }));
            return 0;
        }
        Console.WriteLine($"{file.Name}: {n.Count} points. Universal Scalability Law X(N) = λN / (1 + σ(N−1) + κN(N−1)), {model.ConfidenceLevel:0%} intervals:");
        var table = new Table().AddColumns("parameter", "estimate", "interval");
        foreach (var (label, e) in new[] { ("λ (throughput of one)", model.Lambda), ("σ (contention)", model.Sigma), ("κ (coherency)", model.Kappa) })
            table.AddRow(label, CliText.Invariant($"{e.Value:G7}"), CliText.Invariant($"{e.Lower:G5} – {e.Upper:G5}"));
        AnsiConsole.Write(table);
        Console.WriteLine(knee is not null
            ? CliText.Invariant($"Knee at N = {model.Knee:0.##} (max concurrency {model.MaxConcurrency}); maximum throughput {model.MaxThroughput:0.##}.")
            : char.ToUpperInvariant(noKnee![0]) + noKnee[1..] + ".");
        return 0;
    }

    private static object Estimate(ParameterEstimate e) => new { value = e.Value, lower = e.Lower, upper = e.Upper };

    private static string Num(JsonElement e, string name) =>
        e.GetProperty(name).ValueKind == JsonValueKind.Number ? e.GetProperty(name).GetDouble().ToString("0.#", CultureInfo.InvariantCulture) : "?";

    private static string Pct(JsonElement e, string name) =>
        e.GetProperty(name).ValueKind == JsonValueKind.Number ? e.GetProperty(name).GetDouble().ToString("0.0%", CultureInfo.InvariantCulture) : "unknown";

    private static async Task<int> Fail(string message, int code)
    {
        await Console.Error.WriteLineAsync($"foresight capacity: {message}");
        return code;
    }
}
