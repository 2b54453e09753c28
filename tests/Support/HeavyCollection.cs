namespace Foresight.Tests.Support;

/// <summary>
/// Tests that load both cores (the M4 and NAB evaluations) and tests that time real external programs
/// (Prometheus) share this collection, so xunit never runs them at the same time. Every test project
/// with heavy tests compiles this file (Foresight.Server.Tests and Foresight.Evaluation.Tests today) and
/// `dotnet test` runs the test projects as processes at once, so the collection also holds
/// <see cref="HeavyTestsLock"/>: one assembly's heavy tests wait for another's.
/// </summary>
[CollectionDefinition("Heavy")]
public sealed class HeavyCollection : ICollectionFixture<HeavyTestsLock>;

/// <summary>
/// A machine-wide named mutex, held from the first heavy test of an assembly to its last. A mutex
/// belongs to the thread that took it and xunit may create and dispose a fixture on different threads,
/// so one thread of its own takes it, holds it and gives it back.
/// </summary>
public sealed class HeavyTestsLock : IDisposable
{
    private readonly ManualResetEventSlim _release = new();
    private readonly Thread _holder;

    public HeavyTestsLock()
    {
        using var acquired = new ManualResetEventSlim();
        _holder = new Thread(() =>
        {
            using var mutex = new Mutex(false, @"Global\foresight-heavy-tests");
            try
            {
                mutex.WaitOne();
            }
            catch (AbandonedMutexException)
            {
                // A run that was killed while holding it: the mutex is ours now.
            }
            acquired.Set();
            _release.Wait();
            mutex.ReleaseMutex();
        }) { IsBackground = true, Name = "heavy-tests-lock" };
        _holder.Start();
        acquired.Wait();
    }

    public void Dispose()
    {
        _release.Set();
        _holder.Join();
        _release.Dispose();
    }
}
