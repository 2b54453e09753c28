using System.Text.Json;
using Foresight.Series;

namespace Foresight.Storage.Sqlite;

/// <summary>
/// The embedded default store: a data directory holding a SQLite database (WAL mode) and a
/// write-ahead log of samples.
/// </summary>
/// <remarks>
/// <para>Write path: <see cref="AppendAsync"/> validates the whole batch (<see cref="AppendValidator"/>), writes one record to the
/// write-ahead log (fsync with group commit when <see cref="StoreOptions.SyncWrites"/>), then adds
/// the points to each series' in-memory head chunk. A head is sealed into a compressed chunk
/// (delta-of-delta timestamps and XOR or decimal values, after Pelkonen et al., "Gorilla", VLDB
/// 2015) when it is full or spans <see cref="StoreOptions.ChunkSpan"/>.</para>
/// <para>A checkpoint (every minute, or sooner when the log grows) writes the sealed chunks and a
/// snapshot of every changed head to SQLite in one transaction, then deletes the log segments it
/// covers. Opening a store loads the last snapshot and replays the log after it, so every
/// acknowledged point survives a process crash.</para>
/// <para>Reads merge stored chunks, chunks awaiting a checkpoint and the head; where out-of-order
/// writes made chunks overlap, the newest write of a timestamp wins.</para>
/// </remarks>
public sealed partial class SqliteTimeSeriesStore : ITimeSeriesStore, IStoreMaintenance
{
    /// <summary>The SQLite database's file name in a data directory.</summary>
    internal const string DatabaseFile = "foresight.db";

    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;

    private readonly StoreOptions _options;
    private readonly AppendValidator _validator;
    private readonly SqliteDatabase _db;
    private readonly WriteAheadLog _wal;
    private readonly Lock _writeLock = new();
    private readonly Lock _checkpointLock = new();
    private readonly Dictionary<long, SeriesState> _byId = [];
    private readonly Dictionary<(string Tenant, string Metric, Labels Labels), SeriesState> _byIdentity = [];
    /// <summary>Series by label pair, for selectors; guarded by <see cref="_catalogLock"/> (not the write lock, so a
    /// search does not wait for a batch being written; the write path takes it only to add or remove a series).</summary>
    private readonly SeriesIndex<SeriesState> _index = new();
    private readonly Lock _catalogLock = new();
    private readonly HashSet<SeriesState> _dirty = [];
    private readonly FileStream _lockFile;
    private long _nextSeriesId;
    private long _nextChunkSeq;
    private long _maxChunkSpan;
    private long _storedChunks;
    private long _storedPoints;
    private long _storedBytes;
    private long _headPoints;
    private bool _disposed;

    private SqliteTimeSeriesStore(string dataDirectory, StoreOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ChunkPoints, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.ChunkPoints, 4096);
        _options = options;
        _validator = new AppendValidator(options);
        DataDirectory = Path.GetFullPath(dataDirectory);
        try
        {
            Directory.CreateDirectory(DataDirectory);
            _lockFile = new FileStream(Path.Combine(DataDirectory, "foresight.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex) when (ex.HResult is 11 or 35 or unchecked((int)0x80070020))
        {
            // EAGAIN (Linux) / EWOULDBLOCK (macOS) from flock, or a Windows sharing violation: another process holds the lock.
            throw new IOException($"The data directory {DataDirectory} is in use by another Foresight process (stop it, or use another --data-dir).", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A read-only file system, missing permissions, a parent that is a file: not another process.
            throw new IOException($"The data directory {DataDirectory} cannot be created or written: {ex.Message}", ex);
        }
        try
        {
            _db = new SqliteDatabase(Path.Combine(DataDirectory, DatabaseFile), options.SyncWrites);
            _wal = new WriteAheadLog(Path.Combine(DataDirectory, "wal"));
            ApiKeys = new SqliteApiKeyStore(_db, ownsDatabase: false, options.Time);
        }
        catch
        {
            _db?.Dispose();
            _lockFile.Dispose();
            throw;
        }
    }

    /// <summary>The absolute path of the data directory.</summary>
    public string DataDirectory { get; }

    /// <summary>The acceptance and housekeeping settings in force.</summary>
    public StoreOptions Options => _options;

    /// <summary>The API keys kept in this store's database.</summary>
    public SqliteApiKeyStore ApiKeys { get; }

    /// <summary>
    /// Opens (creating when absent) the store in <paramref name="dataDirectory"/>, replaying the
    /// write-ahead log left by a previous run. <paramref name="onRecovery"/> hears what recovery did.
    /// </summary>
    /// <exception cref="InvalidDataException">The directory holds a newer store format, or a foresight.db SQLite cannot read.</exception>
    /// <exception cref="IOException">Another process has the directory open, or it cannot be created or written (permissions, a read-only or full disk); the message says which.</exception>
    public static SqliteTimeSeriesStore Open(string dataDirectory, StoreOptions? options = null, Action<string>? onRecovery = null)
    {
        SqliteTimeSeriesStore store;
        try
        {
            store = new SqliteTimeSeriesStore(dataDirectory, options ?? new StoreOptions());
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex)
        {
            throw Unreadable(dataDirectory, ex);
        }
        try
        {
            store.Recover(onRecovery ?? (_ => { }));
        }
        catch (Exception ex)
        {
            // Not Dispose: its checkpoint would record the half-replayed state as complete and
            // delete the log segments recovery had not reached yet.
            store.CloseWithoutCheckpoint();
            if (ex is Microsoft.Data.Sqlite.SqliteException sqlite) throw Unreadable(dataDirectory, sqlite);
            throw;
        }
        return store;
    }

    private static Exception Unreadable(string dataDirectory, Microsoft.Data.Sqlite.SqliteException ex)
    {
        var file = Path.Combine(Path.GetFullPath(dataDirectory), DatabaseFile);
        var reason = ex.Message.TrimEnd('.');
        // A full disk, a read-only file system, an I/O error: the file may be sound, so not "move it aside".
        return ex.SqliteErrorCode is not (SqliteCorrupt or SqliteNotADatabase)
            ? new IOException($"{file} cannot be opened or written ({reason}); nothing was lost: free space or fix the permissions, then start again", ex)
            : new InvalidDataException($"{file} cannot be read as a Foresight store ({reason}); move it aside to start afresh, or use another --data-dir", ex);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SeriesInfo>> FindAsync(string tenant, SeriesSelector selector, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult<IReadOnlyList<SeriesInfo>>(Find(tenant, selector));
    }

    private List<SeriesInfo> Find(string tenant, SeriesSelector selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        lock (_catalogLock)
        {
            return _index.Find(tenant, selector, static s => s.Info).ConvertAll(static s => s.Info);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> TenantsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_catalogLock)
        {
            return ValueTask.FromResult(_index.Tenants());
        }
    }

    /// <inheritdoc />
    public ValueTask<SeriesInfo?> GetAsync(string tenant, long seriesId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Get(tenant, seriesId));
    }

    private SeriesInfo? Get(string tenant, long seriesId)
    {
        lock (_writeLock)
        {
            return _byId.TryGetValue(seriesId, out var s) && s.Info.Tenant == tenant ? s.Info : null;
        }
    }

    /// <inheritdoc />
    public ValueTask<StoreStats> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_writeLock)
        {
            return ValueTask.FromResult(new StoreStats(_byId.Count, _storedChunks, _storedPoints, _storedBytes, _headPoints,
                _wal.TotalBytes(), _db.FileBytes()));
        }
    }

    /// <summary>Writes a final checkpoint and closes the files.</summary>
    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }

    private void Close()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            Checkpoint();
        }
        finally
        {
            _wal.Dispose();
            _db.Dispose();
            _lockFile.Dispose();
        }
    }

    /// <summary>
    /// Closes the files as a killed process would: no checkpoint, heads and sealed chunks lost
    /// from memory, only the write-ahead log and the database left. For crash-recovery tests.
    /// </summary>
    internal void CloseWithoutCheckpoint()
    {
        _disposed = true;
        _wal.Dispose();
        _db.Dispose();
        _lockFile.Dispose();
    }

    /// <summary>
    /// The stored form of a label set: a JSON object with the pairs in name order, written pair by pair so
    /// equal label sets give equal text (part of the series' identity in the database, see
    /// <see cref="SqliteDatabase.FormatVersion"/>). JSON escapes control characters, NUL included, so the
    /// text has none.
    /// </summary>
    internal static string SerializeLabels(Labels labels)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64 + 32 * labels.Count);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var (name, value) in labels) json.WriteString(name, value);
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static Labels DeserializeLabels(string json) =>
        Labels.From(JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? []);

    private SeriesState Register(SeriesInfo info)
    {
        var state = new SeriesState(info);
        _byId.Add(info.Id, state);
        _byIdentity.Add((info.Tenant, info.Metric, info.Labels), state);
        lock (_catalogLock) _index.Add(info, state);
        if (info.Id >= _nextSeriesId) _nextSeriesId = info.Id + 1;
        return state;
    }
}
