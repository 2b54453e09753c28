using Foresight.Tests.Support;

namespace Foresight.Cli.Tests.Commands;

/// <summary><c>foresight keys</c> with a <c>--data-dir</c> that is a file, missing or mistyped.</summary>
[Collection("Console")]
public sealed class KeysInputTests
{
    [Fact]
    public async Task Keys_refuse_a_data_dir_that_is_a_file()
    {
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "notes.txt");
        await File.WriteAllTextAsync(file, "not a directory");

        var (exit, _, error) = await CliRun.Run("keys", "list", "--data-dir", file);
        exit.Should().Be(2);
        error.Should().Be($"foresight keys list: --data-dir: {file} is a file, not a data directory\n");

        (exit, _, error) = await CliRun.Run("keys", "create", "--tenant", "ops", "--data-dir", file);
        exit.Should().Be(2);
        error.Should().Contain($"foresight keys create: --data-dir: {file} is a file, not a data directory");

        (exit, _, error) = await CliRun.Run("keys", "create", "--tenant", "ops", "--data-dir", Path.Combine(file, "sub"));
        exit.Should().Be(2);
        error.Should().Contain($"foresight keys create: --data-dir: {file} is a file, so {Path.Combine(file, "sub")} cannot be a data directory");
    }

    [Fact]
    public async Task Keys_list_and_revoke_do_not_create_a_missing_data_dir()
    {
        using var dir = new TempDirectory();
        var typo = Path.Combine(dir.Path, "foresight-dta");

        var (exit, output, error) = await CliRun.Run("keys", "list", "--data-dir", typo);
        exit.Should().Be(2);
        output.Should().BeEmpty();
        error.Should().Contain($"foresight keys list: --data-dir: there is no data directory at {typo}");

        (exit, _, error) = await CliRun.Run("keys", "revoke", "abc", "--data-dir", typo);
        exit.Should().Be(2);
        error.Should().Contain("there is no data directory at");
        Directory.Exists(typo).Should().BeFalse();

        // An existing directory that holds no store is not taken for one either.
        (exit, _, error) = await CliRun.Run("keys", "list", "--data-dir", dir.Path);
        exit.Should().Be(2);
        error.Should().Contain("is not a Foresight data directory (it holds no foresight.db)");
        File.Exists(Path.Combine(dir.Path, "foresight.db")).Should().BeFalse();
    }

    [Fact]
    public async Task Keys_create_makes_the_data_dir_and_list_then_shows_the_key()
    {
        using var dir = new TempDirectory();
        var data = Path.Combine(dir.Path, "data");

        var (exit, secret, error) = await CliRun.Run("keys", "create", "--tenant", "ops", "--data-dir", data);
        exit.Should().Be(0, error);
        secret.Should().StartWith("fs_");

        (exit, _, error) = await CliRun.Run("keys", "list", "--data-dir", data);
        exit.Should().Be(0, error);
        error.Should().BeEmpty();
    }
}
