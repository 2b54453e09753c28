using System.Diagnostics.CodeAnalysis;
using Foresight.Series;
using Foresight.Series.Storage;
using Microsoft.Data.Sqlite;

namespace Foresight.Security;

/// <summary>
/// Manages the API keys of an embedded data directory without opening the whole store, so
/// <c>foresight keys ...</c> works while a server runs on the same directory (the server picks
/// new keys up within a second).
/// </summary>
public sealed class SqliteKeyAdmin : IDisposable
{
    private readonly SqliteDatabase _db;

    private SqliteKeyAdmin(SqliteDatabase db) => _db = db;

    /// <summary>
    /// Opens the key table of a data directory, or says why it cannot: the path is a file, cannot be created
    /// or opened, or (unless <paramref name="create"/>) holds no Foresight database. Only with
    /// <paramref name="create"/> are the directory and its database made when absent, so listing or revoking
    /// keys at a mistyped path changes nothing on disk.
    /// </summary>
    public static bool TryOpen(string dataDirectory, bool create, [NotNullWhen(true)] out SqliteKeyAdmin? admin, [NotNullWhen(false)] out string? error)
    {
        admin = null;
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
        try
        {
            admin = new SqliteKeyAdmin(new SqliteDatabase(database, fullSync: true));
        }
        catch (SqliteException ex)
        {
            error = $"cannot open {database}: {ex.Message}";
            return false;
        }
        error = null;
        return true;
    }

    /// <summary>Creates a key for a tenant and returns the secret (shown once; only its hash is kept).</summary>
    public (string Secret, ApiKeyRecord Record) Create(string tenant, string name, TimeProvider time) =>
        ApiKeys.Create(_db.InsertApiKey, tenant, name, time);

    /// <summary>All keys (hashes only).</summary>
    public IReadOnlyList<ApiKeyRecord> List() => _db.LoadApiKeys();

    /// <summary>Deletes a key by id; false when there is none.</summary>
    public bool Revoke(string id) => _db.DeleteApiKey(id);

    /// <inheritdoc />
    public void Dispose() => _db.Dispose();
}
