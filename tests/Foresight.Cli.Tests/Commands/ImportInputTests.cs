using System.Diagnostics;
using Foresight.Tests.Support;

namespace Foresight.Cli.Tests.Commands;

/// <summary><c>foresight import</c>'s refusals of files and options it used to take silently, and where its errors point.</summary>
[Collection("Console")]
public sealed class ImportInputTests
{
    [Fact]
    public async Task Import_refuses_a_header_that_repeats_a_column_name()
    {
        using var dir = new TempDirectory();
        var csv = Path.Combine(dir.Path, "dup.csv");
        await File.WriteAllLinesAsync(csv, ["timestamp,a,a", "2024-07-01 00:00:00,1,2", "2024-07-01 00:01:00,3,4"]);

        var (exit, output, error) = await CliRun.Run("import", csv, "--metric", "m", "--data-dir", Path.Combine(dir.Path, "data"), "--retention", "0");

        exit.Should().Be(2);
        output.Should().NotContain("Imported");
        error.Should().Contain("foresight import: dup.csv: line 1: the header names column 'a' more than once");
    }

    [Fact]
    public async Task An_interrupted_import_says_where_it_stopped_and_what_was_stored()
    {
        using var dir = new TempDirectory();
        var csv = Path.Combine(dir.Path, "load.csv");
        await File.WriteAllLinesAsync(csv, ["timestamp,value", "2024-07-01 00:00:00,1", "2024-07-01 00:01:00,2"]);
        using var interrupt = new CancellationTokenSource();
        await interrupt.CancelAsync();                                   // Ctrl-C before the first line is read

        var (exit, output, error) = await CliRun.Run(interrupt.Token, "import", csv, "--metric", "m", "--data-dir", Path.Combine(dir.Path, "data"), "--retention", "0");

        exit.Should().Be(130, "the shell's code for an interrupted command");
        output.Should().BeEmpty();
        error.Should().Contain("foresight import: interrupted at line 0 of load.csv; 0 points were stored before that");
    }

    [Theory]
    [InlineData("", "empty.csv is empty: there is nothing to import")]
    [InlineData("timestamp,value\n", "empty.csv holds only a header line: there is nothing to import")]
    [InlineData("timestamp,value\n2024-07-01 00:00:00,\n", "empty.csv: none of its 1 rows holds a value: there is nothing to import")]
    public async Task Import_of_a_file_without_values_fails(string content, string message)
    {
        using var dir = new TempDirectory();
        var csv = Path.Combine(dir.Path, "empty.csv");
        await File.WriteAllTextAsync(csv, content);

        var (exit, output, error) = await CliRun.Run("import", csv, "--metric", "m", "--data-dir", Path.Combine(dir.Path, "data"), "--retention", "0");

        exit.Should().Be(2);
        output.Should().NotContain("Imported");
        error.Should().Contain("foresight import: " + message);
    }

    [Fact]
    public async Task Import_refuses_options_it_would_ignore_or_misuse_with_the_command_prefix()
    {
        using var dir = new TempDirectory();
        var csv = Path.Combine(dir.Path, "one.csv");
        await File.WriteAllLinesAsync(csv, ["timestamp,a,b", "2024-07-01 00:00:00,1,2"]);
        var data = Path.Combine(dir.Path, "data");

        var (exit, _, error) = await CliRun.Run("import", csv, "--metric", "m", "--retention", "0", "--url", "http://127.0.0.1:1");
        exit.Should().Be(2);
        error.Should().Contain("foresight import: --retention applies to --data-dir imports; over --url the server's own retention");

        (exit, _, error) = await CliRun.Run("import", csv, "--metric", "m", "--data-dir", data, "--retention", "5x");
        exit.Should().Be(2);
        error.Should().StartWith("foresight import: --retention: '5x' is not a duration");

        (exit, _, error) = await CliRun.Run("import", csv, "--metric", "1m", "--data-dir", data);
        exit.Should().Be(2);
        error.Should().Be("foresight import: --metric: '1m' is not a valid metric name (expected [a-zA-Z_:][a-zA-Z0-9_:]*)\n");

        (exit, _, error) = await CliRun.Run("import", csv, "--metric", "m", "--label", "__name__=x", "--data-dir", data);
        exit.Should().Be(2);
        error.Should().Contain("foresight import: --label '__name__=x': the metric name is given by --metric");

        // Each column of a wide file is labelled column=NAME; a --label column would clash (it crashed with a stack trace).
        (exit, _, error) = await CliRun.Run("import", csv, "--metric", "m", "--label", "column=x", "--data-dir", data, "--retention", "0");
        exit.Should().Be(2);
        error.Should().Contain("--label column=...: a file with several value columns labels each series column=NAME itself").And.NotContain("   at ");
    }

    [Fact]
    public async Task Import_names_the_file_line_of_a_point_the_server_rejects_past_the_first_batch()
    {
        await using var server = await TestServer.StartAsync(o => o.Store.Retention = TimeSpan.Zero);
        using var dir = new TempDirectory();
        var csv = Path.Combine(dir.Path, "late.csv");
        var start = new DateTime(2014, 7, 1, 0, 0, 0, DateTimeKind.Utc);
        var lines = new List<string> { "timestamp,value" };
        for (var i = 0; i < 25_000; i++) lines.Add($"{start.AddMinutes(i):yyyy-MM-dd HH:mm:ss},{i}");
        lines.Add($"{start:yyyy-MM-dd HH:mm:ss},1");   // line 25,002: weeks out of order
        await File.WriteAllLinesAsync(csv, lines);

        var (exit, _, error) = await CliRun.Run("import", csv, "--metric", "m", "--url", server.BaseAddress.ToString());

        exit.Should().Be(1);
        error.Should().Contain("foresight import: late.csv: line 25002: the server refused the point: timestamp")
            .And.Contain("out of order").And.NotContain("point[");
        error.Should().Contain("25000 points were stored before the failure.", "the good points of the batch holding the refused one are stored too");
    }

    [Fact]
    public async Task Import_into_a_data_dir_names_the_file_line_and_column_of_a_rejected_point_in_a_wide_file_with_gaps()
    {
        using var dir = new TempDirectory();
        var csv = Path.Combine(dir.Path, "wide.csv");
        var start = new DateTime(2014, 7, 1, 0, 0, 0, DateTimeKind.Utc);
        var lines = new List<string> { "timestamp,a,b" };
        for (var i = 0; i < 15_000; i++) lines.Add($"{start.AddMinutes(i):yyyy-MM-dd HH:mm:ss},{i},{(i % 3 == 0 ? i : "")}");
        lines.Add($"{start.AddMinutes(15_000):yyyy-MM-dd HH:mm:ss},1,");
        lines.Add($"{start:yyyy-MM-dd HH:mm:ss},,2");   // line 15,003: column b, weeks out of order
        await File.WriteAllLinesAsync(csv, lines);

        var (exit, _, error) = await CliRun.Run("import", csv, "--metric", "m", "--data-dir", Path.Combine(dir.Path, "data"), "--retention", "0");

        exit.Should().Be(1);
        error.Should().Contain("foresight import: wide.csv: line 15003, column 'b': timestamp").And.Contain("out of order");
    }

    [Fact]
    public async Task A_failed_import_leaves_no_progress_display_on_stdout()
    {
        using var dir = new TempDirectory();
        var csv = Path.Combine(dir.Path, "old.csv");
        var start = new DateTime(2014, 7, 1, 0, 0, 0, DateTimeKind.Utc);
        // Long enough for the progress display to draw a frame before the first batch is refused.
        await File.WriteAllLinesAsync(csv, ["timestamp,value", .. Enumerable.Range(0, 25_000).Select(i => $"{start.AddMinutes(i):yyyy-MM-dd HH:mm:ss},{i}")]);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "foresight.dll"), "import", csv, "--metric", "m", "--data-dir", Path.Combine(dir.Path, "data") })
            info.ArgumentList.Add(a);
        info.Environment["TERM"] = "xterm-256color";

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        process.ExitCode.Should().Be(1);
        (await stdout).Should().BeEmpty();
        (await stderr).Should().Contain("older than the retention period").And.NotContain("\u001b");
    }
}
