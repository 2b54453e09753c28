using System.CommandLine;
using Foresight.Cost;
using Foresight.Server.Hosting;

namespace Foresight.Cli.Commands;

/// <summary><c>foresight serve</c>: runs the HTTP API on the embedded store.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var demo = new Option<bool>("--demo") { Description = "Fill the store with a synthetic fleet (two weeks of history, then live data)" };
        var dataDir = new Option<string>("--data-dir") { Description = "Data directory of the embedded store", DefaultValueFactory = _ => "./foresight-data" };
        var urls = new Option<string>("--urls") { Description = "Addresses to listen on, ';'-separated", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var config = new Option<string?>("--config") { Description = "YAML config file (scrape targets, alerts, workloads)" };
        var insecure = new Option<bool>("--insecure") { Description = "Serve without an API key whenever none is active, on any address (default: only while no key was ever created, and only on loopback)" };
        var retention = new Option<string?>("--retention") { Description = "How long data is kept, e.g. 30d, 12h; 0 keeps it forever (default 30d)" };
        var oooWindow = new Option<string?>("--out-of-order-window") { Description = "How far behind a series' newest point a write may be (default 1h)" };
        var prices = new Option<FileInfo?>("--prices") { Description = "Price catalog (YAML; `foresight catalog prices` prints the defaults, OpenCost's sheet)" };
        var instances = new Option<FileInfo?>("--instances") { Description = "Instance-type catalog (YAML; `foresight catalog instances` prints the built-in one)" };
        var snapshotInterval = new Option<string?>("--snapshot-interval") { Description = "How often detector state and incidents are saved to the data directory, e.g. 30s, 5m (default 5m; also on shutdown)" };

        var detectorIdle = new Option<string?>("--detector-idle") { Description = "A series with no point for this long releases its detector from memory until its next point, e.g. 30m, 6h; 0 keeps every detector (default 1h)" };

        var command = new Command("serve", "Run the Foresight HTTP API on the embedded store") { demo, dataDir, urls, config, insecure, retention, oooWindow, prices, instances, snapshotInterval, detectorIdle };
        command.SetAction(async (parse, ct) =>
        {
            var options = new ForesightServerOptions
            {
                Demo = parse.GetValue(demo),
                DataDirectory = parse.GetValue(dataDir)!,
                Urls = parse.GetValue(urls)!,
                ConfigFile = parse.GetValue(config),
                Insecure = parse.GetValue(insecure),
            };
            if (!Durations.TryApply(parse.GetValue(retention), "--retention", v => options.Store.Retention = v, out var error)
                || !Durations.TryApply(parse.GetValue(oooWindow), "--out-of-order-window", v => options.Store.OutOfOrderWindow = v, out error)
                || !Durations.TryApply(parse.GetValue(snapshotInterval), "--snapshot-interval", v => options.Detection.SnapshotInterval = v, out error, examples: "30s, 5m, 1h")
                || !AtLeastOneSecond(options.Detection.SnapshotInterval, "--snapshot-interval", out error)
                || !Durations.TryApply(parse.GetValue(detectorIdle), "--detector-idle", v => options.Detection.IdleAfter = v, out error, examples: "30m, 6h, 0"))
            {
                await Console.Error.WriteLineAsync(error);
                return 2;
            }
            if (parse.GetValue(prices) is { } priceFile)
            {
                if (!CatalogCommand.TryLoad<PriceCatalog>(priceFile, "--prices", PriceCatalog.TryParse, out var catalog, out error))
                {
                    await Console.Error.WriteLineAsync($"foresight serve: {error}");
                    return 2;
                }
                options.Recommendations.Prices = catalog;
            }
            if (parse.GetValue(instances) is { } instanceFile)
            {
                if (!CatalogCommand.TryLoad<InstanceCatalog>(instanceFile, "--instances", InstanceCatalog.TryParse, out var catalog, out error))
                {
                    await Console.Error.WriteLineAsync($"foresight serve: {error}");
                    return 2;
                }
                options.Recommendations.Instances = catalog;
            }
            ForesightServer server;
            try
            {
                server = await ForesightServer.CreateBuilder(options).StartAsync(ct);
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or InvalidDataException)
            {
                await Console.Error.WriteLineAsync($"foresight serve: {ex.Message}");
                return 1;
            }
            await using (server)
            {
                await server.WaitForShutdownAsync(ct);
            }
            return 0;
        });
        return command;
    }

    private static bool AtLeastOneSecond(TimeSpan value, string option, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        error = value >= TimeSpan.FromSeconds(1) ? null : $"{option}: at least 1s (state is saved at that interval and on shutdown)";
        return error is null;
    }
}
