using Foresight.Series;
using Microsoft.Data.Sqlite;

namespace Foresight.Storage.Sqlite.Tests;

/// <summary>
/// Edits a store's database behind its back, for tests. <see cref="Downgrade"/> turns it into the format-1 layout as the store before version 2 wrote it: the series table with its
/// <c>key TEXT NOT NULL UNIQUE</c> column holding tenant + NUL + <c>metric{labels}</c>, bound as a string the way
/// that store bound it (so a key longer than about 512 bytes is cut at the NUL, as it was on disk), and
/// <c>format_version</c> 1.
/// </summary>
internal static class FormatOne
{
    public static void Downgrade(string databaseFile)
    {
        using var conn = Open(databaseFile);
        var rows = new List<(long Id, string Tenant, string Metric, string Labels)>();
        using (var read = conn.CreateCommand())
        {
            read.CommandText = "SELECT id, tenant, metric, labels FROM series ORDER BY id";
            using var r = read.ExecuteReader();
            while (r.Read()) rows.Add((r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3)));
        }
        using var tx = conn.BeginTransaction();
        Execute(conn, tx, """
            DROP TABLE series;
            CREATE TABLE series(
                id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, metric TEXT NOT NULL,
                labels TEXT NOT NULL, key TEXT NOT NULL UNIQUE);
            UPDATE meta SET value='1' WHERE key='format_version';
            """);
        using (var insert = conn.CreateCommand())
        {
            insert.Transaction = tx;
            insert.CommandText = "INSERT INTO series(id, tenant, metric, labels, key) VALUES($id,$t,$m,$l,$k)";
            foreach (var (id, tenant, metric, labels) in rows)
            {
                var set = Labels.From(System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(labels)!);
                insert.Parameters.Clear();
                insert.Parameters.AddWithValue("$id", id);
                insert.Parameters.AddWithValue("$t", tenant);
                insert.Parameters.AddWithValue("$m", metric);
                insert.Parameters.AddWithValue("$l", labels);
                insert.Parameters.AddWithValue("$k", tenant + "\u0000" + new SeriesKey(tenant, metric, set).Canonical());
                insert.ExecuteNonQuery();
            }
        }
        tx.Commit();
    }

    /// <summary>Writes a series row behind the store's back (to provoke a refusal by the database).</summary>
    public static void InsertSeriesRow(string databaseFile, long id, string tenant, string metric, string labels)
    {
        using var conn = Open(databaseFile);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "INSERT INTO series(id, tenant, metric, labels) VALUES($id,$t,$m,$l)";
        cmd.Parameters.AddWithValue("$id", id);
        cmd.Parameters.AddWithValue("$t", tenant);
        cmd.Parameters.AddWithValue("$m", metric);
        cmd.Parameters.AddWithValue("$l", labels);
        cmd.ExecuteNonQuery();
    }

    public static string? Version(string databaseFile)
    {
        using var conn = Open(databaseFile);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT value FROM meta WHERE key='format_version'";
        return cmd.ExecuteScalar() as string;
    }

    public static void SetVersion(string databaseFile, string version)
    {
        using var conn = Open(databaseFile);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "UPDATE meta SET value=$v WHERE key='format_version'";
        cmd.Parameters.AddWithValue("$v", version);
        cmd.ExecuteNonQuery();
    }

    private static SqliteConnection Open(string databaseFile)
    {
        var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databaseFile, Pooling = false }.ToString());
        conn.Open();
        return conn;
    }

    private static void Execute(SqliteConnection conn, SqliteTransaction tx, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
