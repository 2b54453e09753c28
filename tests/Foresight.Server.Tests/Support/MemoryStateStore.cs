using System.Collections.Concurrent;
using Foresight.Series;

namespace Foresight.Tests.Support;

/// <summary>An <see cref="IStateStore"/> in memory, for tests of what is saved without a store on disk.</summary>
public sealed class MemoryStateStore : IStateStore
{
    private readonly ConcurrentDictionary<string, byte[]> _entries = new(StringComparer.Ordinal);

    public ValueTask<byte[]?> GetStateAsync(string key, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_entries.TryGetValue(key, out var value) ? value : null);

    public ValueTask<IReadOnlyList<string>> ListStateKeysAsync(string prefix, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<string>>([.. _entries.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)]);

    public ValueTask PutStateAsync(IEnumerable<StateEntry> entries, IReadOnlyList<string>? delete = null, CancellationToken cancellationToken = default)
    {
        // All or nothing, as the contract asks: read every entry before any is applied.
        foreach (var e in entries.ToList()) _entries[e.Key] = e.Value;
        foreach (var k in delete ?? []) _entries.TryRemove(k, out _);
        return ValueTask.CompletedTask;
    }
}
