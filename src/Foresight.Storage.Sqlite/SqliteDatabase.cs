using Foresight.Security;
using Microsoft.Data.Sqlite;
using Foresight.Series;

namespace Foresight.Storage.Sqlite;

/// <summary>
/// Every SQL statement of the embedded store, in one place. The database holds series
/// definitions, sealed chunks, the head snapshot of the last checkpoint, API keys and the
/// server's live state (key → blob).
/// </summary>
internal sealed partial class SqliteDatabase : IDisposable
{
    /// <summary>
    /// Version of the on-disk layout; a newer file is refused with a clear message, an older one migrated
    /// at open in one transaction (<see cref="Migrate"/>).
    /// </summary>
    /// <remarks>
    /// <para>Version 2 identifies a series by its columns, <c>UNIQUE(tenant, metric, labels)</c>, where
    /// <c>labels</c> is the label set as JSON in name order (equal sets, equal text; JSON escapes NUL and
    /// every control character). Version 1 had a <c>key TEXT UNIQUE</c> column holding
    /// tenant + NUL + <c>metric{labels}</c>: SQLitePCLRaw binds a .NET string longer than about 512 UTF-8
    /// bytes as NUL-terminated text, so such keys were cut at the NUL to the bare tenant name and the second
    /// long-labelled series of a tenant collided with the first (<c>UNIQUE constraint failed: series.key</c>).
    /// A key that repeats the columns also tripled the bytes of a long label set on disk; the columns kept
    /// in a unique index store them twice and need no separator.</para>
    /// <para>Text columns hold no NUL: tenant and metric names are validated before a series is created and
    /// labels are JSON-escaped, so nothing bound to a statement can be cut.</para>
    /// </remarks>
    public const int FormatVersion = 2;

    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly Lock _writerLock = new();

    public SqliteDatabase(string path, bool fullSync)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();
        _writer = new SqliteConnection(_connectionString);
        _writer.Open();
        Execute(_writer, "PRAGMA journal_mode=WAL;");
        Execute(_writer, fullSync ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;");
        Execute(_writer, """
            CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS series(
                id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, metric TEXT NOT NULL,
                labels TEXT NOT NULL, UNIQUE(tenant, metric, labels));
            CREATE TABLE IF NOT EXISTS chunks(
                series_id INTEGER NOT NULL, min_ts INTEGER NOT NULL, seq INTEGER NOT NULL,
                max_ts INTEGER NOT NULL, count INTEGER NOT NULL, data BLOB NOT NULL,
                PRIMARY KEY(series_id, min_ts, seq)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS heads(series_id INTEGER PRIMARY KEY, data BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS api_keys(
                id TEXT PRIMARY KEY, tenant TEXT NOT NULL, key_hash TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL, created_ms INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS state(key TEXT PRIMARY KEY, value BLOB NOT NULL);
            """);
        EnsureApiKeySchema();
        var text = ReadMeta("format_version");
        if (text is null)
        {
            WriteMeta("format_version", FormatVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return;
        }
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version) || version < 1)
        {
            throw new InvalidDataException($"{path} records store format '{text}', which no Foresight wrote; move it aside to start afresh, or use another --data-dir");
        }
        if (version > FormatVersion)
        {
            throw new InvalidDataException(
                $"The data directory was written by a newer Foresight (store format {version}; this build reads up to {FormatVersion}). Upgrade Foresight or use another --data-dir.");
        }
        if (version < FormatVersion) Migrate(version);
    }

    /// <summary>
    /// Brings a file of an older format to <see cref="FormatVersion"/> in one transaction: a crash or an
    /// error part-way leaves the file as it was, readable by the build that wrote it.
    /// </summary>
    private void Migrate(int from)
    {
        lock (_writerLock)
        {
            using var tx = _writer.BeginTransaction();
            using var cmd = _writer.CreateCommand();
            cmd.Transaction = tx;
            if (from < 2)
            {
                // Version 1 → 2: the series key column goes; identity is UNIQUE(tenant, metric, labels). Ids are kept,
                // so chunks, heads and the write-ahead log still refer to the same series.
                cmd.CommandText = """
                    CREATE TABLE series_v2(
                        id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, metric TEXT NOT NULL,
                        labels TEXT NOT NULL, UNIQUE(tenant, metric, labels));
                    INSERT INTO series_v2(id, tenant, metric, labels) SELECT id, tenant, metric, labels FROM series;
                    DROP TABLE series;
                    ALTER TABLE series_v2 RENAME TO series;
                    """;
                cmd.ExecuteNonQuery();
            }
            cmd.CommandText = "UPDATE meta SET value=$v WHERE key='format_version'";
            cmd.Parameters.AddWithValue("$v", FormatVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
            cmd.ExecuteNonQuery();
            tx.Commit();
        }
    }

    /// <summary>
    /// Whether an error is the database failing as a whole (a full disk, an I/O error, a read-only or locked
    /// file), which a retry may cure, rather than SQLite refusing the one row (a constraint, a value too big).
    /// </summary>
    public static bool IsStorageFailure(SqliteException ex) =>
        (ex.SqliteErrorCode & 0xff) is SqliteBusy or SqliteLocked or SqliteNoMem or SqliteReadOnly or SqliteIoErr
            or SqliteCorrupt or SqliteFull or SqliteCantOpen;

    private const int SqliteBusy = 5, SqliteLocked = 6, SqliteNoMem = 7, SqliteReadOnly = 8, SqliteIoErr = 10,
        SqliteCorrupt = 11, SqliteFull = 13, SqliteCantOpen = 14;

    public string Path { get; }

    public string? ReadMeta(string key)
    {
        lock (_writerLock)
        {
            using var cmd = _writer.CreateCommand();
            cmd.CommandText = "SELECT value FROM meta WHERE key=$k";
            cmd.Parameters.AddWithValue("$k", key);
            return cmd.ExecuteScalar() as string;
        }
    }

    public void WriteMeta(string key, string value)
    {
        lock (_writerLock)
        {
            using var cmd = _writer.CreateCommand();
            cmd.CommandText = "INSERT INTO meta(key,value) VALUES($k,$v) ON CONFLICT(key) DO UPDATE SET value=excluded.value";
            cmd.Parameters.AddWithValue("$k", key);
            cmd.Parameters.AddWithValue("$v", value);
            cmd.ExecuteNonQuery();
        }
    }

    public List<(long Id, string Tenant, string Metric, string Labels)> LoadSeries()
    {
        var list = new List<(long, string, string, string)>();
        lock (_writerLock)
        {
            using var cmd = _writer.CreateCommand();
            cmd.CommandText = "SELECT id, tenant, metric, labels FROM series ORDER BY id";
            using var r = cmd.ExecuteReader();
            while (r.Read()) list.Add((r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3)));
        }
        return list;
    }

    /// <summary>Records new series in one transaction: all of them, or (on an error) none.</summary>
    public void InsertSeries(IReadOnlyList<SeriesRow> rows)
    {
        lock (_writerLock)
        {
            using var tx = _writer.BeginTransaction();
            using var cmd = _writer.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "INSERT INTO series(id, tenant, metric, labels) VALUES($id,$t,$m,$l)";
            var pId = cmd.Parameters.Add("$id", SqliteType.Integer);
            var pT = cmd.Parameters.Add("$t", SqliteType.Text);
            var pM = cmd.Parameters.Add("$m", SqliteType.Text);
            var pL = cmd.Parameters.Add("$l", SqliteType.Text);
            foreach (var row in rows)
            {
                pId.Value = row.Id;
                pT.Value = row.Tenant;
                pM.Value = row.Metric;
                pL.Value = row.Labels;
                cmd.ExecuteNonQuery();
            }
            tx.Commit();
        }
    }

    public List<(long SeriesId, byte[] Data)> LoadHeads()
    {
        var list = new List<(long, byte[])>();
        lock (_writerLock)
        {
            using var cmd = _writer.CreateCommand();
            cmd.CommandText = "SELECT series_id, data FROM heads";
            using var r = cmd.ExecuteReader();
            while (r.Read()) list.Add((r.GetInt64(0), (byte[])r.GetValue(1)));
        }
        return list;
    }

    /// <summary>
    /// Writes one checkpoint atomically: the chunks sealed since the last one, the current heads
    /// (null data deletes a head; read once, as they are written) and the number of the last WAL segment the checkpoint covers.
    /// </summary>
    public void WriteCheckpoint(IReadOnlyList<(long SeriesId, SealedChunk Chunk, long Seq)> chunks,
        IEnumerable<(long SeriesId, byte[]? Data)> heads, int walSegment)
    {
        lock (_writerLock)
        {
            using var tx = _writer.BeginTransaction();
            using (var cmd = _writer.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = "INSERT OR REPLACE INTO chunks(series_id, min_ts, seq, max_ts, count, data) VALUES($s,$min,$seq,$max,$n,$d)";
                var pS = cmd.Parameters.Add("$s", SqliteType.Integer);
                var pMin = cmd.Parameters.Add("$min", SqliteType.Integer);
                var pSeq = cmd.Parameters.Add("$seq", SqliteType.Integer);
                var pMax = cmd.Parameters.Add("$max", SqliteType.Integer);
                var pN = cmd.Parameters.Add("$n", SqliteType.Integer);
                var pD = cmd.Parameters.Add("$d", SqliteType.Blob);
                foreach (var (id, c, seq) in chunks)
                {
                    pS.Value = id;
                    pMin.Value = c.MinTs;
                    pSeq.Value = seq;
                    pMax.Value = c.MaxTs;
                    pN.Value = c.Count;
                    pD.Value = c.Data;
                    cmd.ExecuteNonQuery();
                }
            }
            using (var put = _writer.CreateCommand())
            using (var del = _writer.CreateCommand())
            {
                put.Transaction = tx;
                del.Transaction = tx;
                put.CommandText = "INSERT OR REPLACE INTO heads(series_id, data) VALUES($s,$d)";
                del.CommandText = "DELETE FROM heads WHERE series_id=$s";
                var pS = put.Parameters.Add("$s", SqliteType.Integer);
                var pD = put.Parameters.Add("$d", SqliteType.Blob);
                var dS = del.Parameters.Add("$s", SqliteType.Integer);
                foreach (var (id, head) in heads)
                {
                    if (head is null)
                    {
                        dS.Value = id;
                        del.ExecuteNonQuery();
                    }
                    else
                    {
                        pS.Value = id;
                        pD.Value = head;
                        put.ExecuteNonQuery();
                    }
                }
            }
            using (var meta = _writer.CreateCommand())
            {
                meta.Transaction = tx;
                meta.CommandText = "INSERT INTO meta(key,value) VALUES('checkpoint_segment',$v) ON CONFLICT(key) DO UPDATE SET value=excluded.value";
                meta.Parameters.AddWithValue("$v", walSegment.ToString(System.Globalization.CultureInfo.InvariantCulture));
                meta.ExecuteNonQuery();
            }
            tx.Commit();
        }
    }

    /// <summary>Chunks of a series that may hold points in [from, to), in seq order (oldest write first).</summary>
    public void ReadChunks(long seriesId, long from, long to, long maxSpan, List<(long MinTs, long MaxTs, long Seq, byte[] Data)> into)
    {
        using var conn = new SqliteConnection(_connectionString);
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT min_ts, max_ts, seq, data FROM chunks WHERE series_id=$s AND min_ts >= $lo AND min_ts < $to AND max_ts >= $from ORDER BY min_ts, seq";
        cmd.Parameters.AddWithValue("$s", seriesId);
        cmd.Parameters.AddWithValue("$lo", from == long.MinValue ? long.MinValue : from - maxSpan);
        cmd.Parameters.AddWithValue("$to", to);
        cmd.Parameters.AddWithValue("$from", from);
        using var r = cmd.ExecuteReader();
        while (r.Read()) into.Add((r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), (byte[])r.GetValue(3)));
    }

    public List<(long SeriesId, long MaxTs)> NewestStoredTimestamps()
    {
        var list = new List<(long, long)>();
        lock (_writerLock)
        {
            using var cmd = _writer.CreateCommand();
            cmd.CommandText = "SELECT series_id, max(max_ts) FROM chunks GROUP BY series_id";
            using var r = cmd.ExecuteReader();
            while (r.Read()) list.Add((r.GetInt64(0), r.GetInt64(1)));
        }
        return list;
    }

    public (long Chunks, long Points, long Bytes, long MaxSpan, long MaxSeq) ChunkTotals()
    {
        lock (_writerLock)
        {
            using var cmd = _writer.CreateCommand();
            cmd.CommandText = "SELECT count(*), coalesce(sum(count),0), coalesce(sum(length(data)),0), coalesce(max(max_ts-min_ts),0), coalesce(max(seq),0) FROM chunks";
            using var r = cmd.ExecuteReader();
            r.Read();
            return (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4));
        }
    }

    /// <summary>
    /// Deletes chunks that end before <paramref name="cutoff"/>; returns (chunks, points, bytes) removed.
    /// Walks the primary key per series, so no secondary index is needed.
    /// </summary>
    public (long Chunks, long Points, long Bytes) DeleteChunksBefore(long cutoff, IReadOnlyCollection<long> seriesIds)
    {
        lock (_writerLock)
        {
            using var tx = _writer.BeginTransaction();
            using var sum = _writer.CreateCommand();
            sum.Transaction = tx;
            sum.CommandText = "SELECT count(*), coalesce(sum(count),0), coalesce(sum(length(data)),0) FROM chunks WHERE series_id=$s AND min_ts < $c AND max_ts < $c";
            var sumS = sum.Parameters.Add("$s", SqliteType.Integer);
            sum.Parameters.AddWithValue("$c", cutoff);
            using var del = _writer.CreateCommand();
            del.Transaction = tx;
            del.CommandText = "DELETE FROM chunks WHERE series_id=$s AND min_ts < $c AND max_ts < $c";
            var delS = del.Parameters.Add("$s", SqliteType.Integer);
            del.Parameters.AddWithValue("$c", cutoff);
            long chunks = 0, points = 0, bytes = 0;
            foreach (var id in seriesIds)
            {
                sumS.Value = id;
                using (var r = sum.ExecuteReader())
                {
                    r.Read();
                    if (r.GetInt64(0) == 0) continue;
                    chunks += r.GetInt64(0);
                    points += r.GetInt64(1);
                    bytes += r.GetInt64(2);
                }
                delS.Value = id;
                del.ExecuteNonQuery();
            }
            tx.Commit();
            return (chunks, points, bytes);
        }
    }

    public byte[]? GetState(string key)
    {
        using var conn = new SqliteConnection(_connectionString);
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT value FROM state WHERE key=$k";
        cmd.Parameters.AddWithValue("$k", key);
        return cmd.ExecuteScalar() as byte[];
    }

    public List<string> ListStateKeys(string prefix)
    {
        var keys = new List<string>();
        using var conn = new SqliteConnection(_connectionString);
        conn.Open();
        using var cmd = conn.CreateCommand();
        // Keys sort by their UTF-8 bytes, so those with the prefix follow it in one run (LIKE would
        // treat '%' and '_' in the prefix as wildcards).
        cmd.CommandText = "SELECT key FROM state WHERE key >= $p ORDER BY key";
        cmd.Parameters.AddWithValue("$p", prefix);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var key = r.GetString(0);
            if (!key.StartsWith(prefix, StringComparison.Ordinal)) break;
            keys.Add(key);
        }
        return keys;
    }

    /// <summary>Stores and deletes state entries in one transaction, reading <paramref name="entries"/> once as it writes them.</summary>
    public void PutState(IEnumerable<(string Key, byte[] Value)> entries, IReadOnlyList<string> delete)
    {
        lock (_writerLock)
        {
            using var tx = _writer.BeginTransaction();
            using (var put = _writer.CreateCommand())
            {
                put.Transaction = tx;
                put.CommandText = "INSERT INTO state(key, value) VALUES($k,$v) ON CONFLICT(key) DO UPDATE SET value=excluded.value";
                var pK = put.Parameters.Add("$k", SqliteType.Text);
                var pV = put.Parameters.Add("$v", SqliteType.Blob);
                foreach (var (key, value) in entries)
                {
                    pK.Value = key;
                    pV.Value = value;
                    put.ExecuteNonQuery();
                }
            }
            using (var del = _writer.CreateCommand())
            {
                del.Transaction = tx;
                del.CommandText = "DELETE FROM state WHERE key=$k";
                var pK = del.Parameters.Add("$k", SqliteType.Text);
                foreach (var key in delete)
                {
                    pK.Value = key;
                    del.ExecuteNonQuery();
                }
            }
            tx.Commit();
        }
    }

    public long FileBytes()
    {
        long total = 0;
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            var f = new FileInfo(Path + suffix);
            if (f.Exists) total += f.Length;
        }
        return total;
    }

    public void Dispose()
    {
        lock (_writerLock)
        {
            _writer.Dispose();
        }
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
    }

    private static void Execute(SqliteConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}

/// <summary>One row of the series table: the id and the identity (tenant, metric, labels as JSON in name order).</summary>
internal sealed record SeriesRow(long Id, string Tenant, string Metric, string Labels);
