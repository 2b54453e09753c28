using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace Foresight.Tests.Support;

/// <summary>
/// Waiting in a test for background work (a server's loops, a webhook worker, a scrape loop) to reach a
/// state: poll a condition every 20 ms until it holds, and fail when a deadline passes with a message
/// that says what was awaited. The deadline is a safety net for a broken build, not a measurement: a
/// passing test returns as soon as the condition holds. Where the work runs on a <see cref="FakeTimeProvider"/>,
/// <see cref="AdvanceUntilAsync"/> moves that clock instead of letting real time pass.
/// </summary>
public static class Eventually
{
    /// <summary>How long a wait lasts unless the test says otherwise: 30 s.</summary>
    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>How long <see cref="AdvanceUntilAsync"/> lets the work react to one tick before it gives the next.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(100);

    /// <summary>Returns once <paramref name="condition"/> holds; throws a <see cref="TimeoutException"/> naming <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        WaitUntilAsync(() => Task.FromResult(condition()), what, timeout);

    /// <summary>Returns once the asynchronous <paramref name="condition"/> holds (a store read, an HTTP call); throws naming <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > limit) throw TimedOut(what, limit, null);
            await Task.Delay(PollInterval);
        }
    }

    /// <summary>
    /// Calls <paramref name="get"/> until its result satisfies <paramref name="until"/> and returns that result;
    /// results passed over are disposed when disposable (HTTP responses). After <paramref name="timeout"/> it throws,
    /// naming <paramref name="what"/> and, through <paramref name="describe"/>, the last result seen.
    /// </summary>
    public static async Task<T> WaitForAsync<T>(Func<Task<T>> get, Func<T, bool> until, string what, TimeSpan? timeout = null,
        Func<T, string>? describe = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var result = await get();
            if (until(result)) return result;
            if (waited.Elapsed > limit)
            {
                var last = describe?.Invoke(result) ?? result?.ToString();
                (result as IDisposable)?.Dispose();
                throw TimedOut(what, limit, last);
            }
            (result as IDisposable)?.Dispose();
            await Task.Delay(PollInterval);
        }
    }

    /// <summary>
    /// For work driven by <paramref name="clock"/>'s timers (a retry delay, a periodic loop): whenever
    /// <paramref name="condition"/> has not come true within 100 ms of real time, advances the clock by
    /// <paramref name="step"/> (firing the timers due by then) and looks again. Choose a step no longer than
    /// the shortest timeout the work runs on the same clock, or a tick could cut short what the last one started.
    /// </summary>
    public static async Task AdvanceUntilAsync(FakeTimeProvider clock, TimeSpan step, Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
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
            if (waited.Elapsed > limit) throw TimedOut(what, limit, $"the fake clock reached {clock.GetUtcNow():O}");
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
        do
        {
            if (!condition()) throw new InvalidOperationException($"Expected {what} for {period.TotalMilliseconds:0} ms; it stopped holding after {waited.ElapsedMilliseconds} ms.");
            await Task.Delay(PollInterval);
        }
        while (waited.Elapsed < period);
        if (!condition()) throw new InvalidOperationException($"Expected {what} for {period.TotalMilliseconds:0} ms; it no longer held at the end.");
    }

    private static TimeoutException TimedOut(string what, TimeSpan limit, string? last) =>
        new($"Waited {limit.TotalSeconds:0.#} s for {what}, in vain{(last is null ? "." : $"; last seen: {last}")}");
}
