using Foresight.Security;
using Microsoft.Data.Sqlite;

namespace Foresight.Storage.Sqlite;

/// <summary>
/// The API-key statements. Active keys live in <c>api_keys</c>; revoking one moves it, in one transaction, to
/// <c>revoked_api_keys</c> with the time of revocation, so the store still knows a revoked key (and answers it as
/// revoked) and knows that keys were ever created. An older build reads only <c>api_keys</c>, so it never sees a
/// revoked key as valid. <c>api_keys.scope</c> (added to older databases on open, default <c>tenant</c>) says what a
/// key may read (<see cref="ApiKeyScope"/>).
/// </summary>
internal sealed partial class SqliteDatabase
{
    private void EnsureApiKeySchema()
    {
        lock (_writerLock)
        {
            Execute(_writer, """
                CREATE TABLE IF NOT EXISTS revoked_api_keys(
                    id TEXT PRIMARY KEY, tenant TEXT NOT NULL, key_hash TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL, created_ms INTEGER NOT NULL, scope TEXT NOT NULL, revoked_ms INTEGER NOT NULL);
                """);
            using var info = _writer.CreateCommand();
            info.CommandText = "SELECT COUNT(*) FROM pragma_table_info('api_keys') WHERE name='scope'";
            if ((long)info.ExecuteScalar()! > 0) return;
            try
            {
                Execute(_writer, "ALTER TABLE api_keys ADD COLUMN scope TEXT NOT NULL DEFAULT 'tenant'");
            }
            catch (SqliteException ex) when (ex.Message.Contains("duplicate column", StringComparison.OrdinalIgnoreCase))
            {
                // `foresight keys` and the server opened the same old database at once; the other one added it.
            }
        }
    }

    public void InsertApiKey(ApiKeyRecord key)
    {
        lock (_writerLock)
        {
            using var cmd = _writer.CreateCommand();
            cmd.CommandText = "INSERT INTO api_keys(id, tenant, key_hash, name, created_ms, scope) VALUES($i,$t,$h,$n,$c,$s)";
            cmd.Parameters.AddWithValue("$i", key.Id);
            cmd.Parameters.AddWithValue("$t", key.Tenant);
            cmd.Parameters.AddWithValue("$h", key.KeyHash);
            cmd.Parameters.AddWithValue("$n", key.Name);
            cmd.Parameters.AddWithValue("$c", key.CreatedUnixMs);
            cmd.Parameters.AddWithValue("$s", ScopeName(key.Scope));
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>Every key, active ones (no revocation time) then revoked ones, each oldest first.</summary>
    public List<ApiKeyRecord> LoadApiKeys()
    {
        var list = new List<ApiKeyRecord>();
        using var conn = new SqliteConnection(_connectionString);
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """
            SELECT * FROM (
                SELECT id, tenant, key_hash, name, created_ms, scope, NULL AS revoked_ms FROM api_keys
                UNION ALL SELECT id, tenant, key_hash, name, created_ms, scope, revoked_ms FROM revoked_api_keys)
            ORDER BY revoked_ms IS NOT NULL, created_ms, id
            """;
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            list.Add(new ApiKeyRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4),
                ParseScope(r.GetString(5)), r.IsDBNull(6) ? null : r.GetInt64(6)));
        }
        return list;
    }

    /// <summary>Moves an active key to <c>revoked_api_keys</c>; false when no active key has this id.</summary>
    public bool RevokeApiKey(string id, long revokedUnixMs)
    {
        lock (_writerLock)
        {
            using var tx = _writer.BeginTransaction();
            using var move = _writer.CreateCommand();
            move.Transaction = tx;
            move.CommandText = """
                INSERT INTO revoked_api_keys(id, tenant, key_hash, name, created_ms, scope, revoked_ms)
                SELECT id, tenant, key_hash, name, created_ms, scope, $r FROM api_keys WHERE id=$i
                """;
            move.Parameters.AddWithValue("$i", id);
            move.Parameters.AddWithValue("$r", revokedUnixMs);
            if (move.ExecuteNonQuery() == 0) return false;
            using var delete = _writer.CreateCommand();
            delete.Transaction = tx;
            delete.CommandText = "DELETE FROM api_keys WHERE id=$i";
            delete.Parameters.AddWithValue("$i", id);
            delete.ExecuteNonQuery();
            tx.Commit();
            return true;
        }
    }

    private static string ScopeName(ApiKeyScope scope) => scope == ApiKeyScope.Metrics ? "metrics" : "tenant";

    /// <summary>An unknown scope (written by a newer build) reads as <see cref="ApiKeyScope.Metrics"/>, the narrower one.</summary>
    private static ApiKeyScope ParseScope(string scope) => scope == "tenant" ? ApiKeyScope.Tenant : ApiKeyScope.Metrics;
}
