using System.CommandLine;
using Foresight.Security;
using Foresight.Server.Hosting;
using Spectre.Console;

namespace Foresight.Cli.Commands;

/// <summary><c>foresight keys create|list|revoke</c>: API keys of a data directory.</summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var dataDir = new Option<string>("--data-dir") { Description = "Data directory of the embedded store", DefaultValueFactory = _ => "./foresight-data", Recursive = true };
        var tenant = new Option<string?>("--tenant") { Description = "Tenant the key is scoped to (required for a tenant key)" };
        var scope = new Option<string>("--scope")
        {
            Description = "tenant: the API of one tenant; metrics: a scrape key for /metrics and the other operational endpoints, no tenant's API",
            DefaultValueFactory = _ => "tenant",
        };
        scope.AcceptOnlyFromAmong("tenant", "metrics");
        var all = new Option<bool>("--all") { Description = "Also list revoked keys" };
        var name = new Option<string>("--name") { Description = "A note to recognise the key by", DefaultValueFactory = _ => "" };
        var id = new Argument<string>("id") { Description = "Key id, as `keys list` shows it" };

        var create = new Command("create", "Create an API key for a tenant, or a scrape key (--scope metrics); the secret is printed once") { tenant, scope, name };
        create.SetAction(async (parse, ct) =>
        {
            var metrics = parse.GetValue(scope) == "metrics";
            var tenantName = parse.GetValue(tenant);
            if (metrics && tenantName is not null)
            {
                Console.Error.WriteLine("foresight keys create: --tenant: a scrape key (--scope metrics) reads no tenant's API, so it takes no --tenant");
                return 2;
            }
            if (!metrics && tenantName is null)
            {
                Console.Error.WriteLine("foresight keys create: --tenant is required (or --scope metrics for a scrape key)");
                return 2;
            }
            if (!StoreFactory.TryOpenApiKeys(parse.GetValue(dataDir)!, create: true, out var opened, out var openError)) return Fail("create", openError);
            await using var keys = opened;
            try
            {
                var (secret, record) = metrics
                    ? await ApiKeys.CreateScrapeKeyAsync(keys, parse.GetValue(name)!, TimeProvider.System, ct)
                    : await ApiKeys.CreateAsync(keys, tenantName!, parse.GetValue(name)!, TimeProvider.System, ct);
                Console.WriteLine(secret);
                Console.Error.WriteLine(metrics
                    ? $"Created scrape key {record.Id} (reads /metrics, no tenant's API). Keep the secret above: only its hash is stored."
                    : $"Created key {record.Id} for tenant '{record.Tenant}'. Keep the secret above: only its hash is stored.");
                return 0;
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine($"foresight keys create: {ex.Message}");
                return 2;
            }
        });

        var list = new Command("list", "List the active API keys (ids, tenants, scopes; secrets are not stored); --all adds the revoked ones") { all };
        list.SetAction(async (parse, ct) =>
        {
            if (!StoreFactory.TryOpenApiKeys(parse.GetValue(dataDir)!, create: false, out var opened, out var openError)) return Fail("list", openError);
            await using var keys = opened;
            var table = new Table().AddColumns("id", "tenant", "scope", "name", "created (UTC)", "revoked (UTC)");
            foreach (var k in parse.GetValue(all) ? await keys.ListAllAsync(ct) : await keys.ListAsync(ct))
            {
                table.AddRow(k.Id, Markup.Escape(k.Tenant), k.Scope == ApiKeyScope.Metrics ? "metrics" : "tenant", Markup.Escape(k.Name),
                    DateTimeOffset.FromUnixTimeMilliseconds(k.CreatedUnixMs).ToString("u"),
                    k.RevokedUnixMs is { } r ? DateTimeOffset.FromUnixTimeMilliseconds(r).ToString("u") : "");
            }
            AnsiConsole.Write(table);
            return 0;
        });

        var revoke = new Command("revoke", "Revoke an API key for good (it is answered 401 'revoked' from then on)") { id };
        revoke.SetAction(async (parse, ct) =>
        {
            if (!StoreFactory.TryOpenApiKeys(parse.GetValue(dataDir)!, create: false, out var opened, out var openError)) return Fail("revoke", openError);
            await using var keys = opened;
            var keyId = parse.GetValue(id)!;
            if (await keys.RevokeAsync(keyId, ct))
            {
                Console.Error.WriteLine($"Revoked key {keyId}.");
                return 0;
            }
            Console.Error.WriteLine($"foresight keys revoke: there is no active key '{keyId}'");
            return 1;
        });

        return new Command("keys", "Manage API keys") { dataDir, create, list, revoke };
    }

    private static int Fail(string subcommand, string message)
    {
        Console.Error.WriteLine($"foresight keys {subcommand}: --data-dir: {message}");
        return 2;
    }
}
