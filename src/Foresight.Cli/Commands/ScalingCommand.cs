using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Foresight.Cli.Commands;

/// <summary>
/// <c>foresight scaling [WORKLOAD] [--history] [--json]</c>: a running server's scaling decisions, as an
/// operator reads <c>kubectl get hpa</c>: every workload's latest decision (<c>GET /api/v1/scaling</c>) with
/// its reason, one workload's (<c>GET /api/v1/scaling/{workload}</c>), or its recent decisions
/// (<c>.../history</c>).
/// </summary>
internal static class ScalingCommand
{
    public static Command Create()
    {
        var workload = new Argument<string?>("workload") { Description = "One workload (default: all of the tenant's)", Arity = ArgumentArity.ZeroOrOne };
        var history = new Option<bool>("--history") { Description = "The workload's recent decisions (the server keeps the last 100), oldest first" };
        var json = new Option<bool>("--json") { Description = "Print the server's JSON answer instead of tables" };
        var url = ServerClient.UrlOption("Server to ask");
        var apiKey = ServerClient.ApiKeyOption();
        var command = new Command("scaling", "Scaling decisions of a running server's workloads: replicas, action, confidence and why")
            { workload, history, json, url, apiKey };
        command.SetAction(async (parse, ct) =>
        {
            var name = parse.GetValue(workload);
            if (name is not null && string.IsNullOrWhiteSpace(name)) return await Fail("the workload name is empty (see GET /api/v1/workloads)", 2);
            if (parse.GetValue(history) && name is null) return await Fail("--history needs a workload: foresight scaling WORKLOAD --history", 2);
            if (!ServerClient.TryCreate(parse, url, apiKey, out var client, out var urlError)) return await Fail(urlError, 2);
            using (client)
            {
                var path = name is null ? "/api/v1/scaling"
                    : $"/api/v1/scaling/{Uri.EscapeDataString(name)}" + (parse.GetValue(history) ? "/history" : "");
                var (body, error) = await client.GetJsonAsync(path, ct);
                if (error is not null) return await Fail(error, 1);
                if (parse.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(body));
                else if (name is null) PrintAll(body);
                else if (parse.GetValue(history)) PrintHistory(body);
                else PrintOne(body);
                return 0;
            }
        });
        return command;
    }

    private static void PrintAll(JsonElement body)
    {
        var decisions = body.GetProperty("decisions").EnumerateArray().ToList();
        var waiting = body.GetProperty("waiting").EnumerateArray().ToList();
        if (decisions.Count == 0 && waiting.Count == 0)
        {
            Console.WriteLine("No workloads: define them in the config file's workloads: section or with PUT /api/v1/workloads/{name}.");
            return;
        }
        if (decisions.Count > 0)
        {
            var table = Table("workload");
            foreach (var d in decisions) AddRow(table, Markup.Escape(d.GetProperty("workload").GetString()!), d);
            AnsiConsole.Write(table);
            foreach (var d in decisions) Console.WriteLine($"{d.GetProperty("workload").GetString()}: {d.GetProperty("reason").GetString()}");
        }
        foreach (var w in waiting)
            Console.WriteLine($"{w.GetProperty("workload").GetString()}: no current decision: {w.GetProperty("reason").GetString()}");
    }

    private static void PrintOne(JsonElement d)
    {
        var desired = d.GetProperty("desiredReplicas").GetInt32();
        var current = d.GetProperty("currentReplicas").GetInt32();
        Console.WriteLine(CliText.Invariant($"{d.GetProperty("workload").GetString()}: {Replicas(current, desired)} replicas, {d.GetProperty("action").GetString()}, confidence {Number(d, "confidence", "0.###")}"));
        Console.WriteLine($"  why: {d.GetProperty("reason").GetString()}");
        Console.WriteLine(CliText.Invariant(
            $"  demand {Number(d, "demand", "0.##")}, forecast peak {Number(d, "forecastPeak", "0.##")} over the next {d.GetProperty("lookAheadSeconds").GetDouble():0} s, {d.GetProperty("costPerHour").GetDouble():0.####} per hour, decided {When(d)}{(d.GetProperty("anomalous").GetBoolean() ? ", during an anomaly" : "")}"));
        if (d.GetProperty("vertical") is { ValueKind: JsonValueKind.Object } vertical)
            Console.WriteLine($"  requests: {vertical.GetProperty("reason").GetString()}");
    }

    private static void PrintHistory(JsonElement body)
    {
        var decisions = body.GetProperty("decisions").EnumerateArray().ToList();
        if (decisions.Count == 0)
        {
            Console.WriteLine($"{body.GetProperty("workload").GetString()}: no decisions yet.");
            return;
        }
        var table = Table("decided");
        foreach (var d in decisions) AddRow(table, When(d), d);
        AnsiConsole.Write(table);
        Console.WriteLine($"latest: {decisions[^1].GetProperty("reason").GetString()}");
    }

    private static Table Table(string first) =>
        new Table().AddColumns(first, "replicas", "action", "confidence", "demand", "forecast peak", "cost /h");

    private static void AddRow(Table table, string first, JsonElement d) =>
        table.AddRow(first,
            Replicas(d.GetProperty("currentReplicas").GetInt32(), d.GetProperty("desiredReplicas").GetInt32()),
            d.GetProperty("action").GetString()! + (d.GetProperty("anomalous").GetBoolean() ? " (anomaly)" : ""),
            Number(d, "confidence", "0.###"),
            Number(d, "demand", "0.##"),
            Number(d, "forecastPeak", "0.##"),
            CliText.Invariant($"{d.GetProperty("costPerHour").GetDouble():0.####}"));

    /// <summary><c>5</c> when the count holds, <c>3 → 5</c> when it changes.</summary>
    private static string Replicas(int current, int desired) =>
        current == desired ? desired.ToString(CultureInfo.InvariantCulture) : CliText.Invariant($"{current} → {desired}");

    /// <summary>A number field, or <c>-</c> when it is null (no forecast yet, no demand).</summary>
    private static string Number(JsonElement d, string name, string format) =>
        d.GetProperty(name) is { ValueKind: JsonValueKind.Number } n ? n.GetDouble().ToString(format, CultureInfo.InvariantCulture) : "-";

    private static string When(JsonElement d) => CliText.Iso(d.GetProperty("decidedAt").GetDateTimeOffset().ToUnixTimeMilliseconds()) + "Z";

    private static async Task<int> Fail(string message, int code)
    {
        await Console.Error.WriteLineAsync($"foresight scaling: {message}");
        return code;
    }
}
