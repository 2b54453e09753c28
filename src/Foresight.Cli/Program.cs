using Foresight.Cli;
using Spectre.Console;

// Redirected output has no terminal width, and Spectre would wrap tables at 80 columns: give them room.
if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 200;

// The `foresight` command: every subcommand lives in Commands/.
return await ForesightCommand.Build().Parse(args).InvokeAsync();
