using BenchmarkDotNet.Running;
using Foresight.Benchmarks;

// `--storage-report`: bytes per point of the demo fleet. `--remote-write-load URL [seconds] [senders]`:
// remote-write throughput against a running server (URL `embedded`: one started in this process). Otherwise BenchmarkDotNet: run all with
// `dotnet run -c Release --project bench/Foresight.Benchmarks -- --filter '*'`, or one class with
// e.g. `--filter '*StoreRead*'`.
if (args is ["--storage-report"]) return await StorageReport.RunAsync();
if (args is ["--remote-write-load", var url, ..])
{
    var seconds = args.Length > 2 ? int.Parse(args[2]) : 10;
    var senders = args.Length > 3 ? int.Parse(args[3]) : 4;
    return url == "embedded" ? await RemoteWriteLoad.RunEmbeddedAsync(seconds, senders) : await RemoteWriteLoad.Run(url, seconds, senders);
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
