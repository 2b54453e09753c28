using System.CommandLine;
using System.Diagnostics.CodeAnalysis;
using Foresight.Cost;

namespace Foresight.Cli.Commands;

/// <summary>
/// <c>foresight catalog prices|instances</c>: prints the built-in price catalog (OpenCost's default sheet) or
/// instance-type catalog as YAML, to edit and pass to <c>foresight serve --prices/--instances</c>.
/// </summary>
internal static class CatalogCommand
{
    /// <summary>A catalog parser: text and file name in, catalog or error out.</summary>
    public delegate bool Parser<T>(string yaml, string file, [NotNullWhen(true)] out T? catalog, out string error) where T : class;

    public static Command Create()
    {
        var catalog = new Command("catalog", "Print a built-in catalog as YAML, to edit and pass to `foresight serve --prices/--instances`");
        var prices = new Command("prices", "Per-resource prices (default: OpenCost's default sheet)");
        prices.SetAction(_ => Console.Write(PriceCatalog.DefaultYaml));
        var instances = new Command("instances", "Instance types with vCPU, memory, on-demand and spot prices (source and date in the header)");
        instances.SetAction(_ => Console.Write(InstanceCatalog.DefaultYaml));
        catalog.Subcommands.Add(prices);
        catalog.Subcommands.Add(instances);
        return catalog;
    }

    /// <summary>Reads and parses a catalog file; false with a message naming the option and file.</summary>
    public static bool TryLoad<T>(FileInfo file, string option, Parser<T> parse, [NotNullWhen(true)] out T? catalog, out string error) where T : class
    {
        catalog = null;
        if (!file.Exists)
        {
            error = $"{option}: {file.FullName} does not exist";
            return false;
        }
        return parse(File.ReadAllText(file.FullName), file.Name, out catalog, out error);
    }
}
