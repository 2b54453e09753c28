using Foresight.Cli;
using Spectre.Console;

namespace Foresight.Tests.Support;

/// <summary>Runs the <c>foresight</c> command in-process with its console output captured (tests using it belong to the "Console" collection).</summary>
internal static class CliRun
{
    public static Task<(int Exit, string Out, string Error)> Run(params string[] args) => Run(CancellationToken.None, args);

    /// <summary>Runs with <paramref name="cancel"/> as the command's token (what Ctrl-C cancels).</summary>
    public static async Task<(int Exit, string Out, string Error)> Run(CancellationToken cancel, params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var (originalOut, originalError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        // Spectre's console keeps the writer it was created with: give each run one on its captured output,
        // 200 columns wide as Program gives redirected output.
        var originalAnsi = AnsiConsole.Console;
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        AnsiConsole.Profile.Width = 200;
        try
        {
            var exit = await ForesightCommand.Build().Parse(args).InvokeAsync(cancellationToken: cancel);
            return (exit, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalError);
            AnsiConsole.Console = originalAnsi;
        }
    }
}
