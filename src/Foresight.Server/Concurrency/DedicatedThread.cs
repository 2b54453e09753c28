namespace Foresight.Server.Concurrency;

/// <summary>
/// Runs blocking housekeeping (a checkpoint, a save of the detection state: seconds of synchronous work at fleet size)
/// on a thread of its own instead of one of the thread pool's. On a 2-core machine the pool starts with two threads;
/// a checkpoint or save holding one for seconds left requests waiting until the pool injected more (the 100,000-series
/// soak: write p99 of 146 to 690 ms in the intervals of each detection save, with the pool's thread count rising by two).
/// </summary>
internal static class DedicatedThread
{
    /// <summary>Runs <paramref name="work"/> on a new thread; the task completes (or faults) with it.</summary>
    public static Task RunAsync(Func<Task> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    /// <inheritdoc cref="RunAsync(Func{Task})"/>
    public static Task<T> RunAsync<T>(Func<Task<T>> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
}
