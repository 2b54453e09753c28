using Foresight.Series;

namespace Foresight.Storage.Sqlite;

/// <summary>The store's <see cref="IStateStore"/>: live state in the <c>state</c> table of <c>foresight.db</c>.</summary>
public sealed partial class SqliteTimeSeriesStore : IStateStore
{
    /// <inheritdoc />
    public ValueTask<byte[]?> GetStateAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_db.GetState(key));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> ListStateKeysAsync(string prefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult<IReadOnlyList<string>>(_db.ListStateKeys(prefix));
    }

    /// <inheritdoc />
    public ValueTask PutStateAsync(IEnumerable<StateEntry> entries, IReadOnlyList<string>? delete = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        _db.PutState(entries.Select(e => (e.Key, e.Value)), delete ?? []);
        return ValueTask.CompletedTask;
    }
}
