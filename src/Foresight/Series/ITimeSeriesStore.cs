namespace Foresight.Series;

/// <summary>
/// The one interface through which the engine reads and writes series data. The embedded default
/// is <c>SqliteTimeSeriesStore</c>; a PostgreSQL implementation will sit behind the same
/// contract, so nothing outside a store implementation may talk SQL. API keys live behind
/// <see cref="Foresight.Security.IApiKeyStore"/> and housekeeping behind <see cref="IStoreMaintenance"/>.
/// </summary>
/// <remarks>
/// Contract: <see cref="AppendAsync"/> is all-or-nothing per call and durable when it returns
/// <see cref="AppendResult.Accepted"/>; readers see a series' points in timestamp order with at
/// most one value per timestamp (the newest write wins). All members are thread-safe. A store
/// raises no events: the caller of <see cref="AppendAsync"/> hands <see cref="AppendResult.Stored"/>
/// on to whoever consumes accepted data (the ingest feed).
/// </remarks>
public interface ITimeSeriesStore : IAsyncDisposable
{
    /// <summary>
    /// Validates a batch against <see cref="StoreOptions"/> and, only if every point passes, makes
    /// it durable (write-ahead log synced) and visible. A rejected batch changes nothing.
    /// </summary>
    /// <exception cref="StoreWriteException">The batch could not be written (a full disk, an I/O error); nothing of it was stored.</exception>
    ValueTask<AppendResult> AppendAsync(string tenant, IReadOnlyList<SeriesWrite> batch, CancellationToken cancellationToken = default);

    /// <summary>The tenant's series that match a selector, in id order.</summary>
    ValueTask<IReadOnlyList<SeriesInfo>> FindAsync(string tenant, SeriesSelector selector, CancellationToken cancellationToken = default);

    /// <summary>The tenants that have at least one series, in ordinal order.</summary>
    ValueTask<IReadOnlyList<string>> TenantsAsync(CancellationToken cancellationToken = default);

    /// <summary>One series by id, or null when it does not exist or belongs to another tenant.</summary>
    ValueTask<SeriesInfo?> GetAsync(string tenant, long seriesId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends the points of a series with <paramref name="from"/> ≤ timestamp &lt; <paramref name="to"/>
    /// to <paramref name="into"/> in timestamp order. Returns false when the series does not
    /// exist for this tenant.
    /// </summary>
    ValueTask<bool> ReadAsync(string tenant, long seriesId, long from, long to, List<Point> into, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads many series at once over [<paramref name="from"/>, <paramref name="to"/>): one entry per id
    /// that exists for this tenant, in the order asked (an id asked twice is answered twice); ids that do
    /// not exist or belong to another tenant are left out. Each entry's points are as <see cref="ReadAsync"/>
    /// gives them.
    /// </summary>
    ValueTask<IReadOnlyList<SeriesPoints>> ReadManyAsync(string tenant, IReadOnlyList<long> seriesIds, long from, long to,
        CancellationToken cancellationToken = default);

    /// <summary>Sizes and counts for self-observability.</summary>
    ValueTask<StoreStats> GetStatsAsync(CancellationToken cancellationToken = default);
}

/// <summary>Points for one series in an append batch.</summary>
/// <param name="Metric">Metric name (<c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>).</param>
/// <param name="Labels">The series' labels.</param>
/// <param name="Points">The points, in any order.</param>
public sealed record SeriesWrite(string Metric, Labels Labels, IReadOnlyList<Point> Points);

/// <summary>The points one accepted batch stored for one series (staleness markers and dropped points left out).</summary>
public sealed record AppendedSeries(SeriesInfo Series, IReadOnlyList<Point> Points);

/// <summary>One series' points from <see cref="ITimeSeriesStore.ReadManyAsync"/>, in timestamp order.</summary>
public sealed record SeriesPoints(long SeriesId, List<Point> Points);

/// <summary>A stored series.</summary>
public sealed record SeriesInfo(long Id, string Tenant, string Metric, Labels Labels);

/// <summary>Why one point of a batch was refused.</summary>
/// <param name="SeriesIndex">Index of the series in the batch.</param>
/// <param name="Series">The series' canonical name.</param>
/// <param name="PointIndex">Index of the point within the series, or -1 for a problem with the series itself.</param>
/// <param name="Reason">What is wrong, in words a user can act on.</param>
public sealed record PointRejection(int SeriesIndex, string Series, int PointIndex, string Reason);

/// <summary>The outcome of <see cref="ITimeSeriesStore.AppendAsync"/>.</summary>
/// <param name="Accepted">Whether the batch was stored (all of it) or refused (none of it).</param>
/// <param name="PointsAccepted">Points stored.</param>
/// <param name="PointsDropped">Points left out by policy (staleness markers, NaN with policy drop).</param>
/// <param name="Rejections">Why the batch was refused (at most 20 listed, then a summary entry).</param>
/// <param name="Stored">For an accepted batch, each series and the points stored for it: what the caller hands to the ingest feed.</param>
public sealed record AppendResult(bool Accepted, int PointsAccepted, int PointsDropped, IReadOnlyList<PointRejection> Rejections,
    IReadOnlyList<AppendedSeries> Stored)
{
    /// <summary>An accepted batch.</summary>
    public static AppendResult Ok(int accepted, int dropped, IReadOnlyList<AppendedSeries> stored) => new(true, accepted, dropped, [], stored);

    /// <summary>A rejected batch (nothing stored).</summary>
    public static AppendResult Rejected(IReadOnlyList<PointRejection> rejections) => new(false, 0, 0, rejections, []);
}

/// <summary>Store figures for <c>/metrics</c> and benchmarks.</summary>
public sealed record StoreStats(long SeriesCount, long StoredChunks, long StoredPoints, long StoredChunkBytes,
    long HeadPoints, long WalBytes, long DatabaseBytes);
