namespace Foresight.Series;

/// <summary>
/// Durable key → blob storage for the server's live state, so it survives a restart: detector
/// snapshots, incidents, what the alerter has announced. Each store backend implements it next to
/// its series data (SQLite: a table in <c>foresight.db</c>), so state and data live and move
/// together. Keys are short strings (a capability's prefix, then its own parts, e.g.
/// <c>detection/series/default/42</c>); values are opaque (each writer frames its own with a
/// magic and a format version). All members are thread-safe.
/// </summary>
public interface IStateStore
{
    /// <summary>The value stored under <paramref name="key"/>, or null.</summary>
    ValueTask<byte[]?> GetStateAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>The keys that start with <paramref name="prefix"/>, in ordinal order.</summary>
    ValueTask<IReadOnlyList<string>> ListStateKeysAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores every entry (replacing what a key held) and removes every key in <paramref name="delete"/>,
    /// all in one transaction: after a crash either all of it or none of it is there. <paramref name="entries"/> is
    /// read once, in order, inside the transaction, and an entry may be written before the next is read: a caller
    /// with many large entries can produce them one at a time instead of holding them all. An exception thrown
    /// while they are read leaves none of it stored.
    /// </summary>
    ValueTask PutStateAsync(IEnumerable<StateEntry> entries, IReadOnlyList<string>? delete = null, CancellationToken cancellationToken = default);
}

/// <summary>One key and its value in an <see cref="IStateStore"/>.</summary>
public sealed record StateEntry(string Key, byte[] Value);
