namespace Foresight.Server.Concurrency;

/// <summary>Waiting on a <see cref="SemaphoreSlim"/> against an injected clock.</summary>
internal static class SemaphoreExtensions
{
    /// <summary>Waits for a release or until <paramref name="timeout"/> passes on <paramref name="time"/>.</summary>
    public static async Task WaitAsync(this SemaphoreSlim semaphore, TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var delay = Task.Delay(timeout, time, cts.Token);
        var wait = semaphore.WaitAsync(cts.Token);
        await Task.WhenAny(delay, wait);
        ct.ThrowIfCancellationRequested();
        if (wait.IsCompletedSuccessfully) { }
        else
        {
            cts.Cancel();
            try
            {
                await wait;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
