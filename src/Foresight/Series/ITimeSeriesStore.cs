namespace Foresight.Series;

/// <summary>
/// The one interface through which the engine reads and writes telemetry. The embedded default
/// is <c>SqliteTimeSeriesStore</c>; a PostgreSQL implementation will sit behind the same
/// contract, so nothing outside a store implementation may talk SQL.
/// </summary>
/// <remarks>
/// Contract: <see cref="Append"/> is all-or-nothing per call and durable when it returns
/// <see cref="AppendResult.Accepted"/>; readers see a series' points in timestamp order with at
/// most one value per timestamp (the newest write wins). All members are thread-safe.
/// </remarks>
public interface ITimeSeriesStore : IDisposable
{
    /// <summary>
    /// Validates a batch against <see cref="StoreOptions"/> and, only if every point passes, makes
    /// it durable (write-ahead log synced) and visible. A rejected batch changes nothing.
    /// </summary>
    AppendResult Append(string tenant, IReadOnlyList<SeriesWrite> batch);

    /// <summary>
    /// Raised after every accepted batch, on the appending thread, with each series and the points
    /// stored for it (dropped points left out). Handlers must be quick (hand the work to a queue).
    /// </summary>
    event Action<string, IReadOnlyList<AppendedSeries>>? Appended;

    /// <summary>The tenant's series that match a selector, in id order.</summary>
    IReadOnlyList<SeriesInfo> Find(string tenant, SeriesSelector selector);

    /// <summary>The tenants that have at least one series.</summary>
    IReadOnlyList<string> Tenants();

    /// <summary>One series by id, or null when it does not exist or belongs to another tenant.</summary>
    SeriesInfo? Get(string tenant, long seriesId);

    /// <summary>
    /// Appends the points of a series with <paramref name="from"/> ≤ timestamp &lt; <paramref name="to"/>
    /// to <paramref name="into"/> in timestamp order. Returns false when the series does not
    /// exist for this tenant.
    /// </summary>
    bool Read(string tenant, long seriesId, long from, long to, List<Point> into);

    /// <summary>Deletes data older than the retention period; returns the number of chunks removed.</summary>
    int EnforceRetention();

    /// <summary>Seals open head chunks into stored chunks and truncates the write-ahead log.</summary>
    void Checkpoint();

    /// <summary>Sizes and counts for self-observability.</summary>
    StoreStats GetStats();

    /// <summary>Stores a new API key (only its hash) for a tenant.</summary>
    void AddApiKey(ApiKeyRecord key);

    /// <summary>The key with this hash, or null.</summary>
    ApiKeyRecord? FindApiKey(string keyHash);

    /// <summary>All keys (hashes only), for listing.</summary>
    IReadOnlyList<ApiKeyRecord> ListApiKeys();

    /// <summary>Removes a key by its id; false when there is none.</summary>
    bool RevokeApiKey(string keyId);
}

/// <summary>Points for one series in an append batch.</summary>
/// <param name="Metric">Metric name (<c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>).</param>
/// <param name="Labels">The series' labels.</param>
/// <param name="Points">The points, in any order.</param>
public sealed record SeriesWrite(string Metric, Labels Labels, IReadOnlyList<Point> Points);

/// <summary>The points one accepted batch stored for one series.</summary>
public sealed record AppendedSeries(SeriesInfo Series, IReadOnlyList<Point> Points);

/// <summary>A stored series.</summary>
public sealed record SeriesInfo(long Id, string Tenant, string Metric, Labels Labels);

/// <summary>Why one point of a batch was refused.</summary>
/// <param name="SeriesIndex">Index of the series in the batch.</param>
/// <param name="Series">The series' canonical name.</param>
/// <param name="PointIndex">Index of the point within the series, or -1 for a problem with the series itself.</param>
/// <param name="Reason">What is wrong, in words a user can act on.</param>
public sealed record PointRejection(int SeriesIndex, string Series, int PointIndex, string Reason);

/// <summary>The outcome of <see cref="ITimeSeriesStore.Append"/>.</summary>
public sealed record AppendResult(bool Accepted, int PointsAccepted, int PointsDropped, IReadOnlyList<PointRejection> Rejections)
{
    /// <summary>An accepted batch.</summary>
    public static AppendResult Ok(int accepted, int dropped) => new(true, accepted, dropped, []);

    /// <summary>A rejected batch (nothing stored).</summary>
    public static AppendResult Rejected(IReadOnlyList<PointRejection> rejections) => new(false, 0, 0, rejections);
}

/// <summary>Store figures for <c>/metrics</c> and benchmarks.</summary>
public sealed record StoreStats(long SeriesCount, long StoredChunks, long StoredPoints, long StoredChunkBytes,
    long HeadPoints, long WalBytes, long DatabaseBytes);

/// <summary>An API key as stored: only the SHA-256 hash of the secret is kept.</summary>
public sealed record ApiKeyRecord(string Id, string Tenant, string KeyHash, string Name, long CreatedUnixMs);
