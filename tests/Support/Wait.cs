using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace Foresight.Tests.Support;

/// <summary>
/// Waiting in a test for background work (a server's loops, a webhook worker, a scrape loop) by polling a
/// condition, never by a fixed sleep: each wait returns as soon as its condition holds and fails, when a
/// generous limit for a shared machine passes, with a message naming what it waited for. Where the work runs
/// on a <see cref="FakeTimeProvider"/>, <see cref="AdvancingUntilAsync"/> moves that clock instead of letting
/// real time pass; <see cref="StaysTrueAsync"/> is for the rare test that must show that nothing happens.
/// </summary>
public static class Wait
{
    /// <summary>How long a wait lasts unless the test says otherwise: 60 s.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>How long <see cref="AdvancingUntilAsync"/> lets the work react to one tick before it gives the next.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(100);

    /// <summary>Returns once <paramref name="condition"/> holds; fails the test naming <paramref name="what"/> when it still does not after <paramref name="limit"/>.</summary>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? limit = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, limit);

    /// <inheritdoc cref="UntilAsync(Func{bool}, string, TimeSpan?)"/>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? limit = null)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > (limit ?? Limit)) throw StillWaiting(what, limit ?? Limit, null);
            await Task.Delay(PollInterval);
        }
    }

    /// <summary>
    /// Calls <paramref name="get"/> until its result satisfies <paramref name="until"/> and returns that result;
    /// results passed over are disposed when disposable (HTTP responses). After <paramref name="limit"/> it fails,
    /// naming <paramref name="what"/> and, through <paramref name="describe"/>, the last result seen.
    /// </summary>
    public static async Task<T> ForAsync<T>(Func<Task<T>> get, Func<T, bool> until, string what, TimeSpan? limit = null,
        Func<T, string>? describe = null)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var result = await get();
            if (until(result)) return result;
            var expired = waited.Elapsed > (limit ?? Limit);
            var last = expired ? describe?.Invoke(result) ?? result?.ToString() : null;
            (result as IDisposable)?.Dispose();
            if (expired) throw StillWaiting(what, limit ?? Limit, last);
            await Task.Delay(PollInterval);
        }
    }

    /// <summary>
    /// For work driven by <paramref name="clock"/>'s timers (a retry delay, a periodic loop): whenever
    /// <paramref name="condition"/> has not come true within 100 ms of real time, advances the clock by
    /// <paramref name="step"/> (firing the timers due by then) and looks again. A step no longer than the
    /// shortest timeout the work runs on the same clock keeps a tick from cutting short what the last one started.
    /// </summary>
    public static async Task AdvancingUntilAsync(FakeTimeProvider clock, TimeSpan step, Func<bool> condition, string what, TimeSpan? limit = null)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var settle = Stopwatch.StartNew();
            do
            {
                if (condition()) return;
                await Task.Delay(PollInterval);
            }
            while (settle.Elapsed < Settle);
            if (waited.Elapsed > (limit ?? Limit)) throw StillWaiting(what, limit ?? Limit, $"the fake clock at {clock.GetUtcNow():O}");
            clock.Advance(step);
        }
    }

    /// <summary>
    /// For a test that must show that something does NOT happen: fails as soon as <paramref name="condition"/> stops
    /// holding within <paramref name="period"/> of real time, which the caller keeps as short as still shows it.
    /// </summary>
    public static async Task StaysTrueAsync(Func<bool> condition, TimeSpan period, string what)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (!condition()) throw new InvalidOperationException($"Expected {what} for {period.TotalMilliseconds:0} ms; it stopped after {waited.ElapsedMilliseconds} ms.");
            if (waited.Elapsed >= period) return;
            await Task.Delay(PollInterval);
        }
    }

    private static TimeoutException StillWaiting(string what, TimeSpan limit, string? last) =>
        new($"Still waiting for {what} after {limit.TotalSeconds:0} s{(last is null ? "." : $"; last seen: {last}")}");
}
