using Foresight.Security;
using Foresight.Storage.Sqlite;
using Foresight.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Foresight.Storage.Sqlite.Tests;

public sealed class SqliteApiKeyStoreTests
{
    [Fact]
    public async Task A_revoked_key_is_kept_as_revoked_across_reopening_and_is_no_longer_active()
    {
        using var dir = new TempDirectory();
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        string hash;
        string id;
        SqliteApiKeyStore.TryOpen(dir.Path, create: true, out var keys, out var error).Should().BeTrue(error);
        await using (keys)
        {
            var (secret, record) = await ApiKeys.CreateAsync(keys!, "team-a", "prometheus", clock);
            var (_, scrape) = await ApiKeys.CreateScrapeKeyAsync(keys!, "scraper", clock);
            hash = ApiKeys.Hash(secret);
            id = record.Id;
            (await keys!.RevokeAsync(id)).Should().BeTrue();
            (await keys.RevokeAsync(id)).Should().BeFalse("a revoked key is not active any more");
            (await keys.ListAsync()).Select(k => k.Id).Should().Equal(scrape.Id);
        }
        SqliteApiKeyStore.TryOpen(dir.Path, create: false, out var reopened, out error).Should().BeTrue(error);
        await using (reopened)
        {
            var found = await reopened!.FindAsync(hash);
            found.Should().NotBeNull("a revoked key is still known, so it can be answered as revoked");
            found!.Active.Should().BeFalse();
            found.RevokedUnixMs.Should().NotBeNull();
            found.Tenant.Should().Be("team-a");
            var all = await reopened.ListAllAsync();
            all.Select(k => (k.Scope, k.Active)).Should().Equal((ApiKeyScope.Metrics, true), (ApiKeyScope.Tenant, false));
        }
    }

    [Fact]
    public async Task A_database_from_before_scopes_and_revocation_opens_with_its_keys_as_tenant_keys()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, SqliteTimeSeriesStore.DatabaseFile);
        await using (var old = new SqliteConnection($"Data Source={path}"))
        {
            await old.OpenAsync();
            await using var create = old.CreateCommand();
            create.CommandText = """
                CREATE TABLE api_keys(id TEXT PRIMARY KEY, tenant TEXT NOT NULL, key_hash TEXT NOT NULL UNIQUE, name TEXT NOT NULL, created_ms INTEGER NOT NULL);
                INSERT INTO api_keys VALUES('abc123', 'team-a', 'h1', 'old', 1);
                """;
            await create.ExecuteNonQueryAsync();
        }
        SqliteConnection.ClearAllPools();
        SqliteApiKeyStore.TryOpen(dir.Path, create: false, out var keys, out var error).Should().BeTrue(error);
        await using (keys)
        {
            var found = await keys!.FindAsync("h1");
            found.Should().Be(new ApiKeyRecord("abc123", "team-a", "h1", "old", 1, ApiKeyScope.Tenant, null));
            (await keys.RevokeAsync("abc123")).Should().BeTrue();
            (await keys.FindAsync("h1"))!.Active.Should().BeFalse();
        }
    }
}
