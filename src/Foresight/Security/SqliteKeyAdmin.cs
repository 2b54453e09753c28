using Foresight.Series;
using Foresight.Series.Storage;

namespace Foresight.Security;

/// <summary>
/// Manages the API keys of an embedded data directory without opening the whole store, so
/// <c>foresight keys ...</c> works while a server runs on the same directory (the server picks
/// new keys up within a second).
/// </summary>
public sealed class SqliteKeyAdmin : IDisposable
{
    private readonly SqliteDatabase _db;

    /// <summary>Opens the key table of the data directory (creating the database when absent).</summary>
    public SqliteKeyAdmin(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        _db = new SqliteDatabase(Path.Combine(dataDirectory, "foresight.db"), fullSync: true);
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
