using System.Collections.Concurrent;

namespace Foresight.Server.Recommendations;

/// <summary>
/// Reports kept while fresh: a value is computed (asynchronously) at most once per key and version within
/// <c>freshFor</c>, and callers that ask for a missing or stale key at the same time share one
/// computation. Holds at most <c>maxEntries</c> keys (past that it starts over).
/// </summary>
internal sealed class FreshCache<TKey, TValue>(int maxEntries) where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, (DateTimeOffset At, object? Version, Lazy<Task<TValue>> Value)> _entries = new();

    /// <summary>The value for <paramref name="key"/>: the kept one when computed less than <paramref name="freshFor"/> before <paramref name="now"/> for the same <paramref name="version"/>, else <paramref name="compute"/>'s.</summary>
    public Task<TValue> GetAsync(TKey key, DateTimeOffset now, TimeSpan freshFor, object? version, Func<Task<TValue>> compute)
    {
        if (_entries.Count > maxEntries) _entries.Clear();
        while (true)
        {
            var found = _entries.TryGetValue(key, out var entry);
            if (found && now - entry.At < freshFor && Equals(entry.Version, version)) return entry.Value.Value;
            var fresh = (now, version, new Lazy<Task<TValue>>(compute));
            if (found ? _entries.TryUpdate(key, fresh, entry) : _entries.TryAdd(key, fresh)) return fresh.Item3.Value;
        }
    }
}
