namespace Foresight.Tests.Support;

/// <summary>Waiting for background work by polling a condition (never a fixed sleep), with a generous limit for a shared machine.</summary>
public static class Wait
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>Returns once <paramref name="condition"/> holds; fails the test naming <paramref name="what"/> when it still does not after <paramref name="limit"/>.</summary>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? limit = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, limit);

    /// <inheritdoc cref="UntilAsync(Func{bool}, string, TimeSpan?)"/>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? limit = null)
    {
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > (limit ?? Limit)) throw new TimeoutException($"Still waiting for {what} after {(limit ?? Limit).TotalSeconds:0} s.");
            await Task.Delay(50);
        }
    }
}
