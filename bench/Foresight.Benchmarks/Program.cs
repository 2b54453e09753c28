using BenchmarkDotNet.Running;
using Foresight.Benchmarks;

// `--storage-report`: bytes per point of the demo fleet. Otherwise BenchmarkDotNet: run all with
// `dotnet run -c Release --project bench/Foresight.Benchmarks -- --filter '*'`, or one class with
// e.g. `--filter '*StoreRead*'`.
if (args is ["--storage-report"]) return StorageReport.Run();
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
