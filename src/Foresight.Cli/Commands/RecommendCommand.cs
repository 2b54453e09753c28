using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Foresight.RightSizing;
using Spectre.Console;

namespace Foresight.Cli.Commands;

/// <summary>
/// <c>foresight recommend [--strategy balanced] [--json]</c>: a running server's right-sizing
/// recommendations (<c>GET /api/v1/recommendations</c>) as a table: requests now and recommended,
/// savings, priority, replay check, spot, and the instance plans before and after.
/// </summary>
internal static class RecommendCommand
{
    public static Command Create()
    {
        var strategy = new Option<string>("--strategy")
        {
            Description = $"Right-sizing strategy: {string.Join(", ", RightSizingStrategies.All.Select(s => s.Name))}",
            DefaultValueFactory = _ => RightSizingStrategies.Balanced.Name,
        };
        var json = new Option<bool>("--json") { Description = "Print the server's JSON answer instead of tables" };
        var url = ServerClient.UrlOption("Server to ask");
        var apiKey = ServerClient.ApiKeyOption();
        var command = new Command("recommend", "Right-sizing and cost recommendations of a running server's workloads") { strategy, json, url, apiKey };
        command.SetAction(async (parse, ct) =>
        {
            var name = parse.GetValue(strategy)!;
            if (!RightSizingStrategies.TryGet(name, out _))
                return await Fail($"--strategy: '{name}' is not a strategy (known: {string.Join(", ", RightSizingStrategies.All.Select(s => s.Name))})", 2);
            if (!ServerClient.TryCreate(parse, url, apiKey, out var client, out var urlError)) return await Fail(urlError, 2);
            using (client)
            {
                var (body, error) = await client.GetJsonAsync($"/api/v1/recommendations?strategy={Uri.EscapeDataString(name)}", ct);
                if (error is not null) return await Fail(error, 1);
                if (parse.GetValue(json))
                {
                    Console.WriteLine(JsonSerializer.Serialize(body));
                    return 0;
                }
                Print(body);
                return 0;
            }
        });
        return command;
    }

    private static void Print(JsonElement body)
    {
        var currency = body.GetProperty("currency").GetString();
        var s = body.GetProperty("strategy");
        AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"Strategy {s.GetProperty("name").GetString()}: target p{100 * s.GetProperty("targetPercentile").GetDouble():0.#} + {100 * s.GetProperty("safetyMargin").GetDouble():0}% margin; prices {body.GetProperty("cpuCoreHour").GetDouble()} {currency}/core-h, {body.GetProperty("memoryGiBHour").GetDouble()} {currency}/GiB-h")));
        var table = new Table().AddColumns("workload", "class", "cpu cores", "memory MiB", "now /mo", "saves /mo", "priority", "above target", "spot");
        foreach (var r in body.GetProperty("recommendations").EnumerateArray())
        {
            var cpu = r.GetProperty("cpu");
            var memory = r.GetProperty("memory");
            var cost = r.GetProperty("cost");
            var replay = r.GetProperty("replay");
            var cls = r.GetProperty("class");
            table.AddRow(
                Markup.Escape(r.GetProperty("workload").GetString()!),
                cls.ValueKind == JsonValueKind.Object ? cls.GetProperty("name").GetString()! : "-",
                CliText.Invariant($"{Opt(cpu, "request", 1)} → {cpu.GetProperty("target").GetDouble():0.###}"),
                CliText.Invariant($"{Opt(memory, "request", 1.0 / 1048576)} → {memory.GetProperty("target").GetDouble() / 1048576:0}"),
                CliText.Invariant($"{cost.GetProperty("monthlyNow").GetDouble():0.00}"),
                CliText.Invariant($"{cost.GetProperty("monthlySavings").GetDouble():0.00}"),
                r.GetProperty("priority").GetString()!,
                CliText.Invariant($"{replay.GetProperty("cpuAboveTarget").GetDouble():0.0%}/{replay.GetProperty("memoryAboveTarget").GetDouble():0.0%}{(replay.GetProperty("within").GetBoolean() ? "" : " !")}"),
                r.GetProperty("spot").GetProperty("suitable").GetBoolean() ? "yes" : "no");
        }
        AnsiConsole.Write(table);
        Console.WriteLine(CliText.Invariant($"cpu and memory: request now → target per replica; above target: share of CPU/memory samples over the target (allowed {100 * (1 - s.GetProperty("targetPercentile").GetDouble()) + 2:0} %; ! = more)."));
        var totals = body.GetProperty("totals");
        Console.WriteLine(CliText.Invariant($"Fleet: {totals.GetProperty("monthlyCostNow").GetDouble():0.00} → {totals.GetProperty("monthlyCostRecommended").GetDouble():0.00} {currency}/month; saves {totals.GetProperty("monthlySavings").GetDouble():0.00}/month, {totals.GetProperty("yearlySavings").GetDouble():0.00}/year."));
        var instances = body.GetProperty("instances");
        foreach (var (label, plan) in new[] { ("today's requests", instances.GetProperty("current")), ("recommended", instances.GetProperty("recommended")) })
        {
            if (plan.GetProperty("nodes").ValueKind != JsonValueKind.Object)
            {
                Console.WriteLine($"Instances for {label}: {plan.GetProperty("error").GetString()}");
                continue;
            }
            var nodes = string.Join(", ", plan.GetProperty("nodes").EnumerateObject().Select(n => $"{n.Value.GetInt32()} × {n.Name}"));
            Console.WriteLine(CliText.Invariant($"Instances for {label} ({plan.GetProperty("provider").GetString()}): {nodes}: {plan.GetProperty("costPerMonth").GetDouble():0.00} {currency}/month (lower bound {plan.GetProperty("lowerBoundPerMonth").GetDouble():0.00})."));
        }
        foreach (var w in body.GetProperty("waiting").EnumerateArray())
            Console.WriteLine($"No recommendation for {w.GetProperty("workload").GetString()}: {w.GetProperty("reason").GetString()}");
    }

    private static string Opt(JsonElement e, string name, double scale) =>
        e.GetProperty(name).ValueKind == JsonValueKind.Number ? (e.GetProperty(name).GetDouble() * scale).ToString("0.###", CultureInfo.InvariantCulture) : "?";

    private static async Task<int> Fail(string message, int code)
    {
        await Console.Error.WriteLineAsync($"foresight recommend: {message}");
        return code;
    }
}
