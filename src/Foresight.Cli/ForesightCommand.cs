using System.CommandLine;
using Foresight.Cli.Commands;

namespace Foresight.Cli;

/// <summary>The root of the <c>foresight</c> command line.</summary>
public static class ForesightCommand
{
    /// <summary>Builds the command tree.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("Foresight: learns from your services' telemetry and acts ahead of trouble.");
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(ImportCommand.Create());
        root.Subcommands.Add(KeysCommand.Create());
        root.Subcommands.Add(ForecastCommand.Create());
        root.Subcommands.Add(DetectCommand.Create());
        root.Subcommands.Add(ScalingCommand.Create());
        root.Subcommands.Add(RecommendCommand.Create());
        root.Subcommands.Add(CapacityCommand.Create());
        root.Subcommands.Add(CatalogCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        return root;
    }
}
