using Foresight.Cli;

// The `foresight` command: every subcommand lives in Commands/.
return await ForesightCommand.Build().Parse(args).InvokeAsync();
