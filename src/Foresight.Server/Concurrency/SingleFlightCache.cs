using System.Collections.Concurrent;

namespace Foresight.Server.Concurrency;

/// <summary>
/// Values computed at most once per key at a time, and kept: a caller whose key has no usable value starts the
/// computation, and every caller that asks for the key while it runs shares it ("single flight", as in Go's
/// <c>singleflight</c> package), so concurrent misses compute once. Each entry carries a stamp saying what it was
/// computed for (when and from what version, or how far ahead); the caller's <c>usable</c> test on the stamp
/// decides whether a kept or running value serves it, else a new computation replaces the entry.
/// </summary>
/// <remarks>
/// A computation is shared, so it is never cancelled by one caller's token: callers stop waiting with
/// <see cref="Task.WaitAsync(CancellationToken)"/>. A computation that fails is not kept (the next caller
/// computes again), nor one whose value <c>keep</c> refuses. Past <c>maxEntries</c> keys the cache starts over.
/// </remarks>
/// <typeparam name="TKey">What a value is of.</typeparam>
/// <typeparam name="TStamp">What a value was computed for.</typeparam>
/// <typeparam name="TValue">The value.</typeparam>
internal sealed class SingleFlightCache<TKey, TStamp, TValue>(int maxEntries = int.MaxValue) where TKey : notnull
{
    private sealed record Entry(TStamp Stamp, Task<TValue> Value);

    private readonly ConcurrentDictionary<TKey, Entry> _entries = new();
    private long _shared;

    /// <summary>How many callers were handed a computation another caller had started (instead of starting their own).</summary>
    public long Shared => Interlocked.Read(ref _shared);

    /// <summary>
    /// The value for <paramref name="key"/>: the kept or running one when <paramref name="usable"/> accepts its stamp,
    /// else the result of <paramref name="compute"/>, kept with <paramref name="stamp"/> unless <paramref name="keep"/> refuses it.
    /// </summary>
    public Task<TValue> GetAsync(TKey key, Func<TStamp, bool> usable, TStamp stamp, Func<Task<TValue>> compute, Func<TValue, bool>? keep = null) =>
        GetOrStart(key, usable, stamp, compute, keep);

    /// <summary>
    /// Computes <paramref name="key"/>'s value afresh (a background refresh) unless a computation of it is already
    /// running, which is shared instead; the result replaces the kept value as in <see cref="GetAsync"/>.
    /// </summary>
    public Task<TValue> RefreshAsync(TKey key, TStamp stamp, Func<Task<TValue>> compute, Func<TValue, bool>? keep = null) =>
        GetOrStart(key, null, stamp, compute, keep);

    /// <summary>The keys cached now (values completed or still computing); a snapshot, safe to enumerate while the cache changes.</summary>
    public IReadOnlyList<TKey> Keys => [.. _entries.Keys];

    /// <summary>The kept value of <paramref name="key"/> and its stamp, when one is computed (not running, not failed).</summary>

    public bool TryGetCompleted(TKey key, out TStamp stamp, out TValue value)
    {
        if (_entries.TryGetValue(key, out var entry) && entry.Value.IsCompletedSuccessfully)
        {
            stamp = entry.Stamp;
            value = entry.Value.Result;
            return true;
        }
        stamp = default!;
        value = default!;
        return false;
    }

    private Task<TValue> GetOrStart(TKey key, Func<TStamp, bool>? usable, TStamp stamp, Func<Task<TValue>> compute, Func<TValue, bool>? keep)
    {
        if (_entries.Count > maxEntries) _entries.Clear();
        while (true)
        {
            var found = _entries.TryGetValue(key, out var entry);
            if (found && !entry!.Value.IsCompleted)
            {
                if (usable is null || usable(entry.Stamp))
                {
                    Interlocked.Increment(ref _shared);
                    return entry.Value;
                }
            }
            else if (found && usable is not null && usable(entry!.Stamp))
            {
                return entry.Value;
            }
            var result = new TaskCompletionSource<TValue>(TaskCreationOptions.RunContinuationsAsynchronously);
            var fresh = new Entry(stamp, result.Task);
            if (found ? _entries.TryUpdate(key, fresh, entry!) : _entries.TryAdd(key, fresh))
            {
                _ = RunAsync(key, fresh, result, compute, keep);
                return result.Task;
            }
        }
    }

    private async Task RunAsync(TKey key, Entry entry, TaskCompletionSource<TValue> result, Func<Task<TValue>> compute, Func<TValue, bool>? keep)
    {
        try
        {
            var value = await compute();
            if (keep is not null && !keep(value)) _entries.TryRemove(KeyValuePair.Create(key, entry));
            result.SetResult(value);
        }
        catch (Exception ex)
        {
            _entries.TryRemove(KeyValuePair.Create(key, entry));
            if (ex is OperationCanceledException cancelled) result.SetCanceled(cancelled.CancellationToken);
            else result.SetException(ex);
        }
    }
}
