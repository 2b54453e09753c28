using System.Runtime.CompilerServices;

namespace Foresight.Tests.Support;

/// <summary>
/// The M4 and NAB evaluation tests keep both cores' thread-pool threads busy (Parallel.For);
/// timing-sensitive tests (scrape timeouts, webhook retries) running beside them would otherwise
/// wait for the pool to grow before their timers fire. More threads up front keep them prompt.
/// </summary>
internal static class TestSetup
{
#pragma warning disable CA2255 // a test assembly is the right place for this process-wide setting
    [ModuleInitializer]
    internal static void RaiseThreadPoolMinimum()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(io, 32));
    }
#pragma warning restore CA2255
}
