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
        var tenant = new Option<string>("--tenant") { Description = "Tenant the key is scoped to", Required = true };
        var name = new Option<string>("--name") { Description = "A note to recognise the key by", DefaultValueFactory = _ => "" };
        var id = new Argument<string>("id") { Description = "Key id, as `keys list` shows it" };

        var create = new Command("create", "Create an API key for a tenant (the secret is printed once)") { tenant, name };
        create.SetAction(async (parse, ct) =>
        {
            if (!StoreFactory.TryOpenApiKeys(parse.GetValue(dataDir)!, create: true, out var opened, out var openError)) return Fail("create", openError);
            await using var keys = opened;
            try
            {
                var (secret, record) = await ApiKeys.CreateAsync(keys, parse.GetValue(tenant)!, parse.GetValue(name)!, TimeProvider.System, ct);
                Console.WriteLine(secret);
                Console.Error.WriteLine($"Created key {record.Id} for tenant '{record.Tenant}'. Keep the secret above: only its hash is stored.");
                return 0;
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine($"foresight keys create: {ex.Message}");
                return 2;
            }
        });

        var list = new Command("list", "List API keys (ids and tenants; secrets are not stored)");
        list.SetAction(async (parse, ct) =>
        {
            if (!StoreFactory.TryOpenApiKeys(parse.GetValue(dataDir)!, create: false, out var opened, out var openError)) return Fail("list", openError);
            await using var keys = opened;
            var table = new Table().AddColumns("id", "tenant", "name", "created (UTC)");
            foreach (var k in await keys.ListAsync(ct))
            {
                table.AddRow(k.Id, Markup.Escape(k.Tenant), Markup.Escape(k.Name), DateTimeOffset.FromUnixTimeMilliseconds(k.CreatedUnixMs).ToString("u"));
            }
            AnsiConsole.Write(table);
            return 0;
        });

        var revoke = new Command("revoke", "Revoke an API key") { id };
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
            Console.Error.WriteLine($"foresight keys revoke: there is no key '{keyId}'");
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
