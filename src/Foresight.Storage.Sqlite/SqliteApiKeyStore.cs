using System.Diagnostics.CodeAnalysis;
using Foresight.Security;
using Microsoft.Data.Sqlite;
using Foresight.Series;

namespace Foresight.Storage.Sqlite;

/// <summary>
/// API keys in the <c>api_keys</c> table of an embedded data directory's database. The store's own
/// instance (<see cref="SqliteTimeSeriesStore.ApiKeys"/>) serves lookups from memory and reloads the
/// table at most once a second of the store's clock (<see cref="StoreOptions.Time"/>), so a key created
/// by <c>foresight keys create</c> while the server runs works within a second; <see cref="TryOpen"/> opens the table alone for that command.
/// </summary>
public sealed class SqliteApiKeyStore : IApiKeyStore
{
    private readonly SqliteDatabase _db;
    private static readonly TimeSpan ReloadAfter = TimeSpan.FromSeconds(1);

    private readonly bool _ownsDatabase;
    private readonly TimeProvider _time;
    private KeySet _keys;
    private long _loadedAt;

    internal SqliteApiKeyStore(SqliteDatabase db, bool ownsDatabase, TimeProvider time)
    {
        _db = db;
        _ownsDatabase = ownsDatabase;
        _time = time;
        _keys = new KeySet(db.LoadApiKeys());
        _loadedAt = time.GetTimestamp();
    }

    /// <summary>
    /// Opens the key table of a data directory without opening the whole store (so it works while a server
    /// runs on the directory), or says why it cannot: the path is a file, cannot be created or opened, or
    /// (unless <paramref name="create"/>) holds no Foresight database. Only with <paramref name="create"/>
    /// are the directory and its database made when absent, so listing or revoking keys at a mistyped path
    /// changes nothing on disk.
    /// </summary>
    public static bool TryOpen(string dataDirectory, bool create, [NotNullWhen(true)] out SqliteApiKeyStore? keys, [NotNullWhen(false)] out string? error)
    {
        keys = null;
        var full = Path.GetFullPath(dataDirectory);
        var database = Path.Combine(full, SqliteTimeSeriesStore.DatabaseFile);
        if (File.Exists(full))
        {
            error = $"{full} is a file, not a data directory";
            return false;
        }
        for (var parent = Path.GetDirectoryName(full); parent is not null; parent = Path.GetDirectoryName(parent))
        {
            if (File.Exists(parent))
            {
                error = $"{parent} is a file, so {full} cannot be a data directory";
                return false;
            }
        }
        if (!create && !Directory.Exists(full))
        {
            error = $"there is no data directory at {full}";
            return false;
        }
        if (!create && !File.Exists(database))
        {
            error = $"{full} is not a Foresight data directory (it holds no {SqliteTimeSeriesStore.DatabaseFile})";
            return false;
        }
        try
        {
            Directory.CreateDirectory(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = $"cannot create the data directory {full}: {ex.Message}";
            return false;
        }
        SqliteDatabase? db = null;
        try
        {
            db = new SqliteDatabase(database, fullSync: true);
            keys = new SqliteApiKeyStore(db, ownsDatabase: true, TimeProvider.System);
        }
        catch (SqliteException ex)
        {
            db?.Dispose();
            error = $"cannot open {database}: {ex.Message}";
            return false;
        }
        error = null;
        return true;
    }

    /// <inheritdoc />
    public ValueTask AddAsync(ApiKeyRecord key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        _db.InsertApiKey(key);
        Refresh(force: true);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<ApiKeyRecord?> FindAsync(string keyHash, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // A key created by `foresight keys create` while the server runs: reload, at most once a second.
        if (!Volatile.Read(ref _keys).ByHash.TryGetValue(keyHash, out var found)) Refresh(force: false).ByHash.TryGetValue(keyHash, out found);
        return ValueTask.FromResult(found);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Refresh(force: false).Active);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ApiKeyRecord>> ListAllAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Refresh(force: false).All);
    }

    /// <inheritdoc />
    public ValueTask<bool> RevokeAsync(string keyId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var removed = _db.RevokeApiKey(keyId, _time.GetUtcNow().ToUnixTimeMilliseconds());
        Refresh(force: true);
        return ValueTask.FromResult(removed);
    }

    /// <summary>Closes the database when this instance opened it (<see cref="TryOpen"/>); the store's own instance closes with the store.</summary>
    public ValueTask DisposeAsync()
    {
        if (_ownsDatabase) _db.Dispose();
        return ValueTask.CompletedTask;
    }

    private KeySet Refresh(bool force)
    {
        var now = _time.GetTimestamp();
        if (force || _time.GetElapsedTime(Volatile.Read(ref _loadedAt), now) > ReloadAfter)
        {
            Volatile.Write(ref _keys, new KeySet(_db.LoadApiKeys()));
            Volatile.Write(ref _loadedAt, now);
        }
        return Volatile.Read(ref _keys);
    }

    /// <summary>One load of the table: every key (active first), the active ones, and all by hash.</summary>
    private sealed class KeySet(List<ApiKeyRecord> all)
    {
        public IReadOnlyList<ApiKeyRecord> All { get; } = all;

        public IReadOnlyList<ApiKeyRecord> Active { get; } = all.Where(k => k.Active).ToList();

        public Dictionary<string, ApiKeyRecord> ByHash { get; } = ByKeyHash(all);

        private static Dictionary<string, ApiKeyRecord> ByKeyHash(List<ApiKeyRecord> all)
        {
            var byHash = new Dictionary<string, ApiKeyRecord>(all.Count, StringComparer.Ordinal);
            foreach (var key in all) byHash.TryAdd(key.KeyHash, key);   // active first, so an active key wins
            return byHash;
        }
    }
}
