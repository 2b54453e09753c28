using BenchmarkDotNet.Running;
using Foresight.Benchmarks;

// `--storage-report`: bytes per point of the demo fleet. `--remote-write-load URL [SECONDS] [SENDERS] [options]`: remote-write
// throughput, latency and the receiver's memory against any remote-write receiver (URL `embedded`: a Foresight server started
// in this process). `--soak [options]`: a scrape-like load on a `foresight serve` child for a duration, with a kill -9 in the
// middle. `--score-chunks --data NAB`: bytes per point of the stored anomaly scores, unrounded and rounded. `--help` lists the load and soak options. Otherwise BenchmarkDotNet: run all with
// `dotnet run -c Release --project bench/Foresight.Benchmarks -- --filter '*'`, or one class with e.g. `--filter '*StoreRead*'`.
if (args is ["--storage-report"]) return await StorageReport.RunAsync();
if (args is ["--detector-memory", ..]) return DetectorMemory.Run(args);
if (args is ["--score-chunks", ..]) return ScoreEncoding.Run(args);
if (args is ["--store-memory", ..]) return await StoreMemory.RunAsync(args);
if (args is ["--help" or "-h"])
{
    Console.WriteLine(LoadOptions.Usage);
    return 0;
}
if (args is ["--remote-write-load", ..] or ["--soak", ..])
{
    if (!LoadOptions.TryParse(args, soak: args[0] == "--soak", out var options, out var error))
    {
        await Console.Error.WriteLineAsync($"{args[0]}: {error}\n{LoadOptions.Usage}");
        return 2;
    }
    return options.Soak ? await Soak.RunAsync(options) : await RemoteWriteLoad.RunAsync(options);
}
if (args is ["--ingest-stages", ..]) return await IngestPathStages.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 2000);
if (args is ["--detection-throughput", ..])
{
    return await DetectionThroughput.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 5000, args.Length > 2 ? int.Parse(args[2]) : 20,
        args.Length > 3 ? long.Parse(args[3]) : 150, args.Length > 4 ? int.Parse(args[4]) : 4);
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
