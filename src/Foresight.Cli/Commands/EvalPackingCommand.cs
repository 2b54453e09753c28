using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Foresight.Cost;
using Foresight.Evaluation.Cost;
using Spectre.Console;

namespace Foresight.Cli.Commands;

/// <summary><c>foresight eval packing</c>: the instance packer against first-fit decreasing on one type and the LP lower bound, on generated fleets.</summary>
internal static class EvalPackingCommand
{
    internal static Command Create()
    {
        var seed = new Option<int>("--seed") { Description = "Seed of the fleet generator", DefaultValueFactory = _ => 1 };
        var fleets = new Option<int>("--fleets") { Description = "Fleets generated (each packed on every provider's types)", DefaultValueFactory = _ => 10 };
        var headroom = new Option<double>("--headroom") { Description = "Share of each node kept free", DefaultValueFactory = _ => 0.15 };
        var types = new Option<FileInfo?>("--instance-types") { Description = "Instance-type catalog (YAML) instead of the built-in one" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table" };

        var command = new Command("packing", "Instance choice on generated fleets: the packer vs first-fit decreasing on the best single type vs the LP lower bound")
            { seed, fleets, headroom, types, json };
        command.SetAction(parse =>
        {
            var catalog = InstanceCatalog.Default;
            if (parse.GetValue(types) is { } file)
            {
                if (!file.Exists) return Fail($"--instance-types: {file.FullName} does not exist");
                if (!InstanceCatalog.TryParse(File.ReadAllText(file.FullName), file.Name, out var loaded, out var error)) return Fail(error);
                catalog = loaded;
            }
            var options = new PackingEvaluationOptions
            {
                Seed = parse.GetValue(seed),
                Fleets = parse.GetValue(fleets),
                Packing = new PackingOptions { Headroom = parse.GetValue(headroom) },
            };
            if (options.Validate() is { } problem) return Fail(problem);
            PackingReport report;
            using (EvalProgress.Heartbeat($"eval packing: packing {options.Fleets} fleets on each provider's types (seed {options.Seed})"))
            {
                report = PackingEvaluation.Run(catalog, options);
            }
            if (report.Cases.Count == 0) return Fail("no fleet could be packed on the catalog's types");

            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    seed = options.Seed,
                    headroom = options.Packing.Headroom,
                    currency = catalog.Currency,
                    meanPackerGap = report.MeanPackerGap,
                    meanPackerLpGap = report.MeanPackerLpGap,
                    meanFfdGap = report.MeanFfdGap,
                    meanSaving = report.MeanSaving,
                    packerNoWorse = report.PackerNoWorse,
                    cases = report.Cases.Select(c => new
                    {
                        provider = c.Provider, fleet = c.Fleet, workloads = c.Workloads, replicas = c.Replicas,
                        packerPerHour = c.PackerPerHour, packerNodes = c.PackerNodes, ffdPerHour = c.FfdPerHour, ffdType = c.FfdType,
                        lowerBoundPerHour = c.LowerBoundPerHour, lpBoundPerHour = c.LpBoundPerHour, packerGap = c.PackerGap, ffdGap = c.FfdGap,
                    }),
                }));
                return 0;
            }

            var table = new Table().AddColumns("cloud", "fleet", "pods", "packer/h", "nodes", "ffd/h", "ffd type", "bound/h", "LP/h", "gap", "ffd gap");
            foreach (var c in report.Cases)
            {
                table.AddRow(c.Provider, c.Fleet.ToString(CultureInfo.InvariantCulture), c.Replicas.ToString(CultureInfo.InvariantCulture),
                    Money(c.PackerPerHour), c.PackerNodes.ToString(CultureInfo.InvariantCulture), Money(c.FfdPerHour), c.FfdType, Money(c.LowerBoundPerHour), Money(c.LpBoundPerHour),
                    Percent(c.PackerGap), Percent(c.FfdGap));
            }
            AnsiConsole.Write(table);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{report.Cases.Count} cases, seed {options.Seed}, headroom {options.Packing.Headroom:0.##}: mean gap to the lower bound {Percent(report.MeanPackerGap)} (packer) vs {Percent(report.MeanFfdGap)} (best single-type FFD); to the plain LP bound {Percent(report.MeanPackerLpGap)}; " +
                $"the packer saves {Percent(report.MeanSaving)} of the FFD cost on average and is no worse in {report.PackerNoWorse} of {report.Cases.Count}"));
            return 0;
        });
        return command;
    }

    private static string Money(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Percent(double value) => value.ToString("0.0%", CultureInfo.InvariantCulture);

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"foresight eval packing: {message}");
        return 2;
    }
}
