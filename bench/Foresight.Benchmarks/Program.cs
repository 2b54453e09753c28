using BenchmarkDotNet.Running;

// Run all with `dotnet run -c Release --project bench/Foresight.Benchmarks -- --filter '*'`,
// or one class with `--filter '*ChunkCodec*'`.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
