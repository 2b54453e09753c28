using Foresight.Tests.Support;

namespace Foresight.Cli.Tests.Commands;

/// <summary><c>foresight keys</c> with a <c>--data-dir</c> that is a file, missing or mistyped; scopes and revoked keys.</summary>
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

    [Fact]
    public async Task Keys_create_a_scrape_key_without_a_tenant_and_list_all_shows_revoked_keys()
    {
        using var dir = new TempDirectory();
        var data = Path.Combine(dir.Path, "data");
        var (exit, _, error) = await CliRun.Run("keys", "create", "--data-dir", data);
        exit.Should().Be(2);
        error.Should().Contain("--tenant is required (or --scope metrics for a scrape key)");
        (exit, _, error) = await CliRun.Run("keys", "create", "--scope", "metrics", "--tenant", "ops", "--data-dir", data);
        exit.Should().Be(2);
        error.Should().Contain("takes no --tenant");

        (exit, var scrape, error) = await CliRun.Run("keys", "create", "--scope", "metrics", "--name", "prometheus", "--data-dir", data);
        exit.Should().Be(0, error);
        scrape.Should().StartWith("fs_");
        error.Should().Contain("scrape key");
        (exit, _, error) = await CliRun.Run("keys", "create", "--tenant", "ops", "--data-dir", data);
        exit.Should().Be(0, error);
        var id = error.Split(' ')[2];

        (exit, _, error) = await CliRun.Run("keys", "revoke", id, "--data-dir", data);
        exit.Should().Be(0, error);
        (exit, _, error) = await CliRun.Run("keys", "revoke", id, "--data-dir", data);
        exit.Should().Be(1, "a revoked key is not active any more");
        error.Should().Contain($"there is no active key '{id}'");

        (exit, var active, _) = await CliRun.Run("keys", "list", "--data-dir", data);
        exit.Should().Be(0);
        active.Should().Contain("metrics").And.NotContain(id);
        (exit, var all, _) = await CliRun.Run("keys", "list", "--all", "--data-dir", data);
        exit.Should().Be(0);
        all.Should().Contain(id);
    }
}
